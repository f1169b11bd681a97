import type { Logger } from "pino";
import { systemClock, type Clock } from "../clock.js";
import { CairnError, Code, unavailable } from "../errors.js";
import { StateDigest } from "../registry/digest.js";
import {
  applyOps,
  cloneRegistry,
  entityLists,
  type ChangeRecord,
  type EntityLists,
  type Op,
  type Position,
  type Registry,
} from "../registry/model.js";
import { checkChange } from "../replication/change-check.js";
import { RouteIndex } from "../router/route-index.js";
import { storedPosition } from "../storage/layout.js";
import { RegistryDb } from "../storage/registry-db.js";
import { loadVerified } from "../storage/verified-load.js";
import { DEFAULT_LOG_RETENTION } from "./defaults.js";
import { GroupCommit, type Accepted } from "./group-commit.js";
import { RecentChanges } from "./recent-changes.js";
import { checkExpectedRevision, type Mutation } from "./mutations/mutation.js";

export interface CommitResult {
  revision: number;
  epoch: number;
  /** False for a mutation that changed nothing (no revision was added). */
  changed: boolean;
}

export interface MutateOptions {
  /** Reject with ABORTED unless the registry is at this revision when the mutation runs. */
  expectedRevision?: number | undefined;
  /** Why, for the log ("host add agent-9"). */
  cause: string;
}

export interface StoreOptions {
  logRetention?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * What a write must pass besides the disk (--sync-backups): `admit` refuses
 * a mutation before anything is written, `durable` resolves once enough
 * backups hold a revision.
 */
export interface WriteGate {
  admit(): void;
  durable(revision: number): Promise<void>;
}

/**
 * The registry manager's durable state. Each mutation runs as it arrives,
 * against the latest accepted state, and takes the next revision; the ones
 * accepted while a batch is on its way to disk make the next synced
 * batches (group commit, a group at a time: see group-commit.ts), so the
 * next batch is ready when the disk is. A mutation is acknowledged,
 * published to readers and streamed to watchers only once its batch is on
 * disk, so nobody ever sees a change that a crash could take back.
 *
 * Knows nothing of gRPC: services consume `mutate`, `subscribe`, `snapshot`
 * and `changesAfter`.
 */
export class RegistryStore {
  /** Every accepted mutation applied, durable or not yet: what mutations are checked against. */
  private working: Registry;
  private workingDigest: StateDigest;
  private workingRevision: number;
  /** The durable state, indexed for routes: what readers see. */
  private published: RouteIndex;
  private durable: Position;
  private readonly recent = new RecentChanges();
  private readonly listeners = new Set<(change: ChangeRecord) => void>();
  /** Set while this store may not take writes (a backup's): every mutation is refused with it. */
  private writeRefusal: CairnError | undefined;
  private gate: WriteGate | undefined;
  /** Replicated changes and snapshot installs, one after the other. */
  private replicating: Promise<void> = Promise.resolve();
  /** Accepted mutations (in `working`) on their way to the disk, a group at a time. */
  private readonly queue: GroupCommit;
  private closed = false;
  /** Set when a write to disk failed: the store no longer knows what is durable, so it accepts nothing more. */
  private failure: Error | undefined;
  private readonly logRetention: number;
  private readonly clock: Clock;
  private readonly logger: Logger | undefined;

  private constructor(
    private readonly db: RegistryDb,
    registry: Registry,
    position: Position,
    digest: StateDigest,
    options: StoreOptions,
  ) {
    this.working = registry;
    this.workingDigest = digest;
    this.workingRevision = position.revision;
    this.published = RouteIndex.build(registry);
    this.durable = position;
    this.logRetention = options.logRetention ?? DEFAULT_LOG_RETENTION;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.queue = new GroupCommit({
      write: (changes) => this.writeLogged(changes),
      written: (group, changes) => {
        for (const change of changes) this.publish(change);
        this.settle(group, changes[changes.length - 1]?.revision);
      },
      failed: (error, group) => this.fail(error, group),
    });
  }

  /** Opens (or creates) the store in `dir` and checks that what is on disk is whole. */
  static async open(dir: string, options: StoreOptions = {}): Promise<RegistryStore> {
    const db = await RegistryDb.open(dir, options.logger);
    try {
      const { registry, position, digest, damage } = await loadVerified(db);
      if (damage) throw new CairnError(Code.DATA_LOSS, `the store in ${dir} is damaged: ${damage}`);
      return new RegistryStore(db, registry, position, digest, options);
    } catch (error) {
      await db.close();
      throw error;
    }
  }

  /** False until the store belongs to a cluster (a bootstrap or a join). */
  get initialized(): boolean {
    return this.durable.clusterId !== "";
  }

  get position(): Position {
    return { ...this.durable, digest: Buffer.from(this.durable.digest) };
  }

  /** The durable registry, indexed for routes. Read only. */
  get index(): RouteIndex {
    return this.published;
  }

  get oldestLoggedRevision(): number {
    return this.db.logBounds.first;
  }

  /** Makes a new store the first of a cluster, at `epoch`, revision 0. */
  async initialize(clusterId: string, epoch: number): Promise<void> {
    if (this.initialized) throw new CairnError(Code.FAILED_PRECONDITION, `the store already belongs to cluster ${this.durable.clusterId}`);
    const position = { ...this.durable, clusterId, epoch };
    await this.db.write({ changes: [], position: storedPosition(position), log: false });
    this.durable = position;
  }

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.db.getMeta<T>(key);
  }

  /**
   * Runs `mutation` against the registry as it is after every write accepted
   * before it, and resolves once its change is durable. A mutation that
   * returns no ops resolves with the current revision and adds none.
   */
  mutate(mutation: Mutation, options: MutateOptions): Promise<CommitResult> {
    if (this.failure) return Promise.reject(unavailable(`the store stopped after a failed write: ${this.failure.message}`));
    if (this.closed) return Promise.reject(unavailable("the registry manager is shutting down"));
    if (!this.initialized) return Promise.reject(unavailable("the registry manager has not joined a cluster yet"));
    if (this.writeRefusal) return Promise.reject(this.writeRefusal);
    try {
      this.gate?.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    return new Promise((resolve, reject) => {
      this.queue.push(this.run(mutation, options, resolve, reject));
    });
  }

  /** Runs a mutation against the working state; its answer waits for the disk. */
  private run(mutation: Mutation, options: MutateOptions, resolve: (result: CommitResult) => void, reject: (error: unknown) => void): Accepted {
    const epoch = this.durable.epoch;
    try {
      checkExpectedRevision(options.expectedRevision, this.workingRevision);
      const ops = mutation(this.working);
      const change = ops.length > 0 ? this.accept(ops, epoch, options.cause) : undefined;
      const result = { revision: this.workingRevision, epoch, changed: change !== undefined };
      return { change, answer: () => resolve(result), reject };
    } catch (error) {
      // Answered with the batch too: the rejection may rest on changes not yet durable.
      return { change: undefined, answer: () => reject(error), reject };
    }
  }

  /**
   * From now on every write is refused with `refusal` (undefined: accepted
   * again). Writes already accepted are refused too, whether their batch is
   * on its way to disk or still to go (it still goes, so that the disk keeps
   * up with the working state): once a manager knows it may not write, it
   * acknowledges nothing more.
   */
  refuseWrites(refusal: CairnError | undefined): void {
    this.writeRefusal = refusal;
    if (refusal) for (const accepted of this.queue.waiting) accepted.reject(refusal);
  }

  /** Makes acknowledgements wait on `gate` too (undefined: on the disk alone). */
  setWriteGate(gate: WriteGate | undefined): void {
    this.gate = gate;
  }

  /**
   * A backup's way in: the primary's changes, applied exactly as they are
   * (revision, epoch, digest), made durable in one synced batch, then
   * published. Refused (nothing written) unless they follow this store's
   * revision, come from no older epoch, and reproduce their digests.
   */
  replicate(changes: readonly ChangeRecord[]): Promise<void> {
    const run = async () => {
      if (changes.length === 0) return;
      // A manager that was refused its writes (stepping down) still writes and publishes what it had
      // accepted, and that must land before what its new primary sends replaces it.
      await this.queue.idle();
      // Checked one by one against the working state. A refusal part-way leaves
      // it ahead of the disk, which is fine: a refused change always ends in a
      // snapshot install, which replaces it whole.
      let epoch = this.durable.epoch;
      for (const change of changes) {
        const digest = checkChange(change, { revision: this.workingRevision, epoch, digest: this.workingDigest, registry: this.working });
        applyOps(this.working, change.ops);
        this.workingDigest = digest;
        this.workingRevision = change.revision;
        epoch = change.epoch;
      }
      const revision = this.workingRevision;
      const last = changes[changes.length - 1]!;
      await this.db.write({
        changes,
        position: storedPosition({ ...this.durable, epoch, revision, digest: Buffer.from(last.digest) }),
        log: true,
        compactBelow: this.compactionDue(revision),
      });
      for (const change of changes) this.publish(change);
    };
    return this.afterReplication(run);
  }

  /** Replaces everything with a snapshot (checked whole by the caller): a backup's resync. */
  install(registry: Registry, position: Position, digest = StateDigest.of(registry)): Promise<void> {
    const run = async () => {
      // A manager that was refused its writes (stepping down) still writes and publishes what it had
      // accepted, and that must land before what its new primary sends replaces it.
      await this.queue.idle();
      await this.db.replace(entityLists(registry), storedPosition(position));
      this.working = cloneRegistry(registry);
      this.workingDigest = digest.copy();
      this.workingRevision = position.revision;
      this.published = RouteIndex.build(registry);
      this.durable = { ...position, digest: digest.bytes() };
      this.recent.clear();
    };
    return this.afterReplication(run);
  }

  /** Runs `work` after the replication work before it; its failure is its caller's, not the next one's. */
  private afterReplication(work: () => Promise<void>): Promise<void> {
    const result = this.replicating.then(work);
    this.replicating = result.catch(() => {});
    return result;
  }

  /** Starts a new epoch (a promotion): the changes from now on carry it. */
  async beginEpoch(epoch: number): Promise<void> {
    if (epoch <= this.durable.epoch) throw new CairnError(Code.FAILED_PRECONDITION, `epoch ${epoch} is not after ${this.durable.epoch}`);
    await this.replicating;
    await this.queue.idle();
    const position = { ...this.durable, epoch };
    await this.db.write({ changes: [], position: storedPosition(position), log: false });
    this.durable = position;
  }

  /** Durable meta that is not the registry (a manager's role). */
  async setMeta(values: Record<string, unknown>): Promise<void> {
    await this.db.write({ changes: [], log: false, meta: values });
  }

  /** Calls `listener` with every durable change, in order, from now on. */
  subscribe(listener: (change: ChangeRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The durable registry's entities and where it stands, taken at once. */
  snapshot(): { entities: EntityLists; position: Position } {
    return { entities: entityLists(this.published.registry), position: this.position };
  }

  /**
   * The durable changes after `revision`, in order, or undefined when the log
   * no longer holds them all (the caller needs a snapshot).
   */
  async changesAfter(revision: number): Promise<ChangeRecord[] | undefined> {
    const head = this.durable.revision;
    if (revision >= head) return [];
    const recent = this.recent.after(revision);
    if (recent) return recent;
    const { first } = this.db.logBounds;
    if (first === 0 || first > revision + 1) return undefined;
    const changes = await this.db.readLog(revision + 1, head);
    return changes.length === head - revision ? changes : undefined;
  }

  /** Stops accepting writes, lets the queued ones finish, closes the database. */
  async close(): Promise<void> {
    this.closed = true;
    await this.queue.idle();
    await this.replicating;
    this.listeners.clear();
    await this.db.close();
  }

  /** One synced batch of accepted changes, logged, with the position after the last. */
  private writeLogged(changes: readonly ChangeRecord[]): Promise<void> {
    const last = changes[changes.length - 1];
    if (!last) return Promise.resolve();
    return this.db.write({
      changes,
      position: storedPosition({ ...this.durable, revision: last.revision, digest: Buffer.from(last.digest) }),
      log: true,
      compactBelow: this.compactionDue(last.revision),
    });
  }

  /**
   * Where the log may start once `revision` is written, when enough entries
   * are past the retention for one range clear (a tenth of the retention):
   * compacting entry by entry would add a delete to every batch.
   */
  private compactionDue(revision: number): number | undefined {
    const below = revision - this.logRetention + 1;
    const { first } = this.db.logBounds;
    return first > 0 && below - first >= Math.max(1, Math.ceil(this.logRetention / 10)) ? below : undefined;
  }

  /**
   * Answers a group once its batch is on disk: refused when this store
   * stopped taking writes meanwhile, after the write gate when there is one.
   */
  private settle(group: Accepted[], revision: number | undefined): void {
    const refusal = this.writeRefusal;
    if (refusal) {
      for (const accepted of group) accepted.reject(refusal);
      return;
    }
    if (!this.gate || revision === undefined) {
      for (const accepted of group) accepted.answer();
      return;
    }
    this.gate.durable(revision).then(
      () => {
        const late = this.writeRefusal;
        if (late) for (const accepted of group) accepted.reject(late);
        else for (const accepted of group) accepted.answer();
      },
      (error) => {
        for (const accepted of group) accepted.reject(error);
      },
    );
  }

  private accept(ops: Op[], epoch: number, cause: string): ChangeRecord {
    this.workingDigest.update(this.working, ops);
    applyOps(this.working, ops);
    this.workingRevision += 1;
    return {
      epoch,
      revision: this.workingRevision,
      digest: this.workingDigest.bytes(),
      ops,
      timeUnixMs: this.clock.now(),
      cause,
    };
  }

  private publish(change: ChangeRecord): void {
    this.published.apply(change.ops);
    this.durable = { ...this.durable, epoch: change.epoch, revision: change.revision, digest: Buffer.from(change.digest) };
    this.recent.push(change);
    for (const listener of this.listeners) {
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

  private fail(error: Error, group: Accepted[]): void {
    this.failure = error;
    this.logger?.fatal({ err: error }, "a durable write failed; the store accepts no more writes");
    const refusal = unavailable(`the write could not be made durable: ${error.message}`);
    for (const accepted of [...group, ...this.queue.takeAll()]) accepted.reject(refusal);
  }
}
