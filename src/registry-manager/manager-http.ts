/**
 * A registry manager's `--http` endpoint: its routes, in one list
 * (`managerRoutes`: the console adds its own there), its metrics read off
 * the manager's state (metrics/manager-metrics.ts), and the server that
 * serves them, started and stopped with the manager.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { HttpServer } from "../http/http-server.js";
import type { HttpRoute } from "../http/route.js";
import { healthzRoute, metricsRoute } from "../http/standard-routes.js";
import { managerMetrics, type ManagerState } from "../metrics/manager-metrics.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import { LIVENESS_VALUES, type Liveness } from "../registry/model.js";
import type { WatchServer } from "../replication/watch-server.js";
import type { ServerSecurity } from "../security/server-security.js";
import type { ServingHealth } from "../wire/serving-health.js";
import { consoleRoutes } from "../console/console-routes.js";
import { managerConsole } from "./manager-console.js";
import type { ManagerControl } from "./manager-control.js";
import type { ManagerOptions } from "./manager-options.js";
import type { RoleState } from "./role.js";
import type { RegistryStore } from "./store.js";

/** What the routes read of the manager (RegistryManager, which this file may not import: it starts this one). */
export interface ManagerHttpSubject extends ManagerControl {
  readonly store: RegistryStore;
  readonly watchServer: WatchServer;
  /** Role transitions since the start. */
  readonly roleChanges: number;
  roleState(): RoleState;
  health(): ServingHealth;
}

/** Every route of a manager's `--http`, in the order they are matched (exact paths before prefixes either way). */
export function managerRoutes(manager: ManagerHttpSubject, metrics: ServerMetrics): HttpRoute[] {
  return [metricsRoute(metrics), healthzRoute(() => manager.health())];
}

/** A manager's running `--http` endpoint. */
export interface ManagerHttp {
  /** `http://HOST:PORT`, or `https://…` with TLS. */
  readonly address: string;
  close(): Promise<void>;
}

/** What start-up opened that the endpoint shares: the server's security (its TLS files) and what its gRPC server counts. */
export interface ManagerHttpGrounds {
  security: ServerSecurity;
  metrics: ServerMetrics | undefined;
}

/** Starts `options.http`, if given; undefined when not. */
export async function startManagerHttp(
  manager: ManagerHttpSubject,
  options: ManagerOptions,
  { security, metrics }: ManagerHttpGrounds,
  clock: Clock,
  logger: Logger,
): Promise<ManagerHttp | undefined> {
  if (!options.http || !metrics) return undefined;
  const { observeWrite } = managerMetrics(metrics.registry, stateOf(manager));
  const { store } = manager;
  // A change carries the time its primary accepted it; committed here, its wait is over. Only a
  // primary's own writes: a backup would measure its replication delay, on another clock.
  const unsubscribe = store.subscribe((change) => {
    if (manager.roleState() === "primary") observeWrite(Math.max(0, clock.now() - change.timeUnixMs) / 1_000);
  });
  const webConsole = consoleRoutes(managerConsole(manager, clock, logger));
  const release = () => {
    unsubscribe();
    webConsole.close();
  };
  try {
    const routes = [...managerRoutes(manager, metrics), ...webConsole.routes];
    const server = await HttpServer.start({ listen: options.http, routes, security, insecure: options.security?.insecure, logger });
    return {
      address: server.url,
      close: () => {
        release();
        return server.close();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** The manager as the metrics read it, when scraped. */
function stateOf(manager: ManagerHttpSubject): ManagerState {
  const { store, backups, watchServer } = manager;
  let hostCounts: { registry: object; revision: number; counts: Record<Liveness, number> } | undefined;
  return {
    revision: () => store.position.revision,
    epoch: () => store.epoch,
    isPrimary: () => manager.roleState() === "primary",
    roleChanges: () => manager.roleChanges,
    backupLags() {
      if (manager.roleState() !== "primary") return [];
      const head = store.durablePosition.revision;
      return backups.view().map((b) => ({ backup: b.host, lag: Math.max(0, head - b.acked) }));
    },
    watchers: () => watchServer.watchers,
    watchCounts: () => watchServer.counts,
    hostsByLiveness() {
      // A walk of every host, so once per revision: most scrapes come between changes.
      const { registry } = store.index;
      const { revision } = store.position;
      if (hostCounts?.registry === registry && hostCounts.revision === revision) return hostCounts.counts;
      const counts = Object.fromEntries(LIVENESS_VALUES.map((l) => [l, 0])) as Record<Liveness, number>;
      for (const host of registry.hosts.values()) counts[host.status]++;
      hostCounts = { registry, revision, counts };
      return counts;
    },
  };
}
