/**
 * What the web console reads from, and writes through, the registry manager
 * that serves it: a narrow interface, so that the console knows nothing of
 * the manager's internals (src/registry-manager/manager-console.ts
 * implements it over the store, the status and the Registry service's own
 * writes) and can be tested over a fake.
 *
 * The status below mirrors the manager's own ManagerStatusView (without the digest and the coordinator):
 * the console sits below the manager in the layers of src/ (the manager
 * mounts its routes), so it may not import them, and TypeScript checks
 * that the manager's values fit.
 */
import type { Logger } from "pino";
import type { AgentView } from "../registry/agent-view.js";
import type { Clock } from "../clock.js";
import type { ChangeRecord, HostRecord, ManagerRole, Registry } from "../registry/model.js";
import type { Route } from "../router/route.js";

export interface ConsoleBackup {
  host: string;
  address: string;
  revision: number;
  lag: number;
  connected: boolean;
}

/** The manager's GetStatus, as plain data. */
export interface ConsoleStatus {
  host: string;
  address: string;
  role: ManagerRole;
  epoch: number;
  durableRevision: number;
  revision: number;
  primary: { host: string; address: string };
  clusterId: string;
  backups: ConsoleBackup[];
  syncBackups: number;
  uptimeMs: number;
  version: string;
}

/** One host's agent as the primary hears it (the fleet view). */
export type ConsoleAgent = AgentView;

/** A write the console offers an admin, each the one the Registry service makes for the same request. */
export type ConsoleWrite =
  | { kind: "maintenance"; host: string; on: boolean }
  | { kind: "withdraw"; host: string; type: string }
  | { kind: "restore"; host: string; type: string }
  | { kind: "promote"; force: boolean };

export interface ConsoleWriteResult {
  revision: number;
  epoch: number;
  changed: boolean;
  /** For people: what was done (a promotion's checks). */
  message: string;
}

export interface ConsoleSource {
  /** The host id of the manager that serves the console. */
  readonly hostId: string;
  /**
   * The committed registry, read only. The same object while changes are
   * applied to it; another object once a snapshot replaced it (a backup's
   * resync): the console rebuilds what it derived from it then.
   */
  registry(): Readonly<Registry>;
  /** The committed position readers see. */
  position(): { revision: number; epoch: number };
  /** Every committed change, in order, from now on; called after the registry holds it. */
  subscribe(listener: (change: ChangeRecord) => void): () => void;
  /** The committed changes after `revision`, or undefined when the log no longer holds them all. */
  changesAfter(revision: number): Promise<ChangeRecord[] | undefined>;
  /** The explained route from `from` to `type`, as the Registry service's Resolve gives it. */
  route(from: string, type: string): Route;
  status(): ConsoleStatus;
  /**
   * The fleet view of `hosts` (a page of them), in their order; a backup
   * throws its not-primary error (a CairnError whose `redirect` names the
   * primary). A page, not the whole fleet: at 100,000 hosts the whole view
   * costs the manager's event loop most of a second.
   */
  agents(hosts: readonly HostRecord[]): ConsoleAgent[];
  /** Commits `write` (the caller was checked by the console); errors are CairnErrors. */
  write(write: ConsoleWrite): Promise<ConsoleWriteResult>;
  readonly clock: Clock;
  readonly logger: Logger;
}
