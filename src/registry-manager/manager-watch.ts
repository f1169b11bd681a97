/**
 * A manager's Watch server (src/replication/watch-server.ts) over its
 * store: each watch admitted as replication-service.ts says (fencing, who
 * counts as a backup), every Progress naming the primary, and on a primary
 * the readers held behind --sync-backups.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { WatchServer } from "../replication/watch-server.js";
import type { ManagerControl } from "./manager-control.js";
import { admitWatch } from "./replication-service.js";
import type { RegistryStore } from "./store.js";

export function managerWatchServer(manager: ManagerControl, store: RegistryStore, clock: Clock, logger: Logger, maxQueued: number | undefined): WatchServer {
  return new WatchServer({
    source: store,
    primary: () => manager.primary(),
    admit: (request, caller) => admitWatch(manager, store.epoch, request, caller),
    syncBackups: () => (manager.role() === "primary" ? manager.backups.required : 0),
    clock,
    logger,
    maxQueued,
  });
}
