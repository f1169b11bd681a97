import { StateDigest } from "../registry/digest.js";
import { applyOps, cloneRegistry, packageOf, REGISTRY_TYPE, type ChangeRecord, type Op, type Position, type Registry } from "../registry/model.js";
import { ITEMS_PER_SLICE, type Steps } from "../registry/steps.js";
import { checkChange } from "../replication/change-check.js";

/** The digest after a change, and the revision it was worked out at (digestAfter). */
export interface Digested {
  digest: StateDigest;
  revision: number;
}

/**
 * A store's working state: every accepted mutation applied, durable or not
 * yet: what mutations are checked against, with its digest and revision.
 * Only the store's write intake changes it, one change at a time.
 */
export class WorkingState {
  private current: Registry;
  private currentDigest: StateDigest;
  private currentRevision: number;
  /**
   * The hosts with a registry package: a primary announces its epoch to
   * them every 500 ms, and walking 100,000 hosts for some twenty managers
   * took 10-22 ms of the event loop each time.
   */
  private managers = new Set<string>();

  constructor(registry: Registry, digest: StateDigest, revision: number) {
    this.current = registry;
    this.currentDigest = digest;
    this.currentRevision = revision;
    this.findManagers();
  }

  /** Mid-way through a change of many turns (an import) it holds part of it. Read only. */
  get registry(): Registry {
    return this.current;
  }

  get revision(): number {
    return this.currentRevision;
  }

  /** The ids of the hosts with a registry package in `registry`, kept with it. Read only. */
  get managerHosts(): ReadonlySet<string> {
    return this.managers;
  }

  /**
   * The digest after `ops`, worked out on a copy, a slice per step: the
   * state does not move, so the caller may still drop the change. Applied
   * with `apply`, with no other change between.
   */
  *digestAfter(ops: readonly Op[]): Steps<Digested> {
    const digest = this.currentDigest.copy();
    yield* digest.updating(this.current, ops);
    return { digest, revision: this.currentRevision };
  }

  /** The change `ops` make, applied a slice per step (from the first, it holds part of it): the next revision. */
  *apply(ops: Op[], digested: Digested, epoch: number, cause: string, now: number): Steps<ChangeRecord> {
    if (digested.revision !== this.currentRevision) throw new Error(`a digest worked out at revision ${digested.revision} cannot apply at ${this.currentRevision}`);
    for (let from = 0; from < ops.length; from += ITEMS_PER_SLICE) {
      if (from > 0) yield;
      const slice = from === 0 && ops.length <= ITEMS_PER_SLICE ? ops : ops.slice(from, from + ITEMS_PER_SLICE);
      applyOps(this.current, slice);
      this.trackManagers(slice);
    }
    const { digest } = digested;
    this.currentDigest = digest;
    this.currentRevision += 1;
    return { epoch, revision: this.currentRevision, digest: digest.bytes(), ops, timeUnixMs: now, cause };
  }

  /** A primary's change, checked against this state (revision, epoch, digest: a mismatch throws) and applied. */
  replicate(change: ChangeRecord, epoch: number): void {
    const digest = checkChange(change, { revision: this.currentRevision, epoch, digest: this.currentDigest, registry: this.current });
    applyOps(this.current, change.ops);
    this.trackManagers(change.ops);
    this.currentDigest = digest;
    this.currentRevision = change.revision;
  }

  /** Replaced whole by a snapshot (a copy of `registry`). */
  install(registry: Registry, position: Position, digest: StateDigest): void {
    this.current = cloneRegistry(registry);
    this.currentDigest = digest.copy();
    this.currentRevision = position.revision;
    this.findManagers();
  }

  private findManagers(): void {
    this.managers = new Set();
    for (const host of this.current.hosts.values()) if (packageOf(host, REGISTRY_TYPE)) this.managers.add(host.id);
  }

  /** After `ops` are applied: a host put with a registry package is one, any other host op leaves it none. */
  private trackManagers(ops: readonly Op[]): void {
    for (const op of ops) {
      if (op.kind === "put-host" && packageOf(op.host, REGISTRY_TYPE)) this.managers.add(op.host.id);
      else if (op.kind === "put-host") this.managers.delete(op.host.id);
      else if (op.kind === "delete-host") this.managers.delete(op.id);
    }
  }
}
