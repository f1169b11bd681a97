import type { ChangeRecord, EntityLists, Position } from "../registry/model.js";

/**
 * What a watch server streams from: the registry manager's store satisfies
 * it. Everything it hands out is durable (a change is published only once
 * it is on disk).
 */
export interface ChangeSource {
  readonly position: Position;
  /** The changes after `revision`, in order, or undefined when the log no longer holds them all. */
  changesAfter(revision: number): Promise<ChangeRecord[] | undefined>;
  /** The entities and where they stand, taken at once. */
  snapshot(): { entities: EntityLists; position: Position };
  /** Calls `listener` with every change from now on, in order. */
  subscribe(listener: (change: ChangeRecord) => void): () => void;
}
