import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { cloningRegistry, entityLists, type ChangeRecord, type EntityLists, type Op, type Position, type Registry } from "../registry/model.js";
import { ITEMS_PER_SLICE, runSteps, type Steps } from "../registry/steps.js";
import { RouteIndex } from "../router/route-index.js";
import { isLongChange } from "../wire/change-event.js";
import { CommitWaiters } from "./commit-waiters.js";
import { RecentChanges } from "./recent-changes.js";

/**
 * The way from a store's disk to its readers. Every durable change goes at
 * once to the backups that follow the store (`subscribeDurable`), and waits
 * in `pending` until it is committed (`commitThrough`); only then do
 * readers (the index, snapshots, `subscribe`) see it, and the writers
 * waiting on its revision get their answers.
 *
 * A long change (isLongChange: an import) is published
 * through a new index, built over a copy of the registry a slice per turn
 * of the event loop and swapped in whole: applied in place it would hold
 * the loop for as long (a quarter of a second at 100,000 hosts), and cut
 * into slices in place, readers would see half of it. The changes after it
 * wait for the swap, in order.
 */
export class Publication {
  /** The committed state, indexed for routes. */
  private published: RouteIndex;
  private committed: Position;
  /** Durable changes not yet committed, in order. */
  private pending: ChangeRecord[];
  /** The highest commit point heard of: a backup may hear it before the changes it covers are on its disk. */
  private target: number;
  /** The highest durable revision heard of: nothing past it is published. */
  private durableThrough: number;
  /** Set while a big change's index is being built; a reset or a close drops it. */
  private building: { dropped: boolean } | undefined;
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
    this.durableThrough = position.revision;
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
    this.durableThrough = Math.max(this.durableThrough, durableRevision);
    // A big change on its way publishes the rest once it is in.
    if (!this.building) this.publish();
  }

  /** Publishes what may be, in order: at once, up to the first big change, whose build then goes on over later turns. */
  private publish(): void {
    const through = Math.min(this.target, this.durableThrough);
    if (through <= this.committed.revision) return;
    let published = 0;
    let big: ChangeRecord | undefined;
    while (published < this.pending.length && this.pending[published]!.revision <= through) {
      const change = this.pending[published]!;
      if (isLongChange(change)) {
        big = change;
        break;
      }
      this.published.apply(change.ops);
      this.advance(change);
      published++;
    }
    this.pending.splice(0, published);
    if (published > 0) this.tellCommitted();
    if (big) this.build(big);
  }

  /** Builds the index after `change` a slice per turn, then swaps it in and publishes on. */
  private build(change: ChangeRecord): void {
    const building = { dropped: false };
    this.building = building;
    runSteps(
      indexAfter(this.published.registry, change.ops, building),
      (index) => {
        if (!index || building.dropped) return;
        this.building = undefined;
        this.published = index;
        this.pending.shift();
        this.advance(change);
        this.tellCommitted();
        this.publish();
      },
      (error) => {
        // The ops were checked before they were accepted: an index that cannot take them is a bug, and
        // readers would be left behind for good. Stop here, loudly.
        this.logger?.fatal({ err: error, revision: change.revision }, "the route index could not take a change");
        throw error;
      },
    );
  }

  /** `change` is published: readers' position moves to it and its listeners are told. */
  private advance(change: ChangeRecord): void {
    this.committed = { ...this.committed, epoch: change.epoch, revision: change.revision, digest: Buffer.from(change.digest) };
    this.tell(this.listeners, change);
  }

  private tellCommitted(): void {
    this.waiters.committed(this.committed.revision);
    for (const listener of this.commitListeners) listener(this.committed.revision);
  }

  /** The highest commit point heard of, whether or not the disk has reached it. */
  get commitTarget(): number {
    return this.target;
  }

  /** A snapshot replaced everything: readers see it at once, nothing is pending. */
  reset(registry: Registry, position: Position): void {
    this.dropBuild();
    this.published = RouteIndex.build(registry);
    this.committed = position;
    this.target = position.revision;
    this.durableThrough = position.revision;
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
    this.dropBuild();
    this.waiters.rejectAll(error);
    this.listeners.clear();
    this.durableListeners.clear();
    this.commitListeners.clear();
  }

  private dropBuild(): void {
    if (this.building) this.building.dropped = true;
    this.building = undefined;
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

/**
 * The index of `registry` after `ops`, a slice per step: a new index over a
 * copy (records are immutable: a copy of the maps will do, itself a slice
 * per step), then `ops`
 * through `RouteIndex.apply`, the one way every change reaches an index,
 * with its checks. Undefined, its work stopped, once `building` is dropped.
 */
function* indexAfter(registry: Readonly<Registry>, ops: readonly Op[], building: { dropped: boolean }): Steps<RouteIndex | undefined> {
  const copy = yield* cloningRegistry(registry);
  if (building.dropped) return undefined;
  const adopting = RouteIndex.adopting(copy);
  let next = adopting.next();
  for (; !next.done; next = adopting.next()) {
    yield;
    if (building.dropped) return undefined;
  }
  const index = next.value;
  for (let from = 0; from < ops.length; from += ITEMS_PER_SLICE) {
    yield;
    if (building.dropped) return undefined;
    index.apply(ops.slice(from, from + ITEMS_PER_SLICE));
  }
  return index;
}
