/**
 * Whether a registry manager can do its role's work (SPEC 14), as
 * grpc.health.v1 and /healthz say: a settled primary with its sync backups,
 * or a settled backup, which serves reads even with its primary gone (the
 * read-only failover mode). Not while starting, changing role, fenced, or
 * on a primary short of --sync-backups (its writes are refused). A pure
 * function of the manager's facts, so that each case is tested alone.
 */
import type { CairnError } from "../errors.js";
import type { ServingHealth } from "../wire/serving-health.js";
import type { BackupTracker } from "./backups.js";
import type { ElectionStatus, ManagerAddress } from "./manager-control.js";
import type { RoleState } from "./role.js";

export interface ManagerFacts {
  state: RoleState;
  epoch: number;
  /** The store belongs to a registry: false for a new backup until its primary's first snapshot is in. */
  initialized: boolean;
  /** The primary a backup follows; an empty address while none is known. */
  primary: ManagerAddress;
  /** Why it serves nothing: its disk lost writes it acknowledged (RegistryManager.sawRevision). */
  lost: string | undefined;
  /** --sync-backups K. */
  required: number;
  connectedBackups: number;
  /** Under a coordinator, on the primary: why it answers no writer (its etcd lease is not proven). */
  leaseRefusal: string | undefined;
}

export function managerHealth(facts: ManagerFacts): ServingHealth {
  const { state, epoch, required, connectedBackups: connected } = facts;
  // Stopped and fenced first: neither is undone by anything the role does next.
  if (state === "stopped") return notServing("stopped: the registry manager is shutting down");
  if (facts.lost !== undefined) return notServing(`fenced: ${facts.lost}`);
  if (state === "starting") return notServing("starting: the role on disk is being checked against the peers");
  if (!facts.initialized) return notServing(`starting: a new backup waiting for its primary's first snapshot (${named(facts.primary)})`);
  switch (state) {
    case "stepping-down":
      return notServing(`fenced: deposed as primary at epoch ${epoch}, stepping down to a backup`);
    case "promoting":
      return notServing(`promoting: becoming the primary after epoch ${epoch}`);
    case "backup":
      return { status: "SERVING", reason: `backup at epoch ${epoch} of ${named(facts.primary)}: serves reads, writes go to the primary` };
    case "primary": {
      if (facts.leaseRefusal !== undefined) return notServing(`fenced: ${facts.leaseRefusal}`);
      if (required === 0) return { status: "SERVING", reason: `primary at epoch ${epoch}` };
      const backups = connected <= required ? `${connected} of ${required} sync backups connected` : `${connected} backups connected (--sync-backups ${required})`;
      if (connected < required) return notServing(`primary at epoch ${epoch}, ${backups}: writes are refused until ${required} follow`);
      return { status: "SERVING", reason: `primary at epoch ${epoch}, ${backups}` };
    }
  }
}

/** What a manager's health is read from: its public face (manager.ts). */
export interface HealthSubject {
  readonly backups: BackupTracker;
  readonly store: { readonly epoch: number; readonly initialized: boolean };
  roleState(): RoleState;
  primary(): ManagerAddress;
  refusal(): CairnError | undefined;
  coordination(): ElectionStatus | undefined;
}

export function healthFacts(manager: HealthSubject): ManagerFacts {
  const { backups, store } = manager;
  return {
    state: manager.roleState(),
    epoch: store.epoch,
    initialized: store.initialized,
    primary: manager.primary(),
    lost: manager.refusal()?.message,
    required: backups.required,
    connectedBackups: backups.view().filter((b) => b.connected).length,
    leaseRefusal: manager.coordination()?.leaseRefusal,
  };
}

function notServing(reason: string): ServingHealth {
  return { status: "NOT_SERVING", reason };
}

function named({ host, address }: ManagerAddress): string {
  if (!address) return "no primary known yet";
  return host ? `${host} at ${address}` : address;
}
