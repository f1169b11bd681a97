/**
 * The one check of a change arriving at a replica (an agent's, or a backup
 * manager's store): it must come from no older epoch than one already seen,
 * follow the replica's revision, and reproduce the digest it carries. A
 * refused change is never applied; the feed reacts to each refusal its own
 * way (see watch-feed.ts).
 */
import { CairnError, Code } from "../errors.js";
import type { StateDigest } from "../registry/digest.js";
import type { ChangeRecord, Registry } from "../registry/model.js";

export type ChangeRefusalKind = "stale-epoch" | "gap" | "digest-mismatch";

/** ABORTED for a stale epoch (that manager is deposed: move on), DATA_LOSS otherwise (resync). */
export class ChangeRefusal extends CairnError {
  constructor(
    readonly refusal: ChangeRefusalKind,
    message: string,
  ) {
    super(refusal === "stale-epoch" ? Code.ABORTED : Code.DATA_LOSS, message);
  }
}

/** Where a replica stands when a change arrives. */
export interface ReplicaHead {
  revision: number;
  /** The highest epoch the replica holds or has heard of: a change from before it is refused. */
  epoch: number;
  digest: StateDigest;
  registry: Readonly<Registry>;
}

/**
 * Checks `change` against `head` and returns the digest after it (a new
 * StateDigest; `head.digest` is not touched). Throws a ChangeRefusal.
 */
export function checkChange(change: ChangeRecord, head: ReplicaHead): StateDigest {
  if (change.epoch < head.epoch) {
    throw new ChangeRefusal("stale-epoch", `change ${change.revision} is from epoch ${change.epoch}, older than epoch ${head.epoch} already seen`);
  }
  if (change.revision !== head.revision + 1) {
    throw new ChangeRefusal("gap", `change ${change.revision} does not follow revision ${head.revision}`);
  }
  const next = head.digest.copy();
  next.update(head.registry, change.ops);
  if (!next.equals(change.digest)) {
    throw new ChangeRefusal("digest-mismatch", `after change ${change.revision} the digest is not the one the change carries`);
  }
  return next;
}
