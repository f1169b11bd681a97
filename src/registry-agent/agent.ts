import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { seededRandom, systemClock, type Clock } from "../clock.js";
import { invalidArgument } from "../errors.js";
import { silentLogger } from "../logger.js";
import { DEFAULT_HEARTBEAT_INTERVAL_MS, LONG_CHANGE_OPS } from "../registry/defaults.js";
import { COMMAND_CONTROL_TYPE, DEFAULT_ADDRESS, endpointOf, REGISTRY_TYPE, ROOT_PATH, type ChangeRecord } from "../registry/model.js";
import { checkHostId, dialableAddress, listenHost } from "../registry/names.js";
import { serverSecurity, type SecurityOptions, type ServerSecurity } from "../security/server-security.js";
import { DataDirGuard } from "../storage/data-dir.js";
import { bindServer, newServer, stopServer } from "../wire/server.js";
import { serveStandardServices, type ServedHealth, type ServingHealth } from "../wire/standard-services.js";
import { healthOf } from "../wire/health.js";
import { HealthMonitor } from "./health-monitor.js";
import { packageProbes } from "./package-probes.js";
import { agentService, v1, type CommandControlClient } from "../wire/proto-loader.js";
import { WatchFeed } from "../replication/watch-feed.js";
import { agentHandlers, managerAt } from "./agent-service.js";
import { Heartbeater } from "./heartbeater.js";
import { Replica } from "./replica.js";
import { agentHealth } from "./serving-health.js";
import { RoutedCaller } from "./routed-caller.js";
import { AgentMetrics } from "../metrics/agent-metrics.js";
import { ServerMetrics } from "../metrics/server-metrics.js";
import type { HttpServer } from "../http/http-server.js";
import { startAgentHttp } from "./agent-http.js";

/** How long a clean stop waits for in-flight calls (a WatchRoute stream never ends by itself) before cutting them. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Routed calls reconnect fast: a manager that comes back should get its calls back soon. */
const MANAGER_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.initial_reconnect_backoff_ms": 100,
  "grpc.max_reconnect_backoff_ms": 1_000,
};

export interface AgentOptions {
  hostId: string;
  dataDir: string;
  /** host:port of the Agent service; port 0 picks a free one. */
  listen: string;
  /** Registry managers to start from (`--manager`). */
  managers: readonly string[];
  /** Where to register this host at first contact. */
  domain?: string;
  heartbeatIntervalMs?: number;
  /**
   * Added to the options of every channel the agent opens. grpc-js shares one
   * connection between the channels of a process that have the same target
   * and options; agents run in one process (a bench's swarm) each get their
   * own with `{ "grpc.use_local_subchannel_pool": 1 }`.
   */
  channelOptions?: grpc.ChannelOptions;
  /** mTLS (the certificate of host/HOST), or insecure on loopback. */
  security?: SecurityOptions;
  /** host:port of the HTTP endpoint (`--http`: /metrics, /healthz); port 0 picks a free one. HTTPS with `security`'s TLS. */
  http?: string;
  /** `--max-connections`: connections the Agent service's port holds at most (default from the open-file limit; connection-guard.ts). */
  maxConnections?: number;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
}

/**
 * A registry agent: the replica and the feed that keeps it current, the
 * heartbeats, the routed calls, and the Agent service, on one gRPC server.
 */
export class RegistryAgent {
  private stopping: Promise<void> | undefined;
  /** `--http`'s endpoint (agent-http.ts), once started. */
  private http: HttpServer | undefined;
  /** grpc.health.v1 on this server, refreshed by each change of the replica. */
  private readonly served: ServedHealth;

  private constructor(
    readonly hostId: string,
    readonly address: string,
    readonly replica: Replica,
    readonly feed: WatchFeed,
    private readonly heartbeater: Heartbeater,
    readonly commandControl: RoutedCaller<CommandControlClient>,
    private readonly server: grpc.Server,
    private readonly logger: Logger,
    private readonly security: ServerSecurity,
    /** Stops the package checks. */
    private readonly stopChecks: () => void,
  ) {
    // Beside the Agent service: health, moved by the replica (its first snapshot makes the agent SERVING), and reflection.
    this.served = serveStandardServices(server, [agentService], () => this.health());
    replica.onChange(() => this.served.refresh());
  }

  static async start(options: AgentOptions): Promise<RegistryAgent> {
    if (options.managers.length === 0) throw invalidArgument("an agent needs at least one registry manager address (--manager)");
    checkHostId(options.hostId);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ host: options.hostId });
    const random = options.random ?? seededRandom(Date.now());
    const security = serverSecurity(options.security ?? {}, options.listen, `host/${options.hostId}`, options.hostId, logger);
    const { transport, interceptors } = security;
    // A start that fails leaves --data as it found it: the replica is opened once the port is bound.
    const guard = new DataDirGuard(options.dataDir);
    const metrics = options.http ? new ServerMetrics() : undefined;
    const server = newServer({ interceptors: metrics?.intercepting(interceptors) ?? interceptors }, { logger, maxConnections: options.maxConnections });
    let opened: Replica | undefined;
    try {
      const port = await bindServer(server, options.listen, transport.serverCredentials());
      const replica = await Replica.open(options.dataDir, logger);
      opened = replica;
      const host = listenHost(options.listen);
      const address = endpointOf(host, port);
      const feed = new WatchFeed({
        hostId: options.hostId,
        sink: {
          position: () => replica.position,
          seenEpoch: () => replica.seenEpoch,
          sawEpoch: (epoch) => replica.sawEpoch(epoch),
          install: (registry, position, digest) => replica.install(registry, position, digest),
          apply: (changes) => {
            for (const change of changes) replica.apply(change);
          },
        },
        candidates: () => registryManagers(replica, options.hostId, options.managers),
        nearest: () => nearestRegistryManager(replica, options.hostId) ?? options.managers[0],
        channel: transport.channel({ kind: "manager" }),
        channelOptions: options.channelOptions,
        clock,
        random,
        logger,
      });
      const probes = packageProbes((type) => transport.channel({ kind: "service", type, name: options.hostId }), clock);
      let heartbeater: Heartbeater | undefined;
      const health = new HealthMonitor({
        host: () => replica.routes.registry.hosts.get(options.hostId),
        probe: (target) => probes.probe(target),
        changed: () => heartbeater?.beatSoon(),
        clock,
        logger,
      });
      heartbeater = new Heartbeater({
        hostId: options.hostId,
        domain: options.domain ?? ROOT_PATH,
        address: dialableAddress(host, DEFAULT_ADDRESS),
        replica,
        fallbacks: () => [...(feed.status.manager ? [feed.status.manager] : []), ...options.managers],
        watching: () => watchedManager(feed, replica, options.hostId),
        intervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
        checkPackages: async () => health.reports(),
        channel: transport.channel({ kind: "manager" }),
        channelOptions: options.channelOptions,
        clock,
        logger,
      });
      const agentMetrics = metrics && new AgentMetrics(metrics.registry, { replicaRevision: () => replica.position.revision });
      const commandControl = new RoutedCaller<CommandControlClient>({
        type: COMMAND_CONTROL_TYPE,
        metrics: agentMetrics?.routedCalls(COMMAND_CONTROL_TYPE),
        route: () => routeOrNothing(replica, options.hostId, COMMAND_CONTROL_TYPE),
        // Only the certificate of that host's command-control package: another listener on its port gets no call.
        connect: (endpoint, managerHost) => {
          const { credentials, options: secured } = transport.channel({ kind: "service", type: COMMAND_CONTROL_TYPE, name: managerHost });
          return new v1.CommandControl(endpoint, credentials, { ...MANAGER_CHANNEL_OPTIONS, ...secured, ...options.channelOptions });
        },
        // Any answer is a process that answers; only a health check's silence keeps a manager out.
        probe: async (client, deadline) => (await healthOf(client, deadline)) !== "NO_ANSWER",
        clock,
        logger,
      });
      replica.onChange((change) => {
        const hosts = hostsIn(change);
        commandControl.registryChanged(hosts);
        // Only this host's own record says which packages to check (a snapshot may say anything).
        if (!change || hosts.includes(options.hostId)) health.reconcile();
        // Applying it held up the beats: the primary hears from this host at once, not a pulse interval later.
        if (!change || change.ops.length >= LONG_CHANGE_OPS) heartbeater?.beatSoon();
      });
      await transport.ready();
      const startedAt = clock.now();
      server.addService(agentService, agentHandlers({ hostId: options.hostId, replica, feed, commandControl, startedAt, now: () => clock.now(), logger }));
      const agent = new RegistryAgent(options.hostId, address, replica, feed, heartbeater, commandControl, server, logger, security, () => {
        health.stop();
        probes.close();
      });
      try {
        agent.http = await startAgentHttp(agent, options.http, security, options.security?.insecure, metrics, logger);
      } catch (error) {
        health.stop();
        probes.close();
        commandControl.stop();
        throw error;
      }
      feed.start();
      health.reconcile();
      heartbeater.start();
      logger.info({ address, revision: replica.position.revision }, "registry agent started");
      return agent;
    } catch (error) {
      security.close();
      server.forceShutdown();
      await opened?.close();
      guard.undo();
      throw error;
    }
  }

  /** `http://HOST:PORT` (`https://…` with TLS) of `--http`; undefined without. */
  get httpAddress(): string | undefined {
    return this.http?.url;
  }

  /** Whether it can do its work (serving-health.ts), as grpc.health.v1 and /healthz say. */
  health(): ServingHealth {
    const { state, position } = this.replica;
    return agentHealth({ replica: state, revision: position.revision, epoch: position.epoch });
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.served.stop();
      await this.http?.close();
      this.feed.stop();
      this.heartbeater.stop();
      this.stopChecks();
      this.commandControl.stop();
      this.security.close();
      await stopServer(this.server, SHUTDOWN_GRACE_MS);
      await this.replica.close();
      this.logger.info("registry agent stopped");
    })();
    return this.stopping;
  }
}

/** A type nobody carries yet has an empty route, not an error: calls then say no manager is available. */
function routeOrNothing(replica: Replica, hostId: string, type: string) {
  try {
    return replica.routes.route(hostId, type).candidates;
  } catch {
    return [];
  }
}

/** The registry managers to watch, nearest first by the agent's own `registry` route, then the seeds. */
function registryManagers(replica: Replica, hostId: string, seeds: readonly string[]): string[] {
  const routed = routeOrNothing(replica, hostId, REGISTRY_TYPE).map((c) => c.endpoint);
  return [...new Set([...routed, ...seeds])];
}

/** `registryManagers(…)[0]` when the route has one, by the router's first candidate alone. */
function nearestRegistryManager(replica: Replica, hostId: string): string | undefined {
  try {
    return replica.routes.first(hostId, REGISTRY_TYPE)?.endpoint;
  } catch {
    return undefined; // not registered yet: the seeds come first
  }
}

/** The host id of the manager whose stream feeds the replica now; "" between streams (the last one is no longer watched). */
function watchedManager(feed: WatchFeed, replica: Replica, hostId: string): string {
  const { state, manager } = feed.status;
  return (state === "live" || state === "syncing") && manager ? (managerAt(replica, hostId, manager) ?? "") : "";
}

/** The hosts a change touched (all of them after a snapshot, which the caller gets as undefined). */
function hostsIn(change: ChangeRecord | undefined): string[] {
  if (!change) return [];
  return change.ops.flatMap((op) => (op.kind === "put-host" ? [op.host.id] : op.kind === "delete-host" ? [op.id] : []));
}
