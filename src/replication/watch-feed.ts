import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { Code } from "../errors.js";
import type { Progress__Output } from "../generated/cairn/v1/Progress.js";
import type { WatchEvent__Output } from "../generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../generated/cairn/v1/WatchRequest.js";
import type { StateDigest } from "../registry/digest.js";
import type { ChangeRecord, Position, Registry } from "../registry/model.js";
import { insecureTransport, type ChannelSettings } from "../security/transport.js";
import { changeFromWire } from "../wire/convert.js";
import { v1 } from "../wire/proto-loader.js";
import { SnapshotAssembler } from "../wire/snapshot.js";
import { nextFeedState, type FeedEvent, type FeedState, type FeedStateKind } from "./feed-state.js";

export { RECONNECT_BASE_MS, RECONNECT_MAX_MS } from "./feed-state.js";

/**
 * A manager whose stream broke is not moved to again as the nearest for
 * this long, so that a nearer manager the registry still lists but this
 * host cannot reach does not bounce the feed between it and the next one.
 */
export const RETARGET_HOLD_MS = 10_000;

/**
 * A watch stream carries whole snapshots and large changes (an import): no
 * 4 MiB cap, and an HTTP/2 window large enough for the manager to keep
 * sending a snapshot while this side is busy with the chunks it has (at
 * 64 KiB, each 100 KiB chunk waits for this event loop to grant more).
 */
const WATCH_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": -1,
  "grpc-node.flow_control_window": 1024 * 1024,
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1_000,
};

/** A Watch stream as the feed reads it; grpc-js's `ClientReadableStream` is one. */
export interface WatchStream {
  on(event: "data", listener: (event: WatchEvent__Output) => void): unknown;
  on(event: "error", listener: (error: { code?: number; details?: string }) => void): unknown;
  on(event: "end", listener: () => void): unknown;
  cancel(): void;
}

/** A connection to one manager's Replication service; grpc-js's `ReplicationClient` is one. */
export interface WatchConnection {
  Watch(request: WatchRequest): WatchStream;
  close(): void;
}

/**
 * The default connector: a grpc-js Replication client with the watch channel
 * options (and the caller's), secured as `channel` says: the manager
 * watched must prove a manager/* identity.
 */
function grpcConnection(address: string, channel: ChannelSettings, extra: grpc.ChannelOptions = {}): WatchConnection {
  return new v1.Replication(address, channel.credentials, { ...WATCH_CHANNEL_OPTIONS, ...channel.options, ...extra });
}

/**
 * Where a feed's changes go: an agent's replica, or a backup manager's
 * store. A refusal with code ABORTED means "from an older epoch than one
 * seen" (that manager is deposed: move on); any other refusal asks for a
 * snapshot.
 */
export interface FeedSink {
  position(): Position;
  seenEpoch(): number;
  sawEpoch(epoch: number): void;
  install(registry: Registry, position: Position, digest: StateDigest): void | Promise<void>;
  /** Changes in order; several that arrived together come as one batch. */
  apply(changes: readonly ChangeRecord[]): void | Promise<void>;
}

export interface FeedOptions {
  hostId: string;
  sink: FeedSink;
  /**
   * The managers to watch, best first; never empty. Asked again after each
   * delivery: when the first is no longer the one watched, the feed moves
   * to it (an agent's candidates follow its own `registry` route).
   */
  candidates: () => string[];
  /**
   * The first of `candidates()`, if cheaper to find alone: it is asked after
   * every delivery, on the replication stream's path (an agent's is one
   * router lookup, not a whole route). Default: `candidates()[0]`.
   */
  nearest?: () => string | undefined;
  /** A backup manager following the primary's log (listed in its status, expected to Ack). */
  isBackup?: boolean;
  clock: Clock;
  /** In [0, 1): the jitter of reconnect delays. Seeded in tests. */
  random: () => number;
  logger: Logger;
  /** Called with each keep-alive (it names the primary). */
  onProgress?: (progress: Progress__Output) => void;
  /** Called at each change of the state's kind, after the `A -> B` log line. */
  onTransition?: (from: FeedStateKind, to: FeedStateKind) => void;
  /** Called when the stream from `address` ends or fails (`error`: its gRPC code and details), before the feed waits to reconnect. */
  onStreamEnded?: (address: string, error: { code?: number; details?: string } | undefined) => void;
  /**
   * Opens a connection to the manager at `address`; the feed keeps one per
   * address and closes them at stop. By default a grpc-js Replication
   * client with the watch channel options; tests pass fake streams.
   */
  connect?: (address: string) => WatchConnection;
  /** Added to the default connector's channel options. */
  channelOptions?: grpc.ChannelOptions;
  /** How the default connector's channels are secured (default: insecure). */
  channel?: ChannelSettings;
}

type Work = { change: ChangeRecord } | { snapshot: ReturnType<SnapshotAssembler["finish"]> };

/**
 * Keeps a replica current from a registry manager's Watch stream.
 *
 * It watches the first of its candidates, resuming from the replica's
 * revision; when the stream breaks it moves to the next candidate after a
 * backoff with jitter. A change the sink refuses ends the stream: a gap or a
 * digest mismatch asks the same manager for a snapshot, a change from an
 * epoch older than one seen means that manager is deposed, and the feed
 * moves on. Changes reach the sink in order; those that arrive while it is
 * busy are handed over together.
 *
 * Which moves exist, and what carries from one stream to the next (the
 * candidate, the failures, whether to resync), is feed-state.ts; this class
 * carries them out: it opens a stream on entering `connecting`, starts the
 * reconnect timer on entering `waiting`, and cancels everything on `stopped`.
 *
 * While live, it follows the first candidate: after each delivery, if that
 * is another manager, the stream is cancelled and a new one opened there,
 * resuming from the sink's position (taken once the sink is idle), so the
 * move neither misses a change nor applies one twice.
 */
export class WatchFeed {
  private state: FeedState = { kind: "idle" };
  private readonly connections = new Map<string, WatchConnection>();
  private readonly connect: (address: string) => WatchConnection;
  /** The stream being read: set while connecting, syncing or live, else undefined. Events of any other stream are ignored. */
  private call: WatchStream | undefined;
  /** The snapshot being received, built chunk by chunk. */
  private assembler: SnapshotAssembler | undefined;
  /** What the current stream sent that the sink has not taken yet, in order. */
  private inbox: Work[] = [];
  /**
   * A drain loop is awaiting the sink. A lock rather than a feed state: the
   * sink is shared by every stream the feed opens, and a drain begun for one
   * stream may still be awaiting the sink after that stream is gone, while
   * the feed waits or connects again. The lock keeps the sink to one
   * operation at a time across streams, which keeps changes in order.
   */
  private sinkBusy = false;
  private retry: Timer | undefined;
  /** The manager of the current stream, or of the last one. */
  private current: string | undefined;
  private lastProgress: Progress__Output | undefined;
  /** When each manager's stream last broke or was refused as deposed (clock time). */
  private readonly brokeAt = new Map<string, number>();
  private readonly log: Logger;
  /** Snapshots installed since start, for status and tests. */
  snapshots = 0;

  constructor(private readonly options: FeedOptions) {
    this.log = options.logger.child({ component: options.isBackup ? "backup-feed" : "replica-feed" });
    const channel = options.channel ?? insecureTransport.channel({ kind: "manager" });
    this.connect = options.connect ?? ((address) => grpcConnection(address, channel, options.channelOptions));
  }

  get status(): { state: FeedStateKind; manager: string | undefined; lag: number; primary: { host: string; address: string } | undefined } {
    const progress = this.lastProgress;
    const lag = progress ? Math.max(0, progress.revision - this.options.sink.position().revision) : 0;
    const primary = progress?.primary_address ? { host: progress.primary_host, address: progress.primary_address } : undefined;
    return { state: this.state.kind, manager: this.current, lag, primary };
  }

  start(): void {
    this.dispatch({ type: "start" });
  }

  stop(): void {
    this.dispatch({ type: "stop" });
  }

  /** Moves to the state after `event`, logs `A -> B` when the kind changes, and carries out what the new kind means. */
  private dispatch(event: FeedEvent): void {
    const from = this.state;
    const to = nextFeedState(from, event);
    if (!to) throw new Error(`watch feed: no transition from ${from.kind} on ${event.type}`);
    if (to.kind === from.kind) {
      this.state = to;
      return;
    }
    if (to.kind === "connecting") {
      const addresses = this.options.candidates();
      this.current = addresses[to.candidate % addresses.length]!;
    }
    this.state = to;
    this.log.info({ manager: this.current }, `${from.kind} -> ${to.kind}`);
    this.options.onTransition?.(from.kind, to.kind);
    switch (to.kind) {
      case "connecting":
        this.open(this.current!, to.resync);
        break;
      case "waiting":
        this.retry?.cancel();
        this.retry = this.options.clock.setTimeout(() => this.dispatch({ type: "retry" }), to.delayMs);
        break;
      case "stopped":
        this.retry?.cancel();
        this.call?.cancel();
        this.call = undefined;
        for (const connection of this.connections.values()) connection.close();
        this.connections.clear();
        break;
    }
  }

  private open(address: string, resync: boolean): void {
    const { sink, hostId } = this.options;
    const position = sink.position();
    const fromSnapshot = resync || position.revision === 0;
    const call = this.connection(address).Watch({
      host: hostId,
      from_revision: fromSnapshot ? 0 : position.revision,
      epoch: fromSnapshot ? 0 : position.epoch,
      digest: fromSnapshot ? Buffer.alloc(0) : position.digest,
      cluster_id: position.clusterId,
      seen_epoch: sink.seenEpoch(),
      is_backup: this.options.isBackup ?? false,
    });
    this.call = call;
    this.assembler = undefined;
    this.inbox = [];
    call.on("data", (event: WatchEvent__Output) => {
      if (this.call === call) this.receive(call, event);
    });
    call.on("error", (error) => this.ended(call, address, error));
    call.on("end", () => this.ended(call, address, undefined));
  }

  private receive(call: WatchStream, event: WatchEvent__Output): void {
    if (event.snapshot) {
      this.dispatch({ type: "snapshot-chunk" });
      try {
        this.assembler ??= new SnapshotAssembler();
        if (!this.assembler.add(event.snapshot)) return;
        this.inbox.push({ snapshot: this.assembler.finish() });
      } catch (error) {
        this.refused(error);
        return;
      } finally {
        if (event.snapshot.last) this.assembler = undefined;
      }
    } else if (event.change) {
      try {
        this.inbox.push({ change: changeFromWire(event.change) });
      } catch (error) {
        this.refused(error);
        return;
      }
    } else if (event.progress) {
      this.lastProgress = event.progress;
      this.options.sink.sawEpoch(event.progress.epoch);
      this.options.onProgress?.(event.progress);
      this.dispatch({ type: "progress" });
      return;
    }
    if (!this.sinkBusy) void this.drain(call);
  }

  /** Hands the inbox to the sink in order: a snapshot alone, consecutive changes together. */
  private async drain(call: WatchStream): Promise<void> {
    this.sinkBusy = true;
    try {
      while (this.call === call && this.inbox.length > 0) {
        const next = this.inbox[0]!;
        if ("snapshot" in next) {
          this.inbox.shift();
          const { registry, digest, position } = next.snapshot;
          await this.options.sink.install(registry, { ...position, digest: Buffer.from(position.digest) }, digest);
          this.snapshots++;
          // Even if this stream is gone by now: the sink holds the snapshot, so the next connect resumes from it.
          this.dispatch({ type: "installed" });
        } else {
          const cut = this.inbox.findIndex((w) => "snapshot" in w);
          const batch = this.inbox.splice(0, cut < 0 ? this.inbox.length : cut) as { change: ChangeRecord }[];
          await this.options.sink.apply(batch.map((w) => w.change));
        }
        if (this.call === call) {
          this.dispatch({ type: "delivered" });
          this.followNearest();
        }
      }
    } catch (error) {
      if (this.call === call) this.refused(error);
    } finally {
      this.sinkBusy = false;
    }
    // A newer stream's work that arrived while the sink was busy with this one's waits for nobody else.
    if (this.call && this.call !== call && this.inbox.length > 0) void this.drain(this.call);
  }

  /** Moves to the first candidate when it is not the manager watched (and did not break lately). */
  private followNearest(): void {
    if (this.state.kind !== "live") return;
    const nearest = this.options.nearest ? this.options.nearest() : this.options.candidates()[0];
    if (nearest === undefined || nearest === this.current) return;
    const brokeAt = this.brokeAt.get(nearest);
    if (brokeAt !== undefined && this.options.clock.now() - brokeAt < RETARGET_HOLD_MS) return;
    this.log.info({ manager: this.current, nearest }, "moving to the nearest registry manager");
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.dispatch({ type: "retarget" });
  }

  private refused(error: unknown): void {
    const address = this.current;
    const aborted = (error as { code?: unknown })?.code === Code.ABORTED;
    if (aborted) {
      if (address !== undefined) this.brokeAt.set(address, this.options.clock.now());
      this.log.warn({ manager: address, err: error }, "manager is behind an epoch already seen; moving on");
    } else {
      this.log.warn({ manager: address, err: error }, "change refused; resyncing from a snapshot");
    }
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.dispatch({ type: "refused", aborted });
  }

  private ended(call: WatchStream, address: string, error: { code?: number; details?: string } | undefined): void {
    if (this.call !== call || this.state.kind === "stopped") return;
    this.call = undefined;
    this.brokeAt.set(address, this.options.clock.now());
    this.log.warn({ manager: address, code: error?.code, details: error?.details }, "watch stream ended");
    this.options.onStreamEnded?.(address, error);
    this.dispatch({ type: "stream-ended", jitter: this.options.random() });
  }

  private connection(address: string): WatchConnection {
    let connection = this.connections.get(address);
    if (!connection) {
      connection = this.connect(address);
      this.connections.set(address, connection);
    }
    return connection;
  }
}
