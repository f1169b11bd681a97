/**
 * The web console's view of this manager (console/console-source.ts): the
 * committed store, the status GetStatus gives (manager-status.ts), the
 * route Resolve explains, the fleet view, and the writes the Registry
 * service makes (admin-writes.ts), so that the console has no second
 * implementation of any of them.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { ConsoleSource, ConsoleStatus, ConsoleWrite, ConsoleWriteResult } from "../console/console-source.js";
import { adminWrite, commitWrite, maintenanceWrite, restoreWrite, withdrawWrite, type Write } from "./admin-writes.js";
import type { HostRecord } from "../registry/model.js";
import { agentViews, type AgentView } from "./fleet-view.js";
import type { ManagerControl } from "./manager-control.js";
import { managerStatus, type ManagerStatusView } from "./manager-status.js";
import type { RegistryStore } from "./store.js";

export interface ConsoleSubject extends ManagerControl {
  readonly store: RegistryStore;
}

export function managerConsole(manager: ConsoleSubject, clock: Clock, logger: Logger): ConsoleSource {
  const { store } = manager;
  const startedAt = clock.now();
  const log = logger.child({ component: "console" });
  // As the Registry service's reads: a manager whose disk lost acknowledged writes serves nothing.
  const refuseIfLost = () => {
    const refusal = manager.refusal();
    if (refusal) throw refusal;
  };
  const commit = async (write: Write): Promise<ConsoleWriteResult> => {
    const result = await commitWrite(store, log, adminWrite(write), undefined, undefined);
    return { ...result, message: write.cause };
  };
  return {
    hostId: manager.hostId,
    registry: () => store.index.registry,
    position: () => {
      const { revision, epoch } = store.position;
      return { revision, epoch };
    },
    subscribe: (listener) => store.subscribe(listener),
    changesAfter: (revision) => store.changesAfter(revision),
    route(from, type) {
      refuseIfLost();
      return store.index.route(from, type, { explain: true });
    },
    status: () => consoleStatus(managerStatus({ store, manager, clock }, startedAt)),
    agents(hosts) {
      refuseIfLost();
      const tracker = manager.liveness();
      // Not the primary: agents() throws the not-primary error that names it.
      if (!tracker) return pick(manager.agents(), hosts);
      // The fleet view's own function (fleet-view.ts), over just the page's hosts.
      const page = { domains: new Map(), types: new Map(), hosts: new Map(hosts.map((h) => [h.id, h])) };
      return agentViews(page, tracker, store.position.revision, clock.now(), manager.hostId);
    },
    async write(write: ConsoleWrite) {
      switch (write.kind) {
        case "maintenance":
          return commit(maintenanceWrite(write.host, write.on));
        case "withdraw":
          return commit(withdrawWrite(write.host, write.type));
        case "restore":
          return commit(restoreWrite(write.host, write.type));
        case "promote": {
          // What PromoteManager does when asked of this manager's own host.
          const { epoch, revision, reason } = await manager.promote(write.force);
          return { epoch, revision, changed: true, message: `promoted ${manager.hostId} at epoch ${epoch}: ${reason}` };
        }
      }
    },
    clock,
    logger,
  };
}

function pick(views: AgentView[], hosts: readonly HostRecord[]): AgentView[] {
  const wanted = new Set(hosts.map((h) => h.id));
  return views.filter((v) => wanted.has(v.host));
}

/** The status as the console shows it: what it names, without the digest's bytes or the coordinator's internals. */
function consoleStatus(status: ManagerStatusView): ConsoleStatus {
  const { host, address, role, epoch, durableRevision, revision, primary, clusterId, backups, syncBackups, uptimeMs, version } = status;
  return { host, address, role, epoch, durableRevision, revision, primary, clusterId, backups, syncBackups, uptimeMs, version };
}
