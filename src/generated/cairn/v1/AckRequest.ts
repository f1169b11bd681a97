// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface AckRequest {
  /**
   * The backup's host id.
   */
  'host'?: (string);
  /**
   * The epoch of the change at revision.
   */
  'epoch'?: (number | string | Long);
  /**
   * Cumulative: this revision and every earlier one are durable on the
   * backup.
   */
  'revision'?: (number | string | Long);
}

export interface AckRequest__Output {
  /**
   * The backup's host id.
   */
  'host': (string);
  /**
   * The epoch of the change at revision.
   */
  'epoch': (number);
  /**
   * Cumulative: this revision and every earlier one are durable on the
   * backup.
   */
  'revision': (number);
}
