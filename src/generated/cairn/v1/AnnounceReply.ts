// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface AnnounceReply {
  /**
   * The receiver's position after handling the notice.
   */
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * True when the receiver was primary and stepped down.
   */
  'stepped_down'?: (boolean);
}

export interface AnnounceReply__Output {
  /**
   * The receiver's position after handling the notice.
   */
  'epoch': (number);
  'revision': (number);
  /**
   * True when the receiver was primary and stepped down.
   */
  'stepped_down': (boolean);
}
