// Original file: cairn/v1/common.proto

import type { PackageState as _cairn_v1_PackageState, PackageState__Output as _cairn_v1_PackageState__Output } from '../../cairn/v1/PackageState.js';
import type { PackageHealth as _cairn_v1_PackageHealth, PackageHealth__Output as _cairn_v1_PackageHealth__Output } from '../../cairn/v1/PackageHealth.js';
import type { ManagerRole as _cairn_v1_ManagerRole, ManagerRole__Output as _cairn_v1_ManagerRole__Output } from '../../cairn/v1/ManagerRole.js';
import type { PackageCheck as _cairn_v1_PackageCheck, PackageCheck__Output as _cairn_v1_PackageCheck__Output } from '../../cairn/v1/PackageCheck.js';

/**
 * A manager service deployed on a host. At most one per type per host.
 */
export interface Package {
  'type'?: (string);
  /**
   * 1..65535.
   */
  'port'?: (number);
  /**
   * Lower is preferred; 0 by default.
   */
  'priority'?: (number);
  'state'?: (_cairn_v1_PackageState);
  'health'?: (_cairn_v1_PackageHealth);
  /**
   * Set only when type is "registry".
   */
  'role'?: (_cairn_v1_ManagerRole);
  /**
   * Absent: the default check (TCP, every 1 s, timeout 1 s, rise 2, fall 3).
   * A package that names a check keeps it, even one equal to the default.
   */
  'check'?: (_cairn_v1_PackageCheck | null);
}

/**
 * A manager service deployed on a host. At most one per type per host.
 */
export interface Package__Output {
  'type': (string);
  /**
   * 1..65535.
   */
  'port': (number);
  /**
   * Lower is preferred; 0 by default.
   */
  'priority': (number);
  'state': (_cairn_v1_PackageState__Output);
  'health': (_cairn_v1_PackageHealth__Output);
  /**
   * Set only when type is "registry".
   */
  'role': (_cairn_v1_ManagerRole__Output);
  /**
   * Absent: the default check (TCP, every 1 s, timeout 1 s, rise 2, fall 3).
   * A package that names a check keeps it, even one equal to the default.
   */
  'check': (_cairn_v1_PackageCheck__Output | null);
}
