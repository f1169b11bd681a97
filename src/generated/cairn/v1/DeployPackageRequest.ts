// Original file: cairn/v1/registry.proto

import type { ManagerRole as _cairn_v1_ManagerRole, ManagerRole__Output as _cairn_v1_ManagerRole__Output } from '../../cairn/v1/ManagerRole.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Deploys a package, or updates the port, priority and role of the host's
 * package of that type (its state and health are kept).
 */
export interface DeployPackageRequest {
  'host'?: (string);
  'type'?: (string);
  'port'?: (number);
  /**
   * When absent: 0 for a new package, unchanged for an existing one.
   */
  'priority'?: (number);
  /**
   * Only for type "registry"; INVALID_ARGUMENT on other types.
   */
  'role'?: (_cairn_v1_ManagerRole);
  'expected_revision'?: (number | string | Long);
  '_priority'?: "priority";
  '_expected_revision'?: "expected_revision";
}

/**
 * Deploys a package, or updates the port, priority and role of the host's
 * package of that type (its state and health are kept).
 */
export interface DeployPackageRequest__Output {
  'host': (string);
  'type': (string);
  'port': (number);
  /**
   * When absent: 0 for a new package, unchanged for an existing one.
   */
  'priority'?: (number);
  /**
   * Only for type "registry"; INVALID_ARGUMENT on other types.
   */
  'role': (_cairn_v1_ManagerRole__Output);
  'expected_revision'?: (number);
  '_priority'?: "priority";
  '_expected_revision'?: "expected_revision";
}
