// Original file: cairn/v1/replication.proto

import type { PackageHealth as _cairn_v1_PackageHealth, PackageHealth__Output as _cairn_v1_PackageHealth__Output } from '../../cairn/v1/PackageHealth.js';

export interface PackageHealthReport {
  /**
   * A package type deployed on the sender's host.
   */
  'type'?: (string);
  'health'?: (_cairn_v1_PackageHealth);
}

export interface PackageHealthReport__Output {
  /**
   * A package type deployed on the sender's host.
   */
  'type': (string);
  'health': (_cairn_v1_PackageHealth__Output);
}
