// Original file: cairn/v1/registry.proto

import type { ManagerRole as _cairn_v1_ManagerRole, ManagerRole__Output as _cairn_v1_ManagerRole__Output } from '../../cairn/v1/ManagerRole.js';
import type { BackupStatus as _cairn_v1_BackupStatus, BackupStatus__Output as _cairn_v1_BackupStatus__Output } from '../../cairn/v1/BackupStatus.js';
import type { CoordinatorStatus as _cairn_v1_CoordinatorStatus, CoordinatorStatus__Output as _cairn_v1_CoordinatorStatus__Output } from '../../cairn/v1/CoordinatorStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface ManagerStatus {
  /**
   * This manager's host id and the address it listens on.
   */
  'host'?: (string);
  'address'?: (string);
  'role'?: (_cairn_v1_ManagerRole);
  /**
   * The epoch this manager is in, and the revision and digest its readers
   * see (committed: with --sync-backups K, held by K backups).
   */
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * The primary this manager knows of (itself on a primary); empty when a
   * backup has not heard of any.
   */
  'primary_host'?: (string);
  'primary_address'?: (string);
  'cluster_id'?: (string);
  /**
   * On a primary: every backup it knows of. Empty on a backup.
   */
  'backups'?: (_cairn_v1_BackupStatus)[];
  /**
   * --sync-backups K (0: writes do not wait for backups).
   */
  'sync_backups'?: (number);
  'uptime_ms'?: (number | string | Long);
  /**
   * What this manager's disk holds: ahead of `revision` by the changes not
   * yet committed.
   */
  'durable_revision'?: (number | string | Long);
  /**
   * With --coordinator: etcd, the lease, and who holds the primary key.
   */
  'coordinator'?: (_cairn_v1_CoordinatorStatus | null);
  /**
   * The cairn release this manager runs (package.json's version), for
   * `cairn version --manager`. Empty from a manager older than the field.
   */
  'version'?: (string);
}

export interface ManagerStatus__Output {
  /**
   * This manager's host id and the address it listens on.
   */
  'host': (string);
  'address': (string);
  'role': (_cairn_v1_ManagerRole__Output);
  /**
   * The epoch this manager is in, and the revision and digest its readers
   * see (committed: with --sync-backups K, held by K backups).
   */
  'epoch': (number);
  'revision': (number);
  'digest': (Buffer);
  /**
   * The primary this manager knows of (itself on a primary); empty when a
   * backup has not heard of any.
   */
  'primary_host': (string);
  'primary_address': (string);
  'cluster_id': (string);
  /**
   * On a primary: every backup it knows of. Empty on a backup.
   */
  'backups': (_cairn_v1_BackupStatus__Output)[];
  /**
   * --sync-backups K (0: writes do not wait for backups).
   */
  'sync_backups': (number);
  'uptime_ms': (number);
  /**
   * What this manager's disk holds: ahead of `revision` by the changes not
   * yet committed.
   */
  'durable_revision': (number);
  /**
   * With --coordinator: etcd, the lease, and who holds the primary key.
   */
  'coordinator': (_cairn_v1_CoordinatorStatus__Output | null);
  /**
   * The cairn release this manager runs (package.json's version), for
   * `cairn version --manager`. Empty from a manager older than the field.
   */
  'version': (string);
}
