// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface PromoteManagerReply {
  /**
   * The promoted manager's new epoch and its revision.
   */
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * What was checked and why the promotion went ahead, for people (e.g.
   * "primary a unreachable; backup c at (1, 41) is behind").
   */
  'reason'?: (string);
  /**
   * The new primary's host and address.
   */
  'host'?: (string);
  'address'?: (string);
}

export interface PromoteManagerReply__Output {
  /**
   * The promoted manager's new epoch and its revision.
   */
  'epoch': (number);
  'revision': (number);
  /**
   * What was checked and why the promotion went ahead, for people (e.g.
   * "primary a unreachable; backup c at (1, 41) is behind").
   */
  'reason': (string);
  /**
   * The new primary's host and address.
   */
  'host': (string);
  'address': (string);
}
