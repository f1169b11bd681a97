// Original file: cairn/v1/common.proto

import type { ManagerRole as _cairn_v1_ManagerRole, ManagerRole__Output as _cairn_v1_ManagerRole__Output } from '../../cairn/v1/ManagerRole.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Where a registry (or replica) stands.
 */
export interface Position {
  /**
   * A registry manager's GetPosition: the epoch it is in, and what its disk
   * holds (which may run ahead of what its readers see, with
   * --sync-backups).
   */
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * State digest at that revision (32 bytes; empty for an empty replica).
   */
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * Who answers (a registry manager's GetPosition): its host, its role, and
   * the primary as it knows it, so that a manager that finds a later epoch
   * knows whom to follow.
   */
  'host'?: (string);
  'role'?: (_cairn_v1_ManagerRole);
  'primary_host'?: (string);
  'primary_address'?: (string);
  /**
   * The registry this manager belongs to (empty before it joined one).
   */
  'cluster_id'?: (string);
}

/**
 * Where a registry (or replica) stands.
 */
export interface Position__Output {
  /**
   * A registry manager's GetPosition: the epoch it is in, and what its disk
   * holds (which may run ahead of what its readers see, with
   * --sync-backups).
   */
  'epoch': (number);
  'revision': (number);
  /**
   * State digest at that revision (32 bytes; empty for an empty replica).
   */
  'digest': (Buffer);
  /**
   * Who answers (a registry manager's GetPosition): its host, its role, and
   * the primary as it knows it, so that a manager that finds a later epoch
   * knows whom to follow.
   */
  'host': (string);
  'role': (_cairn_v1_ManagerRole__Output);
  'primary_host': (string);
  'primary_address': (string);
  /**
   * The registry this manager belongs to (empty before it joined one).
   */
  'cluster_id': (string);
}
