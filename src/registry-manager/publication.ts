import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { entityLists, type ChangeRecord, type EntityLists, type Position, type Registry } from "../registry/model.js";
import { RouteIndex } from "../router/route-index.js";
import { CommitWaiters } from "./commit-waiters.js";
import { RecentChanges } from "./recent-changes.js";

/**
 * The way from a store's disk to its readers. Every durable change goes at
 * once to the backups that follow the store (`subscribeDurable`), and waits
 * in `pending` until it is committed (`commitThrough`); only then do
 * readers (the index, snapshots, `subscribe`) see it, and the writers
 * waiting on its revision get their answers.
 */
export class Publication {
  /** The committed state, indexed for routes. */
  private published: RouteIndex;
  private committed: Position;
  /** Durable changes not yet committed, in order. */
  private pending: ChangeRecord[];
  /** The highest commit point heard of: a backup may hear it before the changes it covers are on its disk. */
  private target: number;
  private readonly recent = new RecentChanges();
  readonly waiters: CommitWaiters;
  private readonly listeners = new Set<(change: ChangeRecord) => void>();
  private readonly durableListeners = new Set<(change: ChangeRecord) => void>();
  private readonly commitListeners = new Set<(revision: number) => void>();

  constructor(
    registry: Registry,
    position: Position,
    /** Durable changes after `position` that readers have not seen yet (a restart's). */
    tail: ChangeRecord[],
    clock: Clock,
    private readonly logger: Logger | undefined,
  ) {
    this.published = RouteIndex.build(registry);
    this.committed = position;
    this.target = position.revision;
    this.pending = [...tail];
    for (const change of tail) this.recent.push(change);
    this.waiters = new CommitWaiters(clock);
  }

  get index(): RouteIndex {
    return this.published;
  }

  get position(): Position {
    return this.committed;
  }

  /** The registry readers see and its revision, for a checkpoint that must not go past them. */
  get state(): { revision: number; registry: Readonly<Registry> } {
    return { revision: this.committed.revision, registry: this.published.registry };
  }

  /** Another cluster, or a new epoch before any change of it: the position's identity fields move. */
  setIdentity(clusterId: string, epoch: number): void {
    this.committed = { ...this.committed, clusterId, epoch };
  }

  /** Changes just made durable: the backups are fed them, readers wait for their commit. */
  durable(changes: readonly ChangeRecord[]): void {
    for (const change of changes) {
      this.pending.push(change);
      this.recent.push(change);
      this.tell(this.durableListeners, change);
    }
  }

  /**
   * Publishes the pending changes up to `revision` (and no further than
   * `durableRevision`), in order, and answers the writers waiting for them.
   * Commit points only move forward.
   */
  commitThrough(revision: number, durableRevision: number): void {
    this.target = Math.max(this.target, revision);
    const through = Math.min(this.target, durableRevision);
    if (through <= this.committed.revision) return;
    let published = 0;
    while (published < this.pending.length && this.pending[published]!.revision <= through) {
      const change = this.pending[published]!;
      this.published.apply(change.ops);
      this.committed = { ...this.committed, epoch: change.epoch, revision: change.revision, digest: Buffer.from(change.digest) };
      this.tell(this.listeners, change);
      published++;
    }
    this.pending.splice(0, published);
    this.waiters.committed(this.committed.revision);
    for (const listener of this.commitListeners) listener(this.committed.revision);
  }

  /** The highest commit point heard of, whether or not the disk has reached it. */
  get commitTarget(): number {
    return this.target;
  }

  /** A snapshot replaced everything: readers see it at once, nothing is pending. */
  reset(registry: Registry, position: Position): void {
    this.published = RouteIndex.build(registry);
    this.committed = position;
    this.target = position.revision;
    this.pending = [];
    this.recent.clear();
  }

  /** The durable changes after `revision` the memory window still holds, or undefined. */
  recentAfter(revision: number): ChangeRecord[] | undefined {
    return this.recent.after(revision);
  }

  snapshot(): { entities: EntityLists; position: Position } {
    return { entities: entityLists(this.published.registry), position: { ...this.committed, digest: Buffer.from(this.committed.digest) } };
  }

  subscribe(listener: (change: ChangeRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  subscribeDurable(listener: (change: ChangeRecord) => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  onCommit(listener: (revision: number) => void): () => void {
    this.commitListeners.add(listener);
    return () => this.commitListeners.delete(listener);
  }

  close(error: unknown): void {
    this.waiters.rejectAll(error);
    this.listeners.clear();
    this.durableListeners.clear();
    this.commitListeners.clear();
  }

  private tell(listeners: ReadonlySet<(change: ChangeRecord) => void>, change: ChangeRecord): void {
    for (const listener of listeners) {
      try {
        listener(change);
      } catch (error) {
        // The change is durable whatever a listener does; the write loop must go on.
        if (this.logger) {
          this.logger.error({ err: error, revision: change.revision }, "a change listener failed");
        } else {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    }
  }
}
