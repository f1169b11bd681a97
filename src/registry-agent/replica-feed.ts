import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import type { Progress__Output } from "../generated/cairn/v1/Progress.js";
import type { SnapshotChunk__Output } from "../generated/cairn/v1/SnapshotChunk.js";
import type { WatchEvent__Output } from "../generated/cairn/v1/WatchEvent.js";
import { REGISTRY_TYPE } from "../router/model.js";
import { changeFromWire } from "../wire/convert.js";
import { v1, type ReplicationClient } from "../wire/proto-loader.js";
import { registryFromSnapshot } from "../wire/snapshot.js";
import { ReplicaError, type Replica } from "./replica.js";

/** First reconnect delay; it doubles per failure up to the maximum, with ±50% jitter. */
export const RECONNECT_BASE_MS = 50;
export const RECONNECT_MAX_MS = 5_000;
/** A watch stream carries whole snapshots and large changes (an import): no 4 MiB cap. */
const WATCH_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": -1,
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

export interface FeedOptions {
  hostId: string;
  replica: Replica;
  /** The `--manager` addresses: used after the managers the registry itself names. */
  seeds: readonly string[];
  clock: Clock;
  /** In [0, 1): the jitter of reconnect delays. Seeded in tests. */
  random: () => number;
  logger: Logger;
}

/**
 * Keeps the replica current from a registry manager's Watch stream.
 *
 * It watches the nearest registry manager of its own `registry` route (the
 * seeds after those), resuming from the replica's revision; when the stream
 * breaks it moves to the next manager in that list after a backoff with
 * jitter. A change the replica refuses ends the stream: a gap or a digest
 * mismatch asks the same manager for a snapshot, a change from an older
 * epoch than one seen means that manager is deposed, and the feed moves on.
 */
export class ReplicaFeed {
  private state: FeedState = "idle";
  private readonly clients = new Map<string, ReplicationClient>();
  private call: grpc.ClientReadableStream<WatchEvent__Output> | undefined;
  private chunks: SnapshotChunk__Output[] = [];
  private retry: Timer | undefined;
  private failures = 0;
  private nextAddress = 0;
  private wantSnapshot = false;
  private current: string | undefined;
  private lastProgress: Progress__Output | undefined;
  private readonly log: Logger;

  constructor(private readonly options: FeedOptions) {
    this.log = options.logger.child({ component: "replica-feed" });
  }

  get status(): { state: FeedState; manager: string | undefined; lag: number; primary: { host: string; address: string } | undefined } {
    const progress = this.lastProgress;
    const lag = progress ? Math.max(0, progress.revision - this.options.replica.position.revision) : 0;
    const primary = progress?.primary_address ? { host: progress.primary_host, address: progress.primary_address } : undefined;
    return { state: this.state, manager: this.current, lag, primary };
  }

  start(): void {
    this.connect();
  }

  stop(): void {
    this.transition("stopped");
    this.retry?.cancel();
    this.call?.cancel();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  /** The managers to try, nearest first: the registry's own route, then the seeds. */
  candidates(): string[] {
    const { replica, hostId, seeds } = this.options;
    let routed: string[] = [];
    try {
      routed = replica.routes.route(hostId, REGISTRY_TYPE).candidates.map((c) => c.endpoint);
    } catch {
      // Not registered yet, or no registry manager in the replica: the seeds will do.
    }
    return [...new Set([...routed, ...seeds])];
  }

  private transition(to: FeedState): void {
    const from = this.state;
    if (from === to) return;
    if (!TRANSITIONS[from].includes(to)) throw new Error(`replica feed: no transition ${from} -> ${to}`);
    this.state = to;
    this.log.info({ manager: this.current }, `${from} -> ${to}`);
  }

  private connect(): void {
    if (this.state === "stopped") return;
    // Never empty: the agent refuses to start without seeds.
    const addresses = this.candidates();
    const address = addresses[this.nextAddress % addresses.length]!;
    this.current = address;
    this.transition("connecting");
    const { replica, hostId } = this.options;
    const position = replica.position;
    const fromSnapshot = this.wantSnapshot || position.revision === 0;
    const call = this.client(address).Watch({
      host: hostId,
      from_revision: fromSnapshot ? 0 : position.revision,
      epoch: fromSnapshot ? 0 : position.epoch,
      digest: fromSnapshot ? Buffer.alloc(0) : position.digest,
      cluster_id: position.clusterId,
      seen_epoch: replica.seenEpoch,
    });
    this.call = call;
    this.chunks = [];
    call.on("data", (event: WatchEvent__Output) => {
      if (this.call !== call) return;
      try {
        this.receive(event);
      } catch (error) {
        this.refused(error, address);
      }
    });
    call.on("error", (error: grpc.ServiceError) => this.ended(call, address, error));
    call.on("end", () => this.ended(call, address, undefined));
  }

  private receive(event: WatchEvent__Output): void {
    const { replica } = this.options;
    if (event.snapshot) {
      if (this.state !== "syncing") this.transition("syncing");
      this.chunks.push(event.snapshot);
      if (!event.snapshot.last) return;
      const registry = registryFromSnapshot(this.chunks);
      const head = this.chunks[0]!;
      this.chunks = [];
      replica.install(registry, { clusterId: head.cluster_id, epoch: head.epoch, revision: head.revision, digest: Buffer.from(head.digest) });
      this.wantSnapshot = false;
      this.goneLive();
    } else if (event.change) {
      replica.apply(changeFromWire(event.change));
      if (this.state === "connecting") this.goneLive();
    } else if (event.progress) {
      this.lastProgress = event.progress;
      replica.sawEpoch(event.progress.epoch);
      if (this.state === "connecting") this.goneLive();
    }
  }

  private goneLive(): void {
    this.transition("live");
    this.failures = 0;
  }

  private refused(error: unknown, address: string): void {
    if (error instanceof ReplicaError && error.refusal === "stale-epoch") {
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
