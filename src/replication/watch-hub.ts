import { CairnError, Code } from "../errors.js";

/** How many events one watcher may have waiting before it is cut off. */
export const DEFAULT_MAX_QUEUED = 10_000;

/** Where a watcher's events go: a gRPC stream in production, an array in tests. */
export interface WatchSink<E> {
  /** Returns false when the transport's buffer is full; the hub then waits for `drained()`. */
  write(event: E): boolean;
  /** Ends the stream, with an error when the watcher is cut off. */
  close(error?: CairnError): void;
}

/**
 * What a hub's watchers were sent and how many were cut off, since the
 * start: plain numbers (a change to 1,000 watchers is 1,000 sends), read
 * when /metrics is scraped.
 */
export interface WatchCounts {
  /** Events handed to the watchers' transports: changes, snapshot chunks, progress. */
  sent: number;
  /** Watchers cut off for falling more than maxQueued behind. */
  slow: number;
}

type WatcherState = "catching-up" | "live" | "closed";

/**
 * One watcher's position in the stream. Events wait in `queue` while the
 * watcher catches up (live changes arriving meanwhile) or while its
 * transport is full; a watcher whose queue outgrows the bound is cut off,
 * so one slow watcher neither blocks the others nor grows memory without
 * bound. It resumes later from the last revision it applied.
 */
export class Watcher<E> {
  private state: WatcherState = "catching-up";
  private blocked = false;
  /** Waiting events; a notice rides in line with the changes around it but carries no revision of its own. */
  private queue: { revision: number; event: E; notice?: true }[] = [];
  private drainWaiters: (() => void)[] = [];
  /** The last change revision handed to the transport. */
  lastRevision = 0;

  constructor(
    private readonly sink: WatchSink<E>,
    private readonly maxQueued: number,
    private readonly onClose: (watcher: Watcher<E>) => void,
    private readonly counts: WatchCounts = { sent: 0, slow: 0 },
  ) {}

  get isClosed(): boolean {
    return this.state === "closed";
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Sends catch-up events (snapshot chunks, logged changes) with backpressure. */
  async sendCatchingUp(event: E, revision?: number): Promise<void> {
    if (this.state === "closed") return;
    if (revision !== undefined) this.lastRevision = revision;
    this.counts.sent++;
    if (!this.sink.write(event)) {
      this.blocked = true;
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** Caught up to `revision`: from now on the watcher gets live changes after it. */
  goLive(revision: number): void {
    if (this.state !== "catching-up") return;
    this.state = "live";
    this.lastRevision = revision;
    this.queue = this.queue.filter((q) => q.revision > revision);
    this.flush();
  }

  /** A live change (or, with revision 0, a progress event). */
  deliver(revision: number, event: E): void {
    if (this.state === "closed") return;
    // Already sent or queued: a broadcast may trail the publication it announces, which catch-up already covered.
    if (revision > 0 && this.state === "live" && revision <= Math.max(this.lastRevision, this.queue.at(-1)?.revision ?? 0)) return;
    if (this.state === "catching-up" || this.blocked || this.queue.length > 0) {
      if (revision === 0) return; // progress is only worth sending to an idle watcher
      this.queue.push({ revision, event });
      if (this.queue.length > this.maxQueued) {
        this.counts.slow++;
        this.close(
          new CairnError(
            Code.RESOURCE_EXHAUSTED,
            `watcher fell more than ${this.maxQueued} changes behind; resume from revision ${this.lastRevision}`,
          ),
        );
      }
      return;
    }
    this.write(revision, event);
  }

  /**
   * An event that must reach a live watcher in line with its changes (a
   * commit point), but is not a change. A watcher still catching up gets
   * none: the progress it is sent on going live says the same.
   */
  notify(event: E): void {
    if (this.state !== "live") return;
    if (this.blocked || this.queue.length > 0) {
      this.queue.push({ revision: this.queue.at(-1)?.revision ?? this.lastRevision, event, notice: true });
      return;
    }
    this.write(0, event);
  }

  /** The transport has room again. */
  drained(): void {
    this.blocked = false;
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.flush();
  }

  close(error?: CairnError): void {
    if (this.state === "closed") return;
    this.state = "closed";
    this.queue = [];
    for (const resolve of this.drainWaiters.splice(0)) resolve();
    this.onClose(this);
    this.sink.close(error);
  }

  private flush(): void {
    while (this.state === "live" && !this.blocked && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.write(next.notice ? 0 : next.revision, next.event);
    }
  }

  private write(revision: number, event: E): void {
    if (revision > 0) this.lastRevision = revision;
    this.counts.sent++;
    if (!this.sink.write(event)) this.blocked = true;
  }
}

/** Fans changes out to every watcher; knows nothing of the transport. */
export class WatchHub<E> {
  private readonly watchers = new Set<Watcher<E>>();

  constructor(
    private readonly maxQueued = DEFAULT_MAX_QUEUED,
    /** Shared by the hubs of one server, which counts them all. */
    readonly counts: WatchCounts = { sent: 0, slow: 0 },
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  /** A new watcher, catching up: live changes are queued for it from this moment. */
  add(sink: WatchSink<E>): Watcher<E> {
    const watcher = new Watcher(sink, this.maxQueued, (w) => this.watchers.delete(w), this.counts);
    this.watchers.add(watcher);
    return watcher;
  }

  broadcast(revision: number, event: E): void {
    for (const watcher of this.watchers) watcher.deliver(revision, event);
  }

  /** An in-line notice to every live watcher (see `Watcher.notify`). */
  notifyAll(event: E): void {
    for (const watcher of this.watchers) watcher.notify(event);
  }

  /** A keep-alive, sent only to watchers with nothing else waiting. */
  progress(event: E): void {
    for (const watcher of this.watchers) watcher.deliver(0, event);
  }

  closeAll(error?: CairnError): void {
    for (const watcher of [...this.watchers]) watcher.close(error);
  }
}
