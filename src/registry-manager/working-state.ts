import { StateDigest } from "../registry/digest.js";
import { applyOps, cloneRegistry, type ChangeRecord, type Op, type Position, type Registry } from "../registry/model.js";
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

  constructor(registry: Registry, digest: StateDigest, revision: number) {
    this.current = registry;
    this.currentDigest = digest;
    this.currentRevision = revision;
  }

  /** Mid-way through a change of many turns (an import) it holds part of it. Read only. */
  get registry(): Registry {
    return this.current;
  }

  get revision(): number {
    return this.currentRevision;
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
      applyOps(this.current, from === 0 && ops.length <= ITEMS_PER_SLICE ? ops : ops.slice(from, from + ITEMS_PER_SLICE));
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
    this.currentDigest = digest;
    this.currentRevision = change.revision;
  }

  /** Replaced whole by a snapshot (a copy of `registry`). */
  install(registry: Registry, position: Position, digest: StateDigest): void {
    this.current = cloneRegistry(registry);
    this.currentDigest = digest.copy();
    this.currentRevision = position.revision;
  }
}
