/** How a registry manager is started (`cairn manager start`'s flags, as options). */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { CoordinatorAddress } from "../coordination/coordinator-address.js";
import type { SecurityOptions } from "../security/server-security.js";

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
  logRetention?: number;
  maxWatchQueue?: number;
  /** Elect the primary on this etcd cluster (SPEC 12); without it, promotion is manual. */
  coordinator?: CoordinatorAddress;
  /** The primary's etcd lease, in whole seconds (default 5). */
  leaseTtlSeconds?: number;
  /** mTLS (the certificate of manager/HOST), or insecure on loopback. */
  security?: SecurityOptions;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
}

export type Settings = ManagerOptions & { heartbeatIntervalMs: number; downAfterMs: number };

