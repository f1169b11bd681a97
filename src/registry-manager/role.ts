/**
 * A registry manager's role as an explicit state machine (SPEC 7): the
 * states, the events that move it, and one pure transition function. The
 * manager carries out what each new state means (refuse writes, follow a
 * primary, record itself); this file only says which moves exist.
 *
 *   starting --started-primary--> primary --deposed--> stepping-down --stepped-down--> backup
 *   starting --started-backup---> backup  --promote--> promoting --promoted--> primary
 *                                                      promoting --promotion-failed--> backup
 *   any --stop--> stopped
 */
import { notPrimary, type CairnError } from "../errors.js";

export type RoleState = "starting" | "primary" | "stepping-down" | "backup" | "promoting" | "stopped";

export type RoleEvent =
  /** Start-up settled: this manager is the primary (bootstrapped, or restarted and not replaced). */
  | "started-primary"
  /** Start-up settled: this manager follows a primary (joined, restarted as a backup, or replaced while away). */
  | "started-backup"
  /** A later epoch exists: this primary may acknowledge nothing more. */
  | "deposed"
  /** The deposed primary has let its last writes land and follows the new one. */
  | "stepped-down"
  /** promote-manager: this backup is to become primary at the next epoch. */
  | "promote"
  /** The new epoch is on disk and the manager has recorded itself as primary. */
  | "promoted"
  /** A promotion check refused, or the promotion could not be written. */
  | "promotion-failed"
  | "stop";

const TRANSITIONS: Readonly<Record<RoleState, Partial<Record<RoleEvent, RoleState>>>> = {
  starting: { "started-primary": "primary", "started-backup": "backup", stop: "stopped" },
  primary: { deposed: "stepping-down", stop: "stopped" },
  "stepping-down": { "stepped-down": "backup", stop: "stopped" },
  backup: { promote: "promoting", stop: "stopped" },
  promoting: { promoted: "primary", "promotion-failed": "backup", stop: "stopped" },
  stopped: {},
};

/** The state after `event` in `state`, or undefined when the event has no meaning there (it is ignored). */
export function nextRole(state: RoleState, event: RoleEvent): RoleState | undefined {
  return TRANSITIONS[state][event];
}

/** The role a manager in `state` reports (GetStatus, its registry package): only a settled primary is one. */
export function reportedRole(state: RoleState): "primary" | "backup" {
  return state === "primary" ? "primary" : "backup";
}

/** What backup `hostId` answers a call only a primary takes: the primary it follows, for the caller to go to. */
export function backupRefusal(hostId: string, primary: { host: string; address: string }): CairnError {
  const named = primary.host ? `${primary.host} at ${primary.address}` : primary.address || "unknown";
  return notPrimary(`${hostId} is a backup registry manager; the primary is ${named}`, primary.address);
}
