import type { ChangeRecord, EntityLists, Position } from "../registry/model.js";

/**
 * What a watch server streams from: the registry manager's store satisfies
 * it. A change is durable once it is on the source's disk, and committed
 * once readers may see it (with --sync-backups K, once K backups hold it);
 * backups following the source are fed durable changes, everyone else
 * committed ones.
 */
export interface ChangeSource {
  /** Where readers stand (committed). */
  readonly position: Position;
  /** What the disk holds. */
  readonly durablePosition: Position;
  /** The changes after `revision`, in order, up to `through` (default: committed), or undefined when the log no longer holds them all. */
  changesAfter(revision: number, through?: number): Promise<ChangeRecord[] | undefined>;
  /** The committed entities and where they stand, taken at once. */
  snapshot(): { entities: EntityLists; position: Position };
  /** Calls `listener` with every committed change from now on, in order. */
  subscribe(listener: (change: ChangeRecord) => void): () => void;
  /** Calls `listener` with every durable change from now on, in order. */
  subscribeDurable(listener: (change: ChangeRecord) => void): () => void;
  /** Calls `listener` each time the commit point moves. */
  onCommit(listener: (revision: number) => void): () => void;
}
