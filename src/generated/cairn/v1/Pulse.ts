// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface Pulse {
  'host'?: (string);
  /**
   * The sender's replica revision (for lag reporting).
   */
  'revision'?: (number | string | Long);
}

export interface Pulse__Output {
  'host': (string);
  /**
   * The sender's replica revision (for lag reporting).
   */
  'revision': (number);
}
