/**
 * The on-disk layout shared by the registry manager and the agent's replica:
 * one LevelDB with sublevels per kind. Every change is written in one batch
 * that spans the sublevels (with its position), so a crash leaves either all
 * of a change or none of it. What is not in such a batch: the log's
 * compaction (range clears, oldest first), a replace (behind a marker), and
 * a log record of 1 MiB or more, written just ahead of its batch (past the
 * position until the batch lands; cleared at open if it never did).
 *
 * A logged write (the registry manager's) puts the batch's changes in one log
 * record and leaves their entity keys behind: those are brought up to date
 * in a later batch, a checkpoint, every so often and before the log is
 * compacted past them. Opening replays the log after the checkpoint, then
 * writes one. An unlogged write (an agent's replica) puts its entities.
 *
 *   meta/position      { clusterId, epoch, revision, digest }
 *   meta/checkpoint    the revision the entity keys are current at (absent:
 *                      at the position)
 *   meta/<other>       component-specific (role, primary, ...)
 *   log/<rev:16 hex>   the ChangeRecords of one batch, keyed by the first
 *                      revision; fixed width so byte order is numeric order
 *                      (stores written before hold one ChangeRecord each)
 *   domain/<path>, host/<id>, type/<name>   the entities
 */

import type { ChangeRecord, DomainRecord, HostRecord, Op, Position, Registry, TypeRecord } from "../registry/model.js";
import { SliceCounter, type Steps } from "../registry/steps.js";
import type { Utf8Chunks } from "./utf8-chunks.js";

/**
 * The sublevels' key prefixes as abstract-level writes them (`!name!`): the
 * hot write path builds its keys with them, and the sublevels read them back.
 */
export const PREFIX = { meta: "!meta!", log: "!log!", domain: "!domain!", host: "!host!", type: "!type!" } as const;

/** A put's value is a string, or the UTF-8 bytes of one (a log record, `Utf8Chunks`), which LevelDB takes as they are. */
export type RawOp = { type: "put"; key: string; value: string } | { type: "put"; key: string; value: Buffer; valueEncoding: "buffer" } | { type: "del"; key: string };

export function revisionKey(revision: number): string {
  return revision.toString(16).padStart(16, "0");
}

/** The key revision of the record that holds `revision`, given each record's first revision ascending (`revision` itself when none does). */
export function recordHolding(starts: readonly number[], revision: number): number {
  let low = 0;
  let high = starts.length - 1;
  let found = revision;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle]! <= revision) {
      found = starts[middle]!;
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found;
}

/** A position as meta/position holds it: the digest in hex. */
export type StoredPosition = Omit<Position, "digest"> & { digest: string };

export function storedPosition(position: Position): StoredPosition {
  const { clusterId, epoch, revision } = position;
  return { clusterId, epoch, revision, digest: Buffer.from(position.digest).toString("hex") };
}

export interface StoredChange {
  epoch: number;
  revision: number;
  digest: string;
  ops: Op[];
  timeUnixMs: number;
  cause: string;
}

/** Puts or deletes the entity of `op`, and returns the op's own JSON for the log. */
export function encodeEntityOp(op: Op, put: (prefix: string, key: string, value: string) => void, del: (prefix: string, key: string) => void): string {
  switch (op.kind) {
    case "put-domain": {
      const json = JSON.stringify(op.domain);
      put(PREFIX.domain, op.domain.path, json);
      return `{"kind":"put-domain","domain":${json}}`;
    }
    case "put-host": {
      const json = JSON.stringify(op.host);
      put(PREFIX.host, op.host.id, json);
      return `{"kind":"put-host","host":${json}}`;
    }
    case "put-type": {
      const json = JSON.stringify(op.type);
      put(PREFIX.type, op.type.name, json);
      return `{"kind":"put-type","type":${json}}`;
    }
    case "delete-domain":
      del(PREFIX.domain, op.path);
      return JSON.stringify(op);
    case "delete-host":
      del(PREFIX.host, op.id);
      return JSON.stringify(op);
    case "delete-type":
      del(PREFIX.type, op.name);
      return JSON.stringify(op);
  }
}

/**
 * Encodes `changes`, a slice of ops per step: each op by `encodeOp` (which
 * writes its entity) and, given `record`, all of them into one log record,
 * `[change,…]`.
 */
export function* encodingChanges(changes: readonly ChangeRecord[], record: Utf8Chunks | undefined, encodeOp: (op: Op, change: ChangeRecord) => string): Steps<void> {
  const slices = new SliceCounter();
  record?.append("[");
  for (const [c, change] of changes.entries()) {
    record?.append((c > 0 ? "," : "") + changeHead(change));
    for (const [o, op] of change.ops.entries()) {
      const encoded = encodeOp(op, change);
      record?.append(o > 0 ? "," + encoded : encoded);
      if (slices.due()) {
        record?.seal();
        yield;
      }
    }
    record?.append(changeTail(change));
  }
  record?.append("]");
}

/** A log entry up to its first encoded op; the ops follow, comma-separated, then `changeTail`. */
function changeHead(change: ChangeRecord): string {
  const digest = Buffer.from(change.digest).toString("hex");
  return `{"epoch":${change.epoch},"revision":${change.revision},"digest":"${digest}","ops":[`;
}

/** A log entry after its last encoded op. */
function changeTail(change: ChangeRecord): string {
  return `],"timeUnixMs":${change.timeUnixMs},"cause":${JSON.stringify(change.cause)}}`;
}


/** The key of the entity `op` puts or deletes. */
export function entityKey(op: Op): string {
  switch (op.kind) {
    case "put-domain":
      return PREFIX.domain + op.domain.path;
    case "delete-domain":
      return PREFIX.domain + op.path;
    case "put-host":
      return PREFIX.host + op.host.id;
    case "delete-host":
      return PREFIX.host + op.id;
    case "put-type":
      return PREFIX.type + op.type.name;
    case "delete-type":
      return PREFIX.type + op.name;
  }
}

/** The entity under `key` in `registry`, undefined when there is none. */
export function entityValue(registry: Readonly<Registry>, key: string): DomainRecord | HostRecord | TypeRecord | undefined {
  if (key.startsWith(PREFIX.domain)) return registry.domains.get(key.slice(PREFIX.domain.length));
  if (key.startsWith(PREFIX.host)) return registry.hosts.get(key.slice(PREFIX.host.length));
  return registry.types.get(key.slice(PREFIX.type.length));
}

/** A log record's changes (a store written before records held a whole batch has one change per record). */
export function storedChanges(value: unknown): StoredChange[] {
  return Array.isArray(value) ? (value as StoredChange[]) : [value as StoredChange];
}

export function fromStored(stored: StoredChange): ChangeRecord {
  return { ...stored, digest: Buffer.from(stored.digest, "hex") };
}

/** The registry readers see and the revision it is at. */
export interface CommittedState {
  revision: number;
  registry: Readonly<Registry>;
}

/** Readers' entities as a checkpoint at their revision reads them (`heldAt`). */
export interface HeldReaders {
  revision: number;
  entity(key: string): DomainRecord | HostRecord | TypeRecord | undefined;
}

/**
 * Readers' entities as of now, for a write whose checkpoint stops at their
 * revision, over the turns it takes. Their registry changes in place meanwhile,
 * but only through changes already on disk (readers are never shown a change
 * before it is durable, and a write does not end until its batch is): the
 * entities those changes write, the `stale` ones past readers' revision, are
 * copied now, and every other one holds still until the write is done.
 * Copying the whole registry instead took 40 to 55 ms at 100,000 hosts.
 */
export function heldAt(readers: CommittedState, stale: ReadonlyMap<string, Stale>): HeldReaders {
  const held = new Map<string, DomainRecord | HostRecord | TypeRecord | undefined>();
  for (const [key, entry] of stale) if (entry.revision > readers.revision) held.set(key, entityValue(readers.registry, key));
  return { revision: readers.revision, entity: (key) => (held.has(key) ? held.get(key) : entityValue(readers.registry, key)) };
}

/** What a logged write left behind in an entity key: its latest JSON (null: deleted) and the revision that wrote it. */
export interface Stale {
  json: string | null;
  revision: number;
}

/**
 * The ops that bring `entries`' keys to the checkpoint, pushed onto `ops`
 * a slice per step. Without `committed` the checkpoint is at the last
 * change and every entry's latest JSON is its value there. With it, an
 * entry written after the committed revision takes its value from the
 * readers instead (`heldAt`: as they were when the write was asked for),
 * and stays in `kept` for a later checkpoint.
 */
export function* checkpointOps(ops: RawOp[], entries: ReadonlyMap<string, Stale>, committed: HeldReaders | undefined, kept: Map<string, Stale>): Steps<void> {
  const slices = new SliceCounter();
  for (const [key, entry] of entries) {
    let json = entry.json;
    if (committed && entry.revision > committed.revision) {
      kept.set(key, entry);
      const value = committed.entity(key);
      json = value === undefined ? null : JSON.stringify(value);
    } else {
      kept.delete(key);
    }
    ops.push(json === null ? { type: "del", key } : { type: "put", key, value: json });
    if (slices.due()) yield;
  }
}

/**
 * Where the log may start once `revision` is written, keeping `retention`
 * changes, when enough entries are past it for one range clear (a tenth of
 * the retention): compacting entry by entry would add a delete to every
 * batch. `first` is the oldest logged revision (0: none).
 */
export function compactionDue(revision: number, retention: number, first: number): number | undefined {
  const below = revision - retention + 1;
  return first > 0 && below - first >= Math.max(1, Math.ceil(retention / 10)) ? below : undefined;
}
