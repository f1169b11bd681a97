import type { Holder } from "../coordination/etcd-coordinator.js";
import type { CairnError } from "../errors.js";
import type { Identity } from "../security/identity.js";
import type { ManagerRole } from "../registry/model.js";
import type { BackupTracker } from "./backups.js";
import type { AgentFilter, AgentView } from "./fleet-view.js";
import type { LivenessTracker } from "./liveness.js";

export interface ManagerAddress {
  host: string;
  address: string;
}

export interface PromotionResult {
  epoch: number;
  revision: number;
  /** What was checked and why the promotion went ahead, for people. */
  reason: string;
}

/** Under a coordinator: etcd, the lease, and who holds the primary key (GetStatus). */
export interface ElectionStatus {
  endpoints: string;
  leaseTtlMs: number;
  holder: Holder | undefined;
  /** On the primary: how much longer its lease is proven (0 elsewhere). */
  leaseValidMs: number;
  /** On the primary: why it answers no writer, its lease not proven for the margin (undefined when it does, and elsewhere). */
  leaseRefusal: string | undefined;
  inSync: string[];
  reachable: boolean;
}

/**
 * What the services need from the manager that runs them: its role, who
 * the primary is, and the ways in for high availability. The services stay
 * thin adapters; the role logic lives in the manager.
 */
export interface ManagerControl {
  readonly hostId: string;
  readonly address: string;
  role(): ManagerRole;
  /** The primary as this manager knows it (itself on a primary). */
  primary(): ManagerAddress;
  /** The liveness tracker while primary. */
  liveness(): LivenessTracker | undefined;
  /** Every host's agent as this primary hears it (fleet-view.ts); a backup throws the not-primary error naming the primary. */
  agents(filter?: AgentFilter): AgentView[];
  readonly backups: BackupTracker;
  /** Someone spoke of `epoch`: a primary behind it steps down (fencing). */
  learnedEpoch(epoch: number, primary?: ManagerAddress): void;
  /**
   * Whether what `caller` says of epochs, revisions and positions is
   * believed: of manager/* identities only (of manager/`host` only, where
   * it speaks for `host`), on a manager that checks identities; of everyone
   * on an insecure one.
   */
  believes(caller: Identity | undefined, host?: string): boolean;
  /** Set when this manager may serve nothing (a primary whose disk lost acknowledged writes). */
  refusal(): CairnError | undefined;
  /** Someone holds `revision` of `epoch` (a backup's ack): a primary whose disk is behind it lost writes. */
  sawRevision(epoch: number, revision: number, who: string): void;
  /** This backup becomes primary at the next epoch (SPEC 7); under a coordinator, a switchover to it. */
  promote(force: boolean): Promise<PromotionResult>;
  /** With --coordinator: etcd, the lease and its holder. */
  coordination(): ElectionStatus | undefined;
}
