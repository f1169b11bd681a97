import type { Logger } from "pino";
import { systemClock, type Clock } from "../clock.js";
import { CairnError, Code, unavailable } from "../errors.js";
import { StateDigest } from "../registry/digest.js";
import { entityLists, type ChangeRecord, type EntityLists, type Position, type Registry } from "../registry/model.js";
import { RouteIndex } from "../router/route-index.js";
import { compactionDue, storedPosition } from "../storage/layout.js";
import { isBehind, type HeadMark } from "../storage/head-mark.js";
import { damaged } from "../storage/level-errors.js";
import { RegistryDb } from "../storage/registry-db.js";
import { loadVerified } from "../storage/verified-load.js";
import { DEFAULT_LOG_RETENTION } from "./defaults.js";
import { GroupCommit, type Accepted } from "./group-commit.js";
import { Publication } from "./publication.js";
import type { AnswerCheck, CommitResult, MutateOptions, StoreOptions, WriteGate } from "./store-api.js";
import { withRemedy } from "./store-remedy.js";
import { checkExpectedRevision, opsOf, type SteppedMutation } from "./mutations/mutation.js";
import type { Steps } from "../registry/steps.js";
import { WorkingState } from "./working-state.js";
import { WriteIntake } from "./write-intake.js";

/** How long an answer may wait for the backups before it is given up with UNAVAILABLE. */
export const SYNC_TIMEOUT_MS = 5_000;
/** Given up this long before the caller's deadline, so that the caller reads why, not a raw deadline. */
const DEADLINE_MARGIN_MS = 250;

/**
 * The registry manager's durable state. Each mutation runs as it arrives,
 * against the latest accepted state, and takes the next revision; the ones
 * accepted while a batch is on its way to disk make the next synced
 * batches (group commit, a group at a time: see group-commit.ts).
 *
 * A change is durable once its batch is on this disk, and committed once
 * enough backups hold it too (`commitThrough`; at once without a write
 * gate). Readers (the index, snapshots, watchers other than backups) see
 * only committed changes, and a mutation is answered only once the revision
 * it saw is committed, so nobody reads or is told of a change that a crash
 * or a promotion could take back. Backups following this store are fed
 * every durable change (`subscribeDurable`).
 *
 * Knows nothing of gRPC: services consume `mutate`, `subscribe`, `snapshot`
 * and `changesAfter`.
 */
export class RegistryStore {
  /** Every accepted mutation applied, durable or not yet: what mutations are checked against. */
  private readonly working: WorkingState;
  /** What this disk holds (its epoch is the current reign's, set by `beginEpoch`). */
  private disk: Position;
  /** What readers see, and the way there from the disk. */
  private readonly publication: Publication;
  /** True while every durable change is committed at once (no write gate: --sync-backups 0, or a backup of such a primary). */
  private autoCommit = true;
  /** Set while this store may not take writes (a backup's): every mutation is refused with it. */
  private writeRefusal: CairnError | undefined;
  private gate: WriteGate | undefined;
  private answerCheck: AnswerCheck | undefined;
  /** Replicated changes and snapshot installs, one after the other. */
  private replicating: Promise<void> = Promise.resolve();
  /** Mutations, run one at a time in arrival order against `working` (an import takes many turns). */
  private readonly intake: WriteIntake;
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
    loaded: Awaited<ReturnType<typeof loadVerified>>,
    options: StoreOptions,
  ) {
    this.working = new WorkingState(loaded.registry, loaded.digest, loaded.position.revision);
    this.disk = loaded.position;
    this.logRetention = options.logRetention ?? DEFAULT_LOG_RETENTION;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger;
    this.publication = new Publication(loaded.committed.registry, loaded.committed.position, loaded.tail, this.clock, this.logger);
    this.intake = new WriteIntake((error) => this.logger?.error({ err: error }, "a write failed unexpectedly; it was dropped"));
    this.queue = new GroupCommit({
      write: (changes) => this.writeLogged(changes),
      written: (group, changes) => this.written(group, changes),
      failed: (error, group) => this.fail(error, group),
    });
  }

  /**
   * Opens (or creates) the store in `dir` and checks that what is on disk is
   * whole; damage is DATA_LOSS naming the store and what to do about it.
   */
  static async open(dir: string, options: StoreOptions = {}): Promise<RegistryStore> {
    const db = await RegistryDb.open(dir, options.logger, true).catch((error: unknown) => {
      throw withRemedy(error);
    });
    try {
      const loaded = await loadVerified(db).catch((error: unknown) => {
        throw damaged(dir, error);
      });
      if (loaded.damage) throw new CairnError(Code.DATA_LOSS, `the store in ${dir} is damaged: ${loaded.damage}`);
      return new RegistryStore(db, loaded, options);
    } catch (error) {
      await db.close().catch(() => {});
      throw withRemedy(error);
    }
  }

  /** Where the last run left this store, when it opened behind that: its disk lost durable writes (head-mark.ts). */
  get lostWrites(): { held: HeadMark; now: Position } | undefined {
    const held = this.db.previousHead;
    return held && isBehind(held, this.disk) ? { held, now: this.durablePosition } : undefined;
  }

  /** False until the store belongs to a cluster (a bootstrap or a join). */
  get initialized(): boolean {
    return this.disk.clusterId !== "";
  }

  /** Where readers stand: the committed state. */
  get position(): Position {
    const committed = this.publication.position;
    return { ...committed, digest: Buffer.from(committed.digest) };
  }

  /** What this disk holds: where a backup resumes, what promotion compares. */
  get durablePosition(): Position {
    return { ...this.disk, digest: Buffer.from(this.disk.digest) };
  }

  /** The epoch this store is in: the highest it wrote or was told to begin. */
  get epoch(): number {
    return this.disk.epoch;
  }

  /**
   * Every change this manager holds applied, committed or not (and on a
   * primary, accepted ones too): the newest it knows, for finding its peers,
   * never for readers (mid-way through a change of many turns, an import,
   * it holds part of it), and its hosts with a registry package. Read only.
   */
  get latest(): { readonly registry: Readonly<Registry>; readonly managerHosts: ReadonlySet<string> } {
    return this.working;
  }

  /** The committed registry, indexed for routes. Read only. */
  get index(): RouteIndex {
    return this.publication.index;
  }

  get oldestLoggedRevision(): number {
    return this.db.logBounds.first;
  }

  /** Makes a new store the first of a cluster, at `epoch`, revision 0. */
  async initialize(clusterId: string, epoch: number): Promise<void> {
    if (this.initialized) throw new CairnError(Code.FAILED_PRECONDITION, `the store already belongs to cluster ${this.disk.clusterId}`);
    const position = { ...this.disk, clusterId, epoch };
    await this.db.write({ changes: [], position: storedPosition(position), log: false });
    this.disk = position;
    this.publication.setIdentity(clusterId, epoch);
  }

  getMeta<T>(key: string): Promise<T | undefined> {
    return this.db.getMeta<T>(key);
  }

  /**
   * Runs `mutation` against the registry as it is after every write accepted
   * before it, and resolves once its change is committed (`untilDurable`: on
   * this disk). A mutation that returns no ops resolves with the current
   * revision and adds none, also once that revision is committed. A
   * stepped mutation (an import) and the change it makes take a slice of
   * work per turn of the event loop; the writes after it wait their turn.
   */
  mutate(mutation: SteppedMutation, options: MutateOptions): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      if (this.stopped(reject)) return;
      if (!this.initialized) return reject(unavailable("the registry manager has not joined a cluster yet"));
      if (!options.untilDurable) this.gate?.admit();
      this.intake.push(() => this.run(mutation, options, resolve, reject), reject);
    });
  }

  /**
   * Runs a mutation against the working state; its answer waits for the disk, then the commit.
   * What stops the store during its turns (it may wait behind an import, or be one) stops it too,
   * until it starts to apply its change: nothing of it is in the working state before that.
   */
  private *run(mutation: SteppedMutation, options: MutateOptions, resolve: (result: CommitResult) => void, reject: (error: unknown) => void): Steps<void> {
    if (this.stopped(reject)) return;
    const epoch = this.disk.epoch;
    const saw = this.working.revision;
    // Counted from when the change is durable: an import's answer must not give up for the turns it took to get there.
    const accepted = () => ({ deadline: options.untilDurable ? undefined : () => this.answerDeadline(options.deadline), reject });
    let done: Accepted;
    try {
      checkExpectedRevision(options.expectedRevision, saw);
      const ops = yield* opsOf(mutation(this.working.registry));
      let change: ChangeRecord | undefined;
      if (ops.length > 0) {
        if (this.stopped(reject)) return;
        const digested = yield* this.working.digestAfter(ops);
        if (this.stopped(reject)) return;
        change = yield* this.working.apply(ops, digested, epoch, options.cause, this.clock.now());
      }
      const result = { revision: this.working.revision, epoch, changed: change !== undefined };
      done = { ...accepted(), revision: this.working.revision, change, answer: () => resolve(result) };
    } catch (error) {
      // Answered with the batch too: the rejection may rest on changes not yet committed.
      done = { ...accepted(), revision: saw, change: undefined, answer: () => reject(error) };
    }
    // A change applied is accepted and goes on (the queue refuses it if the store failed meanwhile).
    if (!done.change && this.stopped(reject)) return;
    this.queue.push(done);
  }

  /** True, and `reject` told why, when the store takes no more writes: it failed, it is closing, or it refuses them. */
  private stopped(reject: (error: unknown) => void): boolean {
    const failed = this.failure && unavailable(`the store stopped after a failed write: ${this.failure.message}`);
    const why = failed ?? (this.closed ? unavailable("the registry manager is shutting down") : this.writeRefusal);
    if (why) reject(why);
    return why !== undefined;
  }

  /** Resolves once every write accepted so far is on disk (or failed). */
  private async writesSettled(): Promise<void> {
    await this.intake.idle();
    await this.queue.idle();
  }

  /** When an answer stops waiting for the backups: SYNC_TIMEOUT_MS from now, or just before the caller's deadline. */
  private answerDeadline(callerDeadline: number | undefined): number {
    const own = this.clock.now() + SYNC_TIMEOUT_MS;
    return callerDeadline === undefined ? own : Math.min(own, callerDeadline - DEADLINE_MARGIN_MS);
  }

  /**
   * From now on every write is refused with `refusal` (undefined: accepted
   * again). Writes already accepted are refused too, whether their batch is
   * on its way to disk, still to go (it still goes, so that the disk keeps
   * up with the working state) or waiting for the backups: once a manager
   * knows it may not write, it acknowledges nothing more.
   */
  refuseWrites(refusal: CairnError | undefined): void {
    this.writeRefusal = refusal;
    if (!refusal) return;
    for (const accepted of this.queue.waiting) accepted.reject(refusal);
    this.publication.waiters.rejectAll(refusal);
  }

  /**
   * Admits writes through `gate` (undefined: no check before writing). Set,
   * with the commit mode, before writes are accepted again, so that no write
   * is ever answered outside the gate.
   */
  setWriteGate(gate: WriteGate | undefined): void {
    this.gate = gate;
  }

  /**
   * How durable changes become committed: at once (`true`), or only by
   * `commitThrough` (a primary's write gate; a backup whose primary has one,
   * and a backup that has not heard from its primary yet).
   */
  setAutoCommit(auto: boolean): void {
    this.autoCommit = auto;
    if (auto) this.commitThrough(this.disk.revision);
  }

  /** Asks `check` before each answer to a writer (undefined: none); a refusal refuses every write from then on. */
  setAnswerCheck(check: AnswerCheck | undefined): void {
    this.answerCheck = check;
  }

  /** Publishes every durable change up to `revision` to readers, and answers the writers waiting for it. */
  commitThrough(revision: number): void {
    if (this.publication.waiters.size > 0) this.answerRefusal();
    this.publication.commitThrough(revision, this.disk.revision);
  }

  /** Calls `listener` each time the commit point moves (a primary tells its backups). */
  onCommit(listener: (revision: number) => void): () => void {
    return this.publication.onCommit(listener);
  }

  /**
   * A backup's way in: the primary's changes, applied exactly as they are
   * (revision, epoch, digest), made durable in one synced batch, then
   * committed by the commit points the primary sends (at once when it has
   * no write gate). Refused (nothing written) unless they follow this
   * store's revision, come from no older epoch, and reproduce their digests.
   */
  replicate(changes: readonly ChangeRecord[]): Promise<void> {
    const run = async () => {
      if (changes.length === 0) return;
      // A manager that was refused its writes (stepping down) still writes what it had accepted,
      // and that must land before what its new primary sends replaces it.
      await this.writesSettled();
      // Checked one by one against the working state. A refusal part-way leaves
      // it ahead of the disk, which is fine: a refused change always ends in a
      // snapshot install, which replaces it whole.
      let epoch = this.disk.epoch;
      for (const change of changes) {
        this.working.replicate(change, epoch);
        epoch = change.epoch;
      }
      await this.writeLogged(changes, epoch);
      this.durable(changes, epoch);
      this.commitThrough(this.autoCommit ? this.disk.revision : this.publication.commitTarget);
    };
    return this.afterReplication(run);
  }

  /** Replaces everything with a snapshot (checked whole by the caller): a backup's resync. */
  install(registry: Registry, position: Position, digest = StateDigest.of(registry)): Promise<void> {
    const run = async () => {
      await this.writesSettled();
      await this.db.replace(entityLists(registry), storedPosition(position));
      this.working.install(registry, position, digest);
      this.disk = { ...position, digest: digest.bytes() };
      this.publication.reset(registry, { ...this.disk });
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
    if (epoch <= this.disk.epoch) throw new CairnError(Code.FAILED_PRECONDITION, `epoch ${epoch} is not after ${this.disk.epoch}`);
    await this.replicating;
    await this.writesSettled();
    const position = { ...this.disk, epoch };
    await this.db.write({ changes: [], position: storedPosition(position), log: false });
    this.disk = position;
  }

  /** Durable meta that is not the registry (a manager's role). */
  async setMeta(values: Record<string, unknown>): Promise<void> {
    await this.db.write({ changes: [], log: false, meta: values });
  }

  /** Calls `listener` with every committed change, in order, from now on. */
  subscribe(listener: (change: ChangeRecord) => void): () => void {
    return this.publication.subscribe(listener);
  }

  /** Calls `listener` with every durable change, in order, from now on: what backups are fed. */
  subscribeDurable(listener: (change: ChangeRecord) => void): () => void {
    return this.publication.subscribeDurable(listener);
  }

  /** The committed registry's entities and where they stand, taken at once. */
  snapshot(): { entities: EntityLists; position: Position } {
    return this.publication.snapshot();
  }

  /**
   * The changes after `revision`, in order, up to `through` (default: the
   * commit point; a backup's catch-up asks for the durable head), or
   * undefined when the log no longer holds them all (the caller needs a
   * snapshot).
   */
  async changesAfter(revision: number, through = this.publication.position.revision): Promise<ChangeRecord[] | undefined> {
    const head = Math.min(through, this.disk.revision);
    if (revision >= head) return [];
    const recent = this.publication.recentAfter(revision);
    if (recent) return recent.filter((c) => c.revision <= head);
    const { first } = this.db.logBounds;
    if (first === 0 || first > revision + 1) return undefined;
    const changes = await this.db.readLog(revision + 1, head);
    return changes.length === head - revision ? changes : undefined;
  }

  /** Stops accepting writes (one still waiting, or in its steps before it applies, is refused), lets the accepted reach the disk, closes the database. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writesSettled();
    await this.replicating;
    this.publication.close(unavailable("the registry manager is shutting down"));
    await this.db.close(this.publication.state);
  }

  /** One synced batch of changes, logged, with the position after the last. */
  private writeLogged(changes: readonly ChangeRecord[], epoch = this.disk.epoch): Promise<void> {
    const last = changes[changes.length - 1];
    if (!last) return Promise.resolve();
    return this.db.write({
      changes,
      position: storedPosition({ ...this.disk, epoch, revision: last.revision, digest: Buffer.from(last.digest) }),
      log: true,
      compactBelow: compactionDue(last.revision, this.logRetention, this.db.logBounds.first),
      committed: this.publication.state,
    });
  }

  /** A group's batch is on disk: its changes go to the backups, then to readers once committed. */
  private written(group: Accepted[], changes: ChangeRecord[]): void {
    if (changes.length > 0) this.durable(changes, this.disk.epoch);
    const refusal = this.writeRefusal ?? this.answerRefusal();
    // The answer check has just run: publish without asking it again.
    if (this.autoCommit) this.publication.commitThrough(this.disk.revision, this.disk.revision);
    for (const accepted of group) {
      if (refusal) accepted.reject(refusal);
      else if (accepted.deadline === undefined || accepted.revision <= this.publication.position.revision) accepted.answer();
      else {
        const until = accepted.deadline();
        // The caller's deadline already spent (an import can spend it all): it, not the backups, gives the answer up.
        const late = until <= this.clock.now();
        this.publication.waiters.add(accepted.revision, until, accepted.answer, accepted.reject, (waited) => this.tooFewBackups(accepted.revision, waited, late));
      }
    }
  }

  /** Changes just made durable here: the disk's position moves, and backups are fed them. */
  private durable(changes: readonly ChangeRecord[], epoch: number): void {
    const last = changes[changes.length - 1]!;
    this.disk = { ...this.disk, epoch, revision: last.revision, digest: Buffer.from(last.digest) };
    this.publication.durable(changes);
  }

  /** The answer check's refusal, if any, made the store's: nothing waiting is answered after it. */
  private answerRefusal(): CairnError | undefined {
    const refusal = this.answerCheck?.();
    if (refusal) this.refuseWrites(refusal);
    return refusal;
  }

  private tooFewBackups(revision: number, waitedMs: number, late: boolean): CairnError {
    const why = late
      ? `the caller's deadline passed before revision ${revision} was on disk`
      : (this.gate?.describe(revision, waitedMs) ?? `revision ${revision} was not committed within ${waitedMs} ms`);
    return unavailable(`${why}; readers will see it once enough backups hold it`);
  }

  /** A batch failed: it, and everything accepted after it, is refused; so is whatever is pushed later. */
  private fail(error: Error, group: Accepted[]): CairnError {
    this.failure = error;
    this.logger?.fatal({ err: error }, "a durable write failed; the store accepts no more writes");
    const refusal = unavailable(`the write could not be made durable: ${error.message}`);
    for (const accepted of [...group, ...this.queue.takeAll()]) accepted.reject(refusal);
    return refusal;
  }
}
