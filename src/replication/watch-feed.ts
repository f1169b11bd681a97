import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { Code } from "../errors.js";
import type { Progress__Output } from "../generated/cairn/v1/Progress.js";
import type { WatchEvent__Output } from "../generated/cairn/v1/WatchEvent.js";
import type { StateDigest } from "../registry/digest.js";
import type { ChangeRecord, Position, Registry } from "../registry/model.js";
import { changeFromWire } from "../wire/convert.js";
import { v1, type ReplicationClient } from "../wire/proto-loader.js";
import { SnapshotAssembler } from "../wire/snapshot.js";

/** First reconnect delay; it doubles per failure up to the maximum, with ±50% jitter. */
export const RECONNECT_BASE_MS = 50;
export const RECONNECT_MAX_MS = 5_000;
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

export type FeedState = "idle" | "connecting" | "syncing" | "live" | "waiting" | "stopped";

/** The transitions the feed may make; anything else is a bug and throws. */
const TRANSITIONS: Readonly<Record<FeedState, readonly FeedState[]>> = {
  idle: ["connecting", "stopped"],
  connecting: ["syncing", "live", "waiting", "stopped"],
  syncing: ["live", "waiting", "stopped"],
  live: ["syncing", "waiting", "stopped"],
  waiting: ["connecting", "stopped"],
  stopped: [],
};

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
  /** The managers to watch, best first; never empty. */
  candidates: () => string[];
  /** A backup manager following the primary's log (listed in its status, expected to Ack). */
  isBackup?: boolean;
  clock: Clock;
  /** In [0, 1): the jitter of reconnect delays. Seeded in tests. */
  random: () => number;
  logger: Logger;
  /** Called with each keep-alive (it names the primary). */
  onProgress?: (progress: Progress__Output) => void;
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
 */
export class WatchFeed {
  private state: FeedState = "idle";
  private readonly clients = new Map<string, ReplicationClient>();
  private call: grpc.ClientReadableStream<WatchEvent__Output> | undefined;
  /** The snapshot being received, built chunk by chunk. */
  private assembler: SnapshotAssembler | undefined;
  private inbox: Work[] = [];
  private draining = false;
  private retry: Timer | undefined;
  private failures = 0;
  private nextAddress = 0;
  private wantSnapshot = false;
  private current: string | undefined;
  private lastProgress: Progress__Output | undefined;
  private readonly log: Logger;
  /** Snapshots installed since start, for status and tests. */
  snapshots = 0;

  constructor(private readonly options: FeedOptions) {
    this.log = options.logger.child({ component: options.isBackup ? "backup-feed" : "replica-feed" });
  }

  get status(): { state: FeedState; manager: string | undefined; lag: number; primary: { host: string; address: string } | undefined } {
    const progress = this.lastProgress;
    const lag = progress ? Math.max(0, progress.revision - this.options.sink.position().revision) : 0;
    const primary = progress?.primary_address ? { host: progress.primary_host, address: progress.primary_address } : undefined;
    return { state: this.state, manager: this.current, lag, primary };
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    if (this.state === "stopped") return;
    this.transition("stopped");
    this.retry?.cancel();
    this.call?.cancel();
    this.call = undefined;
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private transition(to: FeedState): void {
    const from = this.state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`watch feed: no transition ${from} -> ${to}`);
    this.state = to;
    this.log.info({ manager: this.current }, `${from} -> ${to}`);
  }

  private connect(): void {
    if (this.state === "stopped") return;
    const addresses = this.options.candidates();
    const address = addresses[this.nextAddress % addresses.length]!;
    this.current = address;
    this.transition("connecting");
    const { sink, hostId } = this.options;
    const position = sink.position();
    const fromSnapshot = this.wantSnapshot || position.revision === 0;
    const call = this.client(address).Watch({
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
    call.on("error", (error: grpc.ServiceError) => this.ended(call, address, error));
    call.on("end", () => this.ended(call, address, undefined));
  }

  private receive(call: grpc.ClientReadableStream<WatchEvent__Output>, event: WatchEvent__Output): void {
    if (event.snapshot) {
      if (this.state !== "syncing") this.transition("syncing");
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
      if (this.state === "connecting") this.goneLive();
      return;
    }
    if (!this.draining) void this.drain(call);
  }

  /** Hands the inbox to the sink in order: a snapshot alone, consecutive changes together. */
  private async drain(call: grpc.ClientReadableStream<WatchEvent__Output>): Promise<void> {
    this.draining = true;
    try {
      while (this.call === call && this.inbox.length > 0) {
        const next = this.inbox[0]!;
        if ("snapshot" in next) {
          this.inbox.shift();
          const { registry, digest, position } = next.snapshot;
          await this.options.sink.install(registry, { ...position, digest: Buffer.from(position.digest) }, digest);
          this.snapshots++;
          this.wantSnapshot = false;
        } else {
          const cut = this.inbox.findIndex((w) => "snapshot" in w);
          const batch = this.inbox.splice(0, cut < 0 ? this.inbox.length : cut) as { change: ChangeRecord }[];
          await this.options.sink.apply(batch.map((w) => w.change));
        }
        if (this.call === call && this.state !== "live") this.goneLive();
      }
    } catch (error) {
      if (this.call === call) this.refused(error);
    } finally {
      this.draining = false;
    }
  }

  private goneLive(): void {
    this.transition("live");
    this.failures = 0;
  }

  private refused(error: unknown): void {
    const address = this.current;
    if ((error as { code?: unknown })?.code === Code.ABORTED) {
      this.log.warn({ manager: address, err: error }, "manager is behind an epoch already seen; moving on");
      this.nextAddress++;
    } else {
      this.log.warn({ manager: address, err: error }, "change refused; resyncing from a snapshot");
      this.wantSnapshot = true;
    }
    const call = this.call;
    this.call = undefined;
    call?.cancel();
    this.scheduleReconnect(0);
  }

  private ended(call: grpc.ClientReadableStream<WatchEvent__Output>, address: string, error: grpc.ServiceError | undefined): void {
    if (this.call !== call || this.state === "stopped") return;
    this.call = undefined;
    this.log.warn({ manager: address, code: error?.code, details: error?.details }, "watch stream ended");
    this.failures++;
    this.nextAddress++;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** (this.failures - 1));
    this.scheduleReconnect(delay * (0.5 + this.options.random()));
  }

  private scheduleReconnect(delayMs: number): void {
    if (this.state === "stopped") return;
    this.transition("waiting");
    this.retry?.cancel();
    this.retry = this.options.clock.setTimeout(() => this.connect(), delayMs);
  }

  private client(address: string): ReplicationClient {
    let client = this.clients.get(address);
    if (!client) {
      client = new v1.Replication(address, grpc.credentials.createInsecure(), WATCH_CHANNEL_OPTIONS);
      this.clients.set(address, client);
    }
    return client;
  }
}
