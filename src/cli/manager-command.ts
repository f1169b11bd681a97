import { InvalidArgumentError, type Command } from "commander";
import { parseCoordinator, type CoordinatorAddress } from "../coordination/coordinator-address.js";
import { CairnError } from "../errors.js";
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_HEARTBEAT_INTERVAL_MS } from "../registry/defaults.js";
import {
  DEFAULT_FLAP_COUNT,
  DEFAULT_FLAP_WINDOW_MS,
  DEFAULT_HOLD_DOWN_MS,
  DEFAULT_JOIN_TIMEOUT_MS,
  DEFAULT_LEASE_TTL_SECONDS,
  DEFAULT_LOG_RETENTION,
} from "../registry-manager/defaults.js";
import { parseCount, parseDuration, parseUint32 } from "./durations.js";
import type { Output } from "./output.js";
import { checkHostOption, httpListenOption, MAX_CONNECTIONS_HELP, maxConnectionsOption } from "./server-options.js";
import { serverTls, withServerTls, type TlsFlags } from "./tls-options.js";
import { logSettings, withLogFormat, type LogFlags } from "./log-options.js";
import { stopLogLine, untilStopRequested } from "./parent-watch.js";

interface ManagerStartOptions extends TlsFlags, LogFlags {
  host: string;
  data: string;
  listen: string;
  bootstrap?: boolean;
  join?: string;
  joinTimeout: number;
  syncBackups: number;
  domain?: string;
  heartbeatInterval: number;
  downAfter: number;
  flapCount: number;
  flapWindow: number;
  holdDown: number;
  logRetention: number;
  coordinator?: CoordinatorAddress;
  leaseTtl: number;
  http?: string;
  maxConnections?: number;
  relayHeartbeats?: boolean;
}

/** A usage error for commander (exit 2), from the parser's own message. */
function coordinatorOption(value: string): CoordinatorAddress {
  try {
    return parseCoordinator(value);
  } catch (error) {
    throw new InvalidArgumentError(error instanceof CairnError ? error.message : String(error));
  }
}

/** etcd leases are whole seconds. */
function leaseTtlOption(value: string): number {
  const ms = parseDuration(value);
  if (ms < 1_000 || ms % 1_000 !== 0) throw new InvalidArgumentError(`"${value}" is not a whole number of seconds, at least 1s (etcd leases are whole seconds)`);
  return ms / 1_000;
}

/** A flap count of 0 would hold every host down before it ever went down. */
function flapCountOption(value: string): number {
  const n = parseCount(value);
  if (n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1`);
  return n;
}

/** Downs count within a window; an empty one would count none. */
function flapWindowOption(value: string): number {
  const ms = parseDuration(value);
  if (ms <= 0) throw new InvalidArgumentError(`"${value}" is not a duration longer than 0 (e.g. 30s, 1m)`);
  return ms;
}

export function registerManagerCommands(program: Command, output: Output): void {
  const manager = program.command("manager").description("run a registry manager");
  const start = manager
    .command("start")
    .description("serve the registry from a LevelDB folder until SIGINT or SIGTERM")
    .requiredOption("--host <id>", "this manager's host id")
    .requiredOption("--data <dir>", "the LevelDB folder (created if missing)")
    .option("--listen <addr>", "address to bind (port 0: any free port)", "127.0.0.1:0")
    .option("--bootstrap", "start a new registry if --data holds none")
    .option("--join <primary>", "follow this primary as a backup if --data holds none")
    .option("--join-timeout <duration>", "how long --join may go unanswered before the start fails", parseDuration, DEFAULT_JOIN_TIMEOUT_MS)
    .option("--sync-backups <k>", "acknowledge a write only once K backups have it on disk", parseUint32, 0)
    .option("--domain <path>", "domain to register this host in when it is not registered yet", "/")
    .option("--heartbeat-interval <duration>", "how often agents heartbeat", parseDuration, DEFAULT_HEARTBEAT_INTERVAL_MS)
    .option("--down-after <duration>", "silence after which a host is marked down", parseDuration, DEFAULT_DOWN_AFTER_MS)
    .option("--flap-count <n>", "a host that goes down N times within --flap-window is held down (at least 1)", flapCountOption, DEFAULT_FLAP_COUNT)
    .option("--flap-window <duration>", "how long a down counts towards --flap-count", flapWindowOption, DEFAULT_FLAP_WINDOW_MS)
    .option(
      "--hold-down <duration>",
      "a held host is up again only once it has heartbeat with no gap of --down-after for this long (0: no damping)",
      parseDuration,
      DEFAULT_HOLD_DOWN_MS,
    )
    .option("--log-retention <changes>", "changes kept in the log for resuming watchers", parseCount, DEFAULT_LOG_RETENTION)
    .option("--coordinator <etcd://host:port,…>", "elect the primary on this etcd cluster (automatic failover)", coordinatorOption)
    .option("--lease-ttl <duration>", "with --coordinator: the primary's etcd lease, whole seconds", leaseTtlOption, DEFAULT_LEASE_TTL_SECONDS)
    .option("--http <addr>", "serve /metrics and /healthz on this HOST:PORT, over HTTPS with --ca/--cert/--key (port 0: any free port)", httpListenOption)
    .option("--relay-heartbeats", "while a backup, relay the pulses of the agents nearest it to the primary, which then hears one report instead of a message per agent")
    .option("--max-connections <n>", MAX_CONNECTIONS_HELP, maxConnectionsOption);
  withLogFormat(withServerTls(start)).action(async (options: ManagerStartOptions) => {
      const logging = logSettings(start, options);
      checkHostOption(options.host);
      // Loaded here, not at the top: every other command starts faster without LevelDB and the server.
      const [{ createLogger }, { RegistryManager }] = await Promise.all([import("../logger.js"), import("../registry-manager/manager.js")]);
      const logger = createLogger("registry-manager", logging);
      const running = await RegistryManager.start({
        hostId: options.host,
        dataDir: options.data,
        listen: options.listen,
        bootstrap: options.bootstrap ?? false,
        ...(options.join && { join: options.join }),
        joinTimeoutMs: options.joinTimeout,
        syncBackups: options.syncBackups,
        domain: options.domain,
        heartbeatIntervalMs: options.heartbeatInterval,
        downAfterMs: options.downAfter,
        flapCount: options.flapCount,
        flapWindowMs: options.flapWindow,
        holdDownMs: options.holdDown,
        logRetention: options.logRetention,
        ...(options.coordinator && { coordinator: options.coordinator, leaseTtlSeconds: options.leaseTtl }),
        security: serverTls(options),
        ...(options.http && { http: options.http }),
        ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
        relayHeartbeats: options.relayHeartbeats ?? false,
        logger,
      });
      // Watched before the line: a parent that signals as soon as it reads it gets a clean stop.
      const stopRequested = untilStopRequested();
      // Before `listening on`: a parent that reads up to that line has both.
      if (running.httpAddress) output.out(`http on ${running.httpAddress}`);
      output.out(`listening on ${running.address}`);
      logger.info({ role: running.role() }, "serving");
      logger.info(...stopLogLine(await stopRequested));
      await running.stop();
    });
}
