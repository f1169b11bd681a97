// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface RelayedPulse {
  'host'?: (string);
  /**
   * How long before the report its last pulse came.
   */
  'age_ms'?: (number);
  'revision'?: (number | string | Long);
}

export interface RelayedPulse__Output {
  'host': (string);
  /**
   * How long before the report its last pulse came.
   */
  'age_ms': (number);
  'revision': (number);
}
