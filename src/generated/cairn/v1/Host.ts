// Original file: cairn/v1/common.proto

import type { Liveness as _cairn_v1_Liveness, Liveness__Output as _cairn_v1_Liveness__Output } from '../../cairn/v1/Liveness.js';
import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from '../../cairn/v1/Package.js';

export interface Host {
  /**
   * Unique in the whole tree.
   */
  'id'?: (string);
  /**
   * Path of the domain the host lives in.
   */
  'domain'?: (string);
  /**
   * Address that the host's packages listen on; "127.0.0.1" by default.
   */
  'address'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * Admin flag: a host in maintenance is out of every route.
   */
  'maintenance'?: (boolean);
  'status'?: (_cairn_v1_Liveness);
  /**
   * Sorted by type, at most one per type.
   */
  'packages'?: (_cairn_v1_Package)[];
}

export interface Host__Output {
  /**
   * Unique in the whole tree.
   */
  'id': (string);
  /**
   * Path of the domain the host lives in.
   */
  'domain': (string);
  /**
   * Address that the host's packages listen on; "127.0.0.1" by default.
   */
  'address': (string);
  'labels': ({[key: string]: string});
  /**
   * Admin flag: a host in maintenance is out of every route.
   */
  'maintenance': (boolean);
  'status': (_cairn_v1_Liveness__Output);
  /**
   * Sorted by type, at most one per type.
   */
  'packages': (_cairn_v1_Package__Output)[];
}
