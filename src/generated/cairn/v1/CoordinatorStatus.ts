// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface CoordinatorStatus {
  /**
   * etcd://HOST:PORT[,HOST:PORT…] as given to --coordinator.
   */
  'endpoints'?: (string);
  'lease_ttl_ms'?: (number);
  /**
   * The holder of the primary key; empty when nobody holds it.
   */
  'holder_host'?: (string);
  'holder_address'?: (string);
  'holder_epoch'?: (number | string | Long);
  /**
   * On the primary: how much longer it can prove its lease; 0 elsewhere.
   */
  'lease_valid_ms'?: (number | string | Long);
  /**
   * The managers that hold every acknowledged write (etcd's sync record).
   */
  'in_sync'?: (string)[];
  /**
   * Whether etcd answered this manager's last request.
   */
  'reachable'?: (boolean);
}

export interface CoordinatorStatus__Output {
  /**
   * etcd://HOST:PORT[,HOST:PORT…] as given to --coordinator.
   */
  'endpoints': (string);
  'lease_ttl_ms': (number);
  /**
   * The holder of the primary key; empty when nobody holds it.
   */
  'holder_host': (string);
  'holder_address': (string);
  'holder_epoch': (number);
  /**
   * On the primary: how much longer it can prove its lease; 0 elsewhere.
   */
  'lease_valid_ms': (number);
  /**
   * The managers that hold every acknowledged write (etcd's sync record).
   */
  'in_sync': (string)[];
  /**
   * Whether etcd answered this manager's last request.
   */
  'reachable': (boolean);
}
