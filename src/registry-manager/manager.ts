import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { systemClock, type Clock, type Timer } from "../clock.js";
import { CairnError, Code, failedPrecondition } from "../errors.js";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import { silentLogger } from "../logger.js";
import { endpointOf } from "../router/model.js";
import { changeToWire } from "../wire/convert.js";
import { registryService, replicationService } from "../wire/proto-loader.js";
import { bindServer, listenHost } from "../wire/server.js";
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_HEARTBEAT_INTERVAL_MS } from "./defaults.js";
import { LivenessTracker } from "./liveness.js";
import { combine, ensureRegistryPackage, setHostStatus } from "./mutations.js";
import { registryHandlers } from "./registry-service.js";
import { progressOf, replicationHandlers } from "./replication-service.js";
import { RegistryStore } from "./store.js";
import { WatchHub } from "./watch-hub.js";

/** A watcher that has seen nothing for this long gets a Progress keep-alive. */
export const PROGRESS_INTERVAL_MS = 5_000;
/** How long a clean stop waits for in-flight calls before cutting them. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Admin requests larger than this are refused (RESOURCE_EXHAUSTED); imports stream in chunks. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

export interface ManagerOptions {
  /** This manager's host id. */
  hostId: string;
  dataDir: string;
  /** host:port to bind; port 0 picks a free one. */
  listen: string;
  /** Start a new registry when `dataDir` holds none. */
  bootstrap?: boolean;
  /** Where to register this manager's host when it is not registered yet. */
  domain?: string;
  heartbeatIntervalMs?: number;
  downAfterMs?: number;
  logRetention?: number;
  maxWatchQueue?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * A registry manager: the store, its admin and replication services, and
 * the liveness sweep, on one gRPC server.
 */
export class RegistryManager {
  private readonly timers: Timer[] = [];
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly hostId: string,
    readonly address: string,
    readonly store: RegistryStore,
    private readonly server: grpc.Server,
    private readonly hub: WatchHub<WatchEvent>,
    readonly liveness: LivenessTracker,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  static async start(options: ManagerOptions): Promise<RegistryManager> {
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ host: options.hostId });
    const heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    const downAfterMs = options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS;

    const store = await RegistryStore.open(options.dataDir, { logRetention: options.logRetention, clock, logger });
    let server: grpc.Server | undefined;
    try {
      if (!store.initialized) {
        if (!options.bootstrap) {
          throw failedPrecondition(`${options.dataDir} holds no registry: start the first manager with --bootstrap`);
        }
        await store.initialize(randomUUID(), 1);
        logger.info({ clusterId: store.position.clusterId }, "bootstrapped a new registry at epoch 1");
      }
      const hub = new WatchHub<WatchEvent>(options.maxWatchQueue);
      const liveness = new LivenessTracker(downAfterMs, clock.now());
      server = new grpc.Server({ "grpc.max_receive_message_length": MAX_REQUEST_BYTES });
      const port = await bindServer(server, options.listen);
      const address = endpointOf(listenHost(options.listen), port);
      const manager = new RegistryManager(options.hostId, address, store, server, hub, liveness, clock, logger);
      const primary = () => ({ host: manager.hostId, address: manager.address });
      server.addService(replicationService, replicationHandlers({ store, hub, liveness, clock, logger, heartbeatIntervalMs, downAfterMs, primary }));
      server.addService(registryService, registryHandlers({ store, clock, logger, hostId: options.hostId, address, primary }));
      store.subscribe((change) => hub.broadcast(change.revision, { change: changeToWire(change) }));
      await store.mutate(
        combine(
          ensureRegistryPackage(options.hostId, { port, role: "primary", domain: options.domain, address: listenHost(options.listen) }),
          setHostStatus(options.hostId, "up"),
        ),
        { cause: `registry manager ${options.hostId} started` },
      );
      manager.sweepLiveness(Math.min(downAfterMs / 4, 500));
      manager.keepWatchersAlive();
      logger.info({ address, position: { ...store.position, digest: store.position.digest.toString("hex") } }, "registry manager started");
      return manager;
    } catch (error) {
      server?.forceShutdown();
      await store.close();
      throw error;
    }
  }

  /** Finishes or fails in-flight writes, ends every stream, closes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const timer of this.timers) timer.cancel();
      this.hub.closeAll(new CairnError(Code.UNAVAILABLE, "the registry manager is shutting down"));
      const drained = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await this.store.close();
      await Promise.race([drained, grace]);
      this.server.forceShutdown();
      this.logger.info("registry manager stopped");
    })();
    return this.stopping;
  }

  private sweepLiveness(everyMs: number): void {
    const sweep = () => {
      const now = this.clock.now();
      for (const host of this.liveness.overdue(this.store.index.registry, now, this.hostId)) {
        // Checked again when the write runs: a heartbeat may have come in between.
        const markDown = (state: Parameters<ReturnType<typeof setHostStatus>>[0]) =>
          this.liveness.isOverdue(host, this.clock.now()) ? setHostStatus(host, "down")(state) : [];
        this.store
          .mutate(markDown, { cause: `no heartbeat from ${host}` })
          .catch((error) => this.logger.warn({ err: error, host }, "could not mark a silent host down"));
      }
      this.timers[0] = this.clock.setTimeout(sweep, everyMs);
    };
    this.timers[0] = this.clock.setTimeout(sweep, everyMs);
  }

  private keepWatchersAlive(): void {
    const tick = () => {
      this.hub.progress({ progress: progressOf({ store: this.store, primary: () => ({ host: this.hostId, address: this.address }) }) });
      this.timers[1] = this.clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
    };
    this.timers[1] = this.clock.setTimeout(tick, PROGRESS_INTERVAL_MS);
  }
}
