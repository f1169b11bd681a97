// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface BackupStatus {
  'host'?: (string);
  'address'?: (string);
  /**
   * The last revision the backup acknowledged as durable.
   */
  'revision'?: (number | string | Long);
  /**
   * Primary's revision minus revision.
   */
  'lag'?: (number | string | Long);
  /**
   * Whether the backup's watch stream is open now.
   */
  'connected'?: (boolean);
}

export interface BackupStatus__Output {
  'host': (string);
  'address': (string);
  /**
   * The last revision the backup acknowledged as durable.
   */
  'revision': (number);
  /**
   * Primary's revision minus revision.
   */
  'lag': (number);
  /**
   * Whether the backup's watch stream is open now.
   */
  'connected': (boolean);
}
