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
import { changeToWire } from "../wire/convert.js";
import { replicationService } from "../wire/proto-loader.js";
import { snapshotChunks } from "../wire/snapshot.js";
import { toServiceError } from "../wire/status.js";
import type { ChangeSource } from "./change-source.js";
import { WatchHub, type Watcher } from "./watch-hub.js";

/** How often every watcher with nothing waiting gets a Progress keep-alive (where this server stands, who the primary is). */
export const PROGRESS_INTERVAL_MS = 5_000;

/** A watch stream's events: objects, or a change already encoded for every watcher. */
export type OutgoingEvent = WatchEvent | Buffer;

/**
 * The Replication service definition, except that Watch also takes events
 * already encoded: a change is encoded once, not once per watcher.
 */
const encodeWatchEvent = replicationService.Watch.responseSerialize as (event: WatchEvent) => Buffer;
export const replicationServiceWithEncodedEvents: grpc.ServiceDefinition = {
  ...replicationService,
  Watch: {
    ...replicationService.Watch,
    responseSerialize: (event: OutgoingEvent) => (Buffer.isBuffer(event) ? event : encodeWatchEvent(event)),
  },
};

export interface WatchServerOptions {
  source: ChangeSource;
  /** The primary as this server knows it (itself on a primary), named in every Progress. */
  primary: () => { host: string; address: string };
  /**
   * Decides whether a watch may be served, before anything is sent: throws
   * (a CairnError) to refuse it; may return a function called once when the
   * stream ends (a backup's follow is counted while it lasts).
   */
  admit: (request: WatchRequest__Output) => (() => void) | void;
  clock: Clock;
  logger: Logger;
  maxQueued?: number;
}

export class WatchServer {
  private readonly hub: WatchHub<OutgoingEvent>;
  private readonly unsubscribe: () => void;
  private keepAlive: Timer | undefined;
  private readonly log: Logger;

  constructor(private readonly options: WatchServerOptions) {
    this.hub = new WatchHub<OutgoingEvent>(options.maxQueued);
    this.log = options.logger.child({ component: "watch-server" });
    this.unsubscribe = options.source.subscribe((change) => {
      // Nobody to tell: a watcher that comes later reads this change in its catch-up.
      if (this.hub.size === 0) return;
      // Encoded once for every watcher, and sent after the writers have their answers.
      const event = encodeWatchEvent({ change: changeToWire(change) });
      setImmediate(() => this.hub.broadcast(change.revision, event));
    });
    this.scheduleKeepAlive();
  }

  get watchers(): number {
    return this.hub.size;
  }

  /** Where this server stands, as every Progress says it. */
  progress(): Progress {
    const primary = this.options.primary();
    const { epoch, revision, digest } = this.options.source.position;
    return { epoch, revision, digest, primary_host: primary.host, primary_address: primary.address };
  }

  /** Ends every watch (with `error`, or cleanly): a manager that changed role, resynced or stops. */
  closeAll(error?: CairnError): void {
    this.hub.closeAll(error);
  }

  stop(error?: CairnError): void {
    this.keepAlive?.cancel();
    this.unsubscribe();
    this.hub.closeAll(error);
  }

  /** The Watch handler. */
  readonly handle = (call: grpc.ServerWritableStream<WatchRequest__Output, OutgoingEvent>): void => void this.watch(call);

  private async watch(call: grpc.ServerWritableStream<WatchRequest__Output, OutgoingEvent>): Promise<void> {
    const request = call.request;
    let ended: (() => void) | void;
    try {
      ended = this.options.admit(request);
    } catch (error) {
      call.emit("error", toServiceError(error));
      return;
    }
    if (ended) {
      const onEnd = ended;
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
    // Joined before anything is read, so no change published meanwhile is missed.
    const watcher = this.hub.add({
      write: (event) => call.write(event),
      close: (error) => (error ? call.emit("error", toServiceError(error)) : call.end()),
    });
    call.on("drain", () => watcher.drained());
    call.on("cancelled", () => watcher.close());
    call.on("error", () => watcher.close());
    try {
      const resumed = await this.resume(request, watcher);
      if (resumed === undefined) await this.sendSnapshot(watcher);
      else watcher.goLive(resumed);
      // Tells the watcher it has caught up (and with whom), even when nothing was missing.
      watcher.deliver(0, { progress: this.progress() });
      this.log.debug({ watcher: request.host, from: request.from_revision, snapshot: resumed === undefined }, "watcher live");
    } catch (error) {
      this.log.warn({ err: error, watcher: request.host }, "watch failed");
      watcher.close(error instanceof CairnError ? error : new CairnError(Code.INTERNAL, (error as Error).message));
    }
  }

  /**
   * Sends the changes the watcher misses and returns the revision it is then
   * at, or undefined when its history cannot be continued from the log (it
   * needs a snapshot): another cluster, revision 0, ahead of us, compacted
   * away, or a change at its revision that is not the one it has.
   */
  private async resume(request: WatchRequest__Output, watcher: Watcher<OutgoingEvent>): Promise<number | undefined> {
    const { source } = this.options;
    const position = source.position;
    const from = request.from_revision;
    if (request.cluster_id && request.cluster_id !== position.clusterId) return undefined;
    if (from === 0 || from > position.revision) return undefined;
    const changes = await source.changesAfter(from - 1);
    const own = changes?.[0];
    if (!changes || !own || own.epoch !== request.epoch) return undefined;
    if (request.digest.length > 0 && !Buffer.from(own.digest).equals(request.digest)) return undefined;
    let at = from;
    for (const change of changes.slice(1)) {
      await watcher.sendCatchingUp({ change: changeToWire(change) }, change.revision);
      at = change.revision;
    }
    return at;
  }

  private async sendSnapshot(watcher: Watcher<OutgoingEvent>): Promise<void> {
    const { entities, position } = this.options.source.snapshot();
    for (const chunk of snapshotChunks(entities, position)) await watcher.sendCatchingUp({ snapshot: chunk });
    watcher.goLive(position.revision);
  }

  private scheduleKeepAlive(): void {
    this.keepAlive = this.options.clock.setTimeout(() => {
      this.hub.progress({ progress: this.progress() });
      this.scheduleKeepAlive();
    }, PROGRESS_INTERVAL_MS);
  }
}
