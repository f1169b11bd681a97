/** How a registry manager is started (`cairn manager start`'s flags, as options). */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { CoordinatorAddress } from "../coordination/coordinator-address.js";
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_HEARTBEAT_INTERVAL_MS } from "../registry/defaults.js";
import type { SecurityOptions } from "../security/server-security.js";
import { DEFAULT_FLAP_COUNT, DEFAULT_FLAP_WINDOW_MS, DEFAULT_HOLD_DOWN_MS } from "./defaults.js";
import { checkDampingSettings, type DampingSettings } from "./flap-damping.js";

export interface ManagerOptions {
  /** This manager's host id. */
  hostId: string;
  dataDir: string;
  /** host:port to bind; port 0 picks a free one. */
  listen: string;
  /** Start a new registry when `dataDir` holds none. */
  bootstrap?: boolean;
  /** Follow this primary as a backup when `dataDir` holds no registry. */
  join?: string;
  /** How long a new backup's --join may go unanswered before the start fails (default 30 s). */
  joinTimeoutMs?: number;
  /** Acknowledge a write only once this many backups have it on disk. */
  syncBackups?: number;
  /** Where to register this manager's host when it is not registered yet. */
  domain?: string;
  heartbeatIntervalMs?: number;
  downAfterMs?: number;
  /** Liveness damping (SPEC 13): downs within `flapWindowMs` that hold a host down (default 3, at least 1). */
  flapCount?: number;
  /** How long a down counts towards `flapCount` (default 60 s). */
  flapWindowMs?: number;
  /** How long a held host must heartbeat steadily before it is up again (default 10 s; 0: no damping). */
  holdDownMs?: number;
  logRetention?: number;
  maxWatchQueue?: number;
  /** Elect the primary on this etcd cluster (SPEC 12); without it, promotion is manual. */
  coordinator?: CoordinatorAddress;
  /** The primary's etcd lease, in whole seconds (default 5). */
  leaseTtlSeconds?: number;
  /** mTLS (the certificate of manager/HOST), or insecure on loopback. */
  security?: SecurityOptions;
  /** host:port of the HTTP endpoint (`--http`: /metrics, /healthz, the console); port 0 picks a free one. HTTPS with `security`'s TLS. */
  http?: string;
  /** `--relay-heartbeats`: while a backup, take the pulses of the agents the primary sends here (pulse-relay.ts). */
  relayHeartbeats?: boolean;
  /** `--max-connections`: connections the gRPC port holds at most (default from the open-file limit; connection-guard.ts). */
  maxConnections?: number;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
}

export type Settings = ManagerOptions & {
  heartbeatIntervalMs: number;
  downAfterMs: number;
  flapCount: number;
  flapWindowMs: number;
  holdDownMs: number;
};

/** `options` with the liveness defaults filled in; INVALID_ARGUMENT for bad damping, before anything is opened. */
export function settingsOf(options: ManagerOptions): Settings {
  const settings: Settings = {
    ...options,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
    downAfterMs: options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS,
    flapCount: options.flapCount ?? DEFAULT_FLAP_COUNT,
    flapWindowMs: options.flapWindowMs ?? DEFAULT_FLAP_WINDOW_MS,
    holdDownMs: options.holdDownMs ?? DEFAULT_HOLD_DOWN_MS,
  };
  checkDampingSettings(settings);
  return settings;
}

/** What the liveness damping needs of the settings (flap-damping.ts). */
export function dampingOf({ flapCount, flapWindowMs, holdDownMs, downAfterMs }: Settings): DampingSettings {
  return { flapCount, flapWindowMs, holdDownMs, downAfterMs };
}
