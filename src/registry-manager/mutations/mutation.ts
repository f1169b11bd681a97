/**
 * What a write to the registry is: a function from the registry to the ops
 * of one change (SPEC sections 5, 7 and 9), one file per kind of entity
 * beside this one. No I/O: the store applies what a mutation returns as one
 * atomic batch, and the route index, the replicas and the digest apply the
 * same ops.
 *
 * Contract of a `Mutation`:
 * - it reads the registry as it is when the write is applied, and either
 *   throws a CairnError (nothing is written) or returns the ops of one change;
 * - `[]` means the request changes nothing (the store adds no revision);
 * - it leaves the state it is given as it was: every record it writes is new
 *   (`combine` applies the ops of its earlier steps and undoes them before it
 *   returns);
 * - its ops keep the registry consistent after EACH op, because the route
 *   index applies them one at a time: a domain is put after its parent; a
 *   domain is deleted only once it holds no host and no subdomain (hosts are
 *   deleted or moved first, children before parents); a host is put only into
 *   an existing domain; `put-host` carries the whole record, with its packages
 *   sorted by type, at most one per type.
 *
 * Factories never throw: every problem, with the request or with the state,
 * is thrown when the mutation is applied, so a caller catches in one place.
 */

import { aborted } from "../../errors.js";
import { applyOps } from "../../registry/model.js";
import type { Op, Registry } from "../../registry/model.js";
import type { Steps } from "../../registry/steps.js";

/** One write: the ops of one change for the registry as it is, or a thrown CairnError. */
export type Mutation = (state: Readonly<Registry>) => Op[];

/**
 * A write too big for one turn of the event loop (an import of 100,000
 * hosts): its ops come from steps that yield between slices of work (see
 * registry/steps.ts). The store runs no other write while one is under way,
 * so the state it was given does not change between its steps. Every
 * `Mutation` is one (that never yields).
 */
export type SteppedMutation = (state: Readonly<Registry>) => Op[] | Steps<Op[]>;

/** The ops of what a SteppedMutation returned: at once for a plain one, else as its steps give them. */
export function* opsOf(made: Op[] | Steps<Op[]>): Steps<Op[]> {
  return Array.isArray(made) ? made : yield* made;
}

/** Throws ABORTED when the caller expected another revision than the registry's. */
export function checkExpectedRevision(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) {
    throw aborted(`registry is at revision ${current}, not ${expected}`);
  }
}

// ---- composition ----

/**
 * Several mutations as one change: each sees the registry as the previous
 * ones left it, and their ops are concatenated (the heartbeat path uses it
 * for first contact + liveness + health). The earlier mutations' ops are
 * applied to the given registry and undone before returning, whatever
 * happens: a copy of every map would cost the whole registry per heartbeat.
 */
export function combine(...mutations: readonly Mutation[]): Mutation {
  return (state) => {
    const registry = state as Registry;
    const ops: Op[] = [];
    const undo: (() => void)[] = [];
    try {
      mutations.forEach((mutation, i) => {
        const next = mutation(registry);
        ops.push(...next);
        if (i < mutations.length - 1) for (const op of next) undo.push(applyUndoably(registry, op));
      });
      return ops;
    } finally {
      for (const restore of undo.reverse()) restore();
    }
  };
}

/** Applies one op and returns what puts the registry back as it was. */
function applyUndoably(registry: Registry, op: Op): () => void {
  const keep = <V>(map: Map<string, V>, key: string) => {
    const had = map.has(key);
    const old = map.get(key);
    return () => (had ? map.set(key, old as V) : map.delete(key));
  };
  let restore: () => void;
  switch (op.kind) {
    case "put-domain":
    case "delete-domain":
      restore = keep(registry.domains, op.kind === "put-domain" ? op.domain.path : op.path);
      break;
    case "put-host":
    case "delete-host":
      restore = keep(registry.hosts, op.kind === "put-host" ? op.host.id : op.id);
      break;
    case "put-type":
    case "delete-type":
      restore = keep(registry.types, op.kind === "put-type" ? op.type.name : op.name);
      break;
  }
  applyOps(registry, [op]);
  return restore;
}
