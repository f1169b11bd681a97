// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface GetPositionRequest {
  /**
   * The highest epoch the asking manager has seen (fencing): a primary
   * behind it steps down before it answers.
   */
  'seen_epoch'?: (number | string | Long);
}

export interface GetPositionRequest__Output {
  /**
   * The highest epoch the asking manager has seen (fencing): a primary
   * behind it steps down before it answers.
   */
  'seen_epoch': (number);
}
