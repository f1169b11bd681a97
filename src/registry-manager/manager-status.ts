/**
 * What a registry manager says of itself (SPEC 7, 12): its role, epoch,
 * revisions and digest, the primary it knows, and on a primary each
 * backup's lag. One computation, read by `GetStatus` (registry-service.ts,
 * which puts it on the wire) and by the web console (manager-console.ts).
 */
import type { Clock } from "../clock.js";
import { REGISTRY_TYPE, endpointOf, packageOf, type ManagerRole, type Registry } from "../registry/model.js";
import { CAIRN_VERSION } from "../version.js";
import type { ElectionStatus, ManagerAddress, ManagerControl } from "./manager-control.js";
import type { RegistryStore } from "./store.js";

/** A backup as its primary sees it. */
export interface BackupLag {
  host: string;
  /** Its registry endpoint, from its `registry` package ("" when the registry holds none). */
  address: string;
  /** The highest revision it confirmed durable. */
  revision: number;
  /** The primary's committed revision minus `revision`, never below 0. */
  lag: number;
  connected: boolean;
}

export interface ManagerStatusView {
  host: string;
  address: string;
  role: ManagerRole;
  epoch: number;
  /** What this manager's disk holds. */
  durableRevision: number;
  /** What its readers see (committed). */
  revision: number;
  digest: Buffer;
  primary: ManagerAddress;
  clusterId: string;
  /** On a primary only; empty on a backup. */
  backups: BackupLag[];
  syncBackups: number;
  /** With --coordinator only. */
  coordinator: ElectionStatus | undefined;
  uptimeMs: number;
  version: string;
}

export interface StatusContext {
  store: RegistryStore;
  manager: ManagerControl;
  clock: Clock;
}

/** The manager's status now; `startedAt` (clock time) gives its uptime. */
export function managerStatus(ctx: StatusContext, startedAt: number): ManagerStatusView {
  const position = ctx.store.position;
  const registry = ctx.store.index.registry;
  const isPrimary = ctx.manager.role() === "primary";
  return {
    host: ctx.manager.hostId,
    address: ctx.manager.address,
    role: ctx.manager.role(),
    epoch: ctx.store.epoch,
    durableRevision: ctx.store.durablePosition.revision,
    revision: position.revision,
    digest: position.digest,
    primary: ctx.manager.primary(),
    clusterId: position.clusterId,
    backups: isPrimary
      ? ctx.manager.backups.view().map((b) => ({
          host: b.host,
          address: registryEndpoint(registry, b.host) ?? "",
          revision: b.acked,
          lag: Math.max(0, position.revision - b.acked),
          connected: b.connected,
        }))
      : [],
    syncBackups: ctx.manager.backups.required,
    coordinator: ctx.manager.coordination(),
    uptimeMs: Math.max(0, ctx.clock.now() - startedAt),
    version: CAIRN_VERSION,
  };
}

/** The endpoint of `host`'s registry manager, from its `registry` package. */
export function registryEndpoint(registry: Readonly<Registry>, host: string): string | undefined {
  const record = registry.hosts.get(host);
  const pkg = record && packageOf(record, REGISTRY_TYPE);
  return pkg && record ? endpointOf(record.address, pkg.port) : undefined;
}
