// Original file: cairn/v1/registry.proto

import type { ManagerRole as _cairn_v1_ManagerRole, ManagerRole__Output as _cairn_v1_ManagerRole__Output } from '../../cairn/v1/ManagerRole.js';
import type { PackageCheck as _cairn_v1_PackageCheck, PackageCheck__Output as _cairn_v1_PackageCheck__Output } from '../../cairn/v1/PackageCheck.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Deploys a package, or updates the port, priority, role and check of the
 * host's package of that type (its state and health are kept).
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
  /**
   * Like the port, what the request says, not a patch: absent means the
   * default check, and takes away a check the package had. A bad check
   * (a zero interval, a path on a non-HTTP check, an EXEC check without a
   * command, ...) is INVALID_ARGUMENT.
   */
  'check'?: (_cairn_v1_PackageCheck | null);
  'expected_revision'?: (number | string | Long);
  '_priority'?: "priority";
  '_expected_revision'?: "expected_revision";
}

/**
 * Deploys a package, or updates the port, priority, role and check of the
 * host's package of that type (its state and health are kept).
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
  /**
   * Like the port, what the request says, not a patch: absent means the
   * default check, and takes away a check the package had. A bad check
   * (a zero interval, a path on a non-HTTP check, an EXEC check without a
   * command, ...) is INVALID_ARGUMENT.
   */
  'check': (_cairn_v1_PackageCheck__Output | null);
  'expected_revision'?: (number);
  '_priority'?: "priority";
  '_expected_revision'?: "expected_revision";
}
