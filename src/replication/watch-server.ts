/**
 * The server side of Replication.Watch: every watcher of one change source
 * (a registry manager's store), caught up from the log or a snapshot, then
 * fed each change as it is published, encoded once for all of them, and
 * kept alive with Progress while nothing changes.
 */
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { Progress } from "../generated/cairn/v1/Progress.js";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import type { WatchRequest__Output } from "../generated/cairn/v1/WatchRequest.js";
import { changeEventSteps, isLongChange } from "../wire/change-event.js";
import { completeSteps, finishSteps } from "../registry/steps.js";
import { replicationService } from "../wire/proto-loader.js";
import { snapshotChunks } from "../wire/snapshot.js";
import { toServiceError } from "../wire/status.js";
import type { ChangeSource } from "./change-source.js";
import { callerOf } from "../security/authorization.js";
import type { Identity } from "../security/identity.js";
import { WatchHub, type WatchCounts, type Watcher } from "./watch-hub.js";
import type { ChangeRecord } from "../registry/model.js";

/**
 * How often every watcher gets a Progress keep-alive (where this server
 * stands, who the primary is; for a backup, the commit point). Encoded once
 * for all; still one stream write per watcher, about 20 µs of the server's
 * CPU: 8 % of a core at 20,000 watchers on one manager. Not less often: a
 * backup of a --sync-backups primary may learn a commit point only from it,
 * and an agent whose manager fell behind looks for a better one when it
 * comes (at 15 s, agents took longer than 10 s to converge after a failover).
 */
export const PROGRESS_INTERVAL_MS = 5_000;

/**
 * How long a reader ahead of this server waits for it to catch up before
 * it is sent this server's state instead. An agent moves to a backup as
 * soon as its registry route names it, from the primary's stream, which
 * may be a few changes ahead of the backup's (or, for a backup that has
 * just joined, its whole snapshot ahead): sent at once, that snapshot
 * took the agent back to an older state, and then forward again. Not
 * forever: a history this server will never reach (changes the watcher
 * saw that were lost in a failover) still ends in a snapshot.
 */
export const AHEAD_WAIT_MS = 3_000;

/**
 * Runs `task` once the replies written in this turn of the event loop
 * have left: two turns later. Measured with a 1,000-watcher fan-out: a
 * unary reply written here (its headers and message) goes out in the next
 * check phase, but its trailers (what the writer's client waits for) are
 * submitted from that write's completion and go out one turn after it. A
 * broadcast run in the first turn (one setImmediate) came before them and
 * queued 1,000 stream writes ahead of them: the writer's acknowledgement
 * waited for the whole fan-out (22 ms at p50 instead of 5). A fixed number
 * of hops through the same FIFO keeps every task in the order it was
 * scheduled in.
 */
export function afterReplies(task: () => void): void {
  setImmediate(() => setImmediate(task));
}

/** A watch stream's events: objects, or a change already encoded for every watcher. */
export type OutgoingEvent = WatchEvent | Buffer;

const encodeWatchEvent = replicationService.Watch.responseSerialize as (event: WatchEvent) => Buffer;

/** A change's event, encoded a slice of ops per turn when it is long. */
const changeEvent = (change: ChangeRecord): Promise<Buffer> => finishSteps(changeEventSteps(change, encodeWatchEvent));

/**
 * The Replication service definition, except that Watch also takes events
 * already encoded: a change is encoded once, not once per watcher.
 */
export const replicationServiceWithEncodedEvents: grpc.ServiceDefinition = {
  ...replicationService,
  Watch: {
    ...replicationService.Watch,
    responseSerialize: (event: OutgoingEvent) => (Buffer.isBuffer(event) ? event : encodeWatchEvent(event)),
  },
};

export interface Admission {
  backup: boolean;
  ended?: () => void;
}

export interface WatchServerOptions {
  source: ChangeSource;
  /** The primary as this server knows it (itself on a primary), named in every Progress. */
  primary: () => { host: string; address: string };
  /**
   * Decides whether a watch may be served, before anything is sent: throws
   * (a CairnError) to refuse it. A watch is fed as a backup only when its
   * admission says so (`is_backup` alone is a claim anyone can make), and
   * `ended` is called once when the stream ends (a backup's follow is
   * counted while it lasts).
   */
  admit: (request: WatchRequest__Output, caller: Identity | undefined) => Admission;
  /**
   * --sync-backups K of this server when it is the primary (0 otherwise):
   * backups following it are told the commit point as it moves when K > 0,
   * and that they may show every change at once when K = 0.
   */
  syncBackups: () => number;
  clock: Clock;
  logger: Logger;
  maxQueued?: number;
}

/**
 * Two kinds of watcher: backups following this server (`is_backup`) are fed
 * every durable change and told the commit point; everyone else (agents,
 * `cairn watch`) is fed committed changes only.
 */
export class WatchServer {
  /** Watchers fed committed changes. */
  private readonly readers: WatchHub<OutgoingEvent>;
  /** Backups, fed durable changes and commit points. */
  private readonly backups: WatchHub<OutgoingEvent>;
  private readonly unsubscribe: (() => void)[];
  private keepAlive: Timer | undefined;
  /** For each hub, the end of the work waiting to be sent to it in order (see `inOrder`), while there is any. */
  private readonly queues = new Map<WatchHub<OutgoingEvent>, Promise<void>>();
  /** A long change's event, encoded once for both hubs (a primary tells its backups, then its readers). */
  private readonly longEvents = new WeakMap<ChangeRecord, Promise<Buffer>>();
  /**
   * Raised by every `closeAll`: what was queued for the watches it ended is
   * sent to nobody (a watcher that comes after them catches up from the log).
   */
  private generation = 0;
  /** A commit-point notice is sent once per turn of the event loop, however many commits that turn saw. */
  private commitNoticeDue = false;
  private readonly log: Logger;
  /** Events sent and watchers cut off, over both hubs (for /metrics). */
  readonly counts: WatchCounts = { sent: 0, slow: 0 };

  constructor(private readonly options: WatchServerOptions) {
    this.readers = new WatchHub<OutgoingEvent>(options.maxQueued, this.counts);
    this.backups = new WatchHub<OutgoingEvent>(options.maxQueued, this.counts);
    this.log = options.logger.child({ component: "watch-server" });
    const { source } = options;
    this.unsubscribe = [
      source.subscribe((change) => this.broadcast(this.readers, change)),
      source.subscribeDurable((change) => this.broadcast(this.backups, change)),
      source.onCommit(() => this.commitMoved()),
    ];
    this.scheduleKeepAlive();
  }

  get watchers(): number {
    return this.readers.size + this.backups.size;
  }

  /** Where this server stands, as a Progress to a reader says it (committed). */
  progress(): Progress {
    const primary = this.options.primary();
    const { epoch, revision, digest } = this.options.source.position;
    return { epoch, revision, digest, primary_host: primary.host, primary_address: primary.address };
  }

  /** The same for a backup: what the disk holds, and the commit point. */
  private backupProgress(): Progress {
    const primary = this.options.primary();
    const { epoch, revision, digest } = this.options.source.durablePosition;
    return {
      epoch,
      revision,
      digest,
      primary_host: primary.host,
      primary_address: primary.address,
      committed_revision: this.options.source.position.revision,
      sync_backups: this.options.syncBackups(),
    };
  }

  /** Ends every watch (with `error`, or cleanly): a manager that changed role, resynced or stops. */
  closeAll(error?: CairnError): void {
    this.generation++;
    this.readers.closeAll(error);
    this.backups.closeAll(error);
  }

  stop(error?: CairnError): void {
    this.keepAlive?.cancel();
    for (const unsubscribe of this.unsubscribe) unsubscribe();
    this.closeAll(error);
  }

  /** The Watch handler. */
  readonly handle = (call: grpc.ServerWritableStream<WatchRequest__Output, OutgoingEvent>): void => void this.watch(call);

  private broadcast(hub: WatchHub<OutgoingEvent>, change: ChangeRecord): void {
    // Nobody to tell: a watcher that comes later reads this change in its catch-up.
    if (hub.size === 0) return;
    const send = (event: Buffer) => hub.broadcast(change.revision, event);
    if (this.queues.has(hub) || isLongChange(change)) {
      // A long change is encoded a slice per turn; whatever is sent after it waits its turn.
      this.inOrder(hub, async () => send(await this.eventOf(change)));
      return;
    }
    // Encoded once for every watcher, and sent once the writers' answers have left.
    let event: Buffer;
    try {
      event = completeSteps(changeEventSteps(change, encodeWatchEvent));
    } catch (error) {
      this.failed(error);
      return;
    }
    const generation = this.generation;
    afterReplies(() => {
      if (generation === this.generation) send(event);
    });
  }

  /** The event of `change`; a long one's is encoded a slice per turn, once. */
  private eventOf(change: ChangeRecord): Promise<Buffer> {
    if (!isLongChange(change)) return changeEvent(change);
    let event = this.longEvents.get(change);
    if (!event) {
      event = changeEvent(change);
      this.longEvents.set(change, event);
    }
    return event;
  }

  private commitMoved(): void {
    if (this.backups.size === 0 || this.options.syncBackups() === 0 || this.commitNoticeDue) return;
    this.commitNoticeDue = true;
    // After the changes' own broadcast (scheduled the same way, earlier), so that a notice never overtakes its changes.
    const notify = () => {
      this.commitNoticeDue = false;
      this.backups.notifyAll({ progress: this.backupProgress() });
    };
    if (this.queues.has(this.backups)) this.inOrder(this.backups, notify);
    else afterReplies(notify);
  }

  /**
   * Runs `task` after what was queued for `hub` before it (a long change
   * being encoded, then whatever came after it), and no sooner than the
   * replies of the turn it is called in have left. Not at all once a
   * `closeAll` has ended the watches it was for. A task that fails leaves
   * watchers short of a change: see `failed`.
   */
  private inOrder(hub: WatchHub<OutgoingEvent>, task: () => void | Promise<void>): void {
    const generation = this.generation;
    const repliesOut = new Promise<void>((resolve) => afterReplies(resolve));
    const next = Promise.all([this.queues.get(hub), repliesOut])
      .then(() => (generation === this.generation ? task() : undefined))
      .catch((error: unknown) => this.failed(error));
    this.queues.set(hub, next);
    void next.then(() => {
      if (this.queues.get(hub) === next) this.queues.delete(hub);
    });
  }

  /** A change that could not be sent: every watch is ended, and watchers resume from the log. */
  private failed(error: unknown): void {
    this.log.error({ err: error }, "a change could not be sent to watchers; ending every watch");
    this.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager could not send a change; watch again"));
  }

  private async watch(call: grpc.ServerWritableStream<WatchRequest__Output, OutgoingEvent>): Promise<void> {
    const request = call.request;
    let admission: Admission;
    try {
      admission = this.options.admit(request, callerOf(call));
    } catch (error) {
      call.emit("error", toServiceError(error));
      return;
    }
    if (admission.ended) {
      const onEnd = admission.ended;
      let done = false;
      const end = () => {
        if (done) return;
        done = true;
        onEnd();
      };
      call.on("close", end);
      call.on("cancelled", end);
      call.on("error", end);
    }
    const isBackup = admission.backup;
    // Joined before anything is read, so no change published meanwhile is missed.
    const watcher = (isBackup ? this.backups : this.readers).add({
      write: (event) => call.write(event),
      close: (error) => (error ? call.emit("error", toServiceError(error)) : call.end()),
    });
    call.on("drain", () => watcher.drained());
    call.on("cancelled", () => watcher.close());
    call.on("error", () => watcher.close());
    try {
      if (!isBackup) await this.untilReached(request, call);
      if (watcher.isClosed) return;
      const through = isBackup ? this.options.source.durablePosition.revision : undefined;
      let at = await this.resume(request, watcher, through);
      if (at === undefined) {
        // A reader refuses a state from before an epoch it has seen: a new primary's is, until its first change commits.
        const { epoch } = this.options.source.position;
        if (!isBackup && epoch < request.seen_epoch) {
          throw new CairnError(Code.UNAVAILABLE, `this registry manager's state is of epoch ${epoch}, before epoch ${request.seen_epoch} that you have seen; watch again`);
        }
        at = await this.sendSnapshot(watcher);
        // A backup also takes what the disk holds beyond the snapshot (which is of the committed state).
        if (isBackup) at = await this.sendChanges(watcher, at, this.options.source.durablePosition.revision);
      }
      if (at === undefined) throw new CairnError(Code.UNAVAILABLE, "the log no longer holds the changes after the snapshot; watch again");
      watcher.goLive(at);
      // Tells the watcher it has caught up (and with whom), even when nothing was missing; behind
      // any change still queued, whose epoch may be older than the one the progress names.
      const hub = isBackup ? this.backups : this.readers;
      const caughtUp = { progress: isBackup ? this.backupProgress() : this.progress() };
      if (this.queues.has(hub)) this.inOrder(hub, () => watcher.deliver(0, caughtUp));
      else watcher.deliver(0, caughtUp);
      this.log.debug({ watcher: request.host, from: request.from_revision, backup: isBackup }, "watcher live");
    } catch (error) {
      this.log.warn({ err: error, watcher: request.host }, "watch failed");
      watcher.close(error instanceof CairnError ? error : new CairnError(Code.INTERNAL, (error as Error).message));
    }
  }

  /**
   * Resolves once this server's committed state has reached the reader's
   * revision, or AHEAD_WAIT_MS later, or when the reader goes away; at once
   * when it is not ahead, or of another cluster.
   */
  private untilReached(request: WatchRequest__Output, call: grpc.ServerWritableStream<WatchRequest__Output, OutgoingEvent>): Promise<void> {
    const { source, clock } = this.options;
    const target = request.from_revision;
    if (target <= source.position.revision || (request.cluster_id && request.cluster_id !== source.position.clusterId)) return Promise.resolve();
    this.log.debug({ watcher: request.host, from: target, at: source.position.revision }, "watcher ahead of this manager; waiting for its revision");
    return new Promise((resolve) => {
      const done = () => {
        unsubscribe();
        timer.cancel();
        call.off("cancelled", done);
        resolve();
      };
      const unsubscribe = source.subscribe((change) => {
        if (change.revision >= target) done();
      });
      const timer = clock.setTimeout(done, AHEAD_WAIT_MS);
      call.once("cancelled", done);
    });
  }

  /**
   * Sends the changes the watcher misses (up to `through`: a backup's take
   * what the disk holds) and returns the revision it is then at, or
   * undefined when its history cannot be continued from the log (it needs a
   * snapshot): another cluster, revision 0, ahead of us, compacted away,
   * a change at its revision that is not the one it has, or changes from an
   * epoch older than one it has seen.
   */
  private async resume(request: WatchRequest__Output, watcher: Watcher<OutgoingEvent>, through: number | undefined): Promise<number | undefined> {
    const { source } = this.options;
    const head = through ?? source.position.revision;
    const from = request.from_revision;
    if (request.cluster_id && request.cluster_id !== source.position.clusterId) return undefined;
    if (from === 0 || from > head) return undefined;
    const changes = await source.changesAfter(from - 1, head);
    const own = changes?.[0];
    if (!changes || !own || own.epoch !== request.epoch) return undefined;
    if (request.digest.length > 0 && !Buffer.from(own.digest).equals(request.digest)) return undefined;
    // A watcher refuses a change from an epoch older than one it has seen (SPEC 6), even one that
    // this log rightly holds from before a promotion: one that lagged across the promotion gets the state.
    if (changes.some((change, i) => i > 0 && change.epoch < request.seen_epoch)) return undefined;
    let at = from;
    for (const change of changes.slice(1)) {
      if (watcher.isClosed) break;
      await watcher.sendCatchingUp(await changeEvent(change), change.revision);
      at = change.revision;
    }
    return at;
  }

  /** The committed state in chunks; returns its revision. */
  private async sendSnapshot(watcher: Watcher<OutgoingEvent>): Promise<number> {
    const { entities, position } = this.options.source.snapshot();
    for (const chunk of snapshotChunks(entities, position)) await watcher.sendCatchingUp({ snapshot: chunk });
    return position.revision;
  }

  /** The changes after `from` up to `through`; returns the revision reached, undefined when the log lacks them. */
  private async sendChanges(watcher: Watcher<OutgoingEvent>, from: number, through: number): Promise<number | undefined> {
    const changes = await this.options.source.changesAfter(from, through);
    if (!changes) return undefined;
    let at = from;
    for (const change of changes) {
      if (watcher.isClosed) break;
      await watcher.sendCatchingUp(await changeEvent(change), change.revision);
      at = change.revision;
    }
    return at;
  }

  private scheduleKeepAlive(): void {
    this.keepAlive = this.options.clock.setTimeout(() => {
      // Encoded once for all, as a change is. Not while a change is queued: the watchers are not idle,
      // and the position would name what they have not been sent yet.
      if (!this.queues.has(this.readers)) this.readers.progress(encodeWatchEvent({ progress: this.progress() }));
      if (!this.queues.has(this.backups)) this.backups.progress(encodeWatchEvent({ progress: this.backupProgress() }));
      this.scheduleKeepAlive();
    }, PROGRESS_INTERVAL_MS);
  }
}
