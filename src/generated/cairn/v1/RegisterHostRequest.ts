// Original file: cairn/v1/registry.proto

import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from '../../cairn/v1/Package.js';
import type { Long } from '@grpc/proto-loader';

export interface RegisterHostRequest {
  'id'?: (string);
  /**
   * Path of an existing domain.
   */
  'domain'?: (string);
  /**
   * Empty means "127.0.0.1".
   */
  'address'?: (string);
  'labels'?: ({[key: string]: string});
  /**
   * Optional initial packages (state and health UNSPECIFIED read as enabled
   * and healthy).
   */
  'packages'?: (_cairn_v1_Package)[];
  'maintenance'?: (boolean);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface RegisterHostRequest__Output {
  'id': (string);
  /**
   * Path of an existing domain.
   */
  'domain': (string);
  /**
   * Empty means "127.0.0.1".
   */
  'address': (string);
  'labels': ({[key: string]: string});
  /**
   * Optional initial packages (state and health UNSPECIFIED read as enabled
   * and healthy).
   */
  'packages': (_cairn_v1_Package__Output)[];
  'maintenance': (boolean);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
