// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface MutationReply {
  /**
   * The registry's revision after the call (the new one when changed).
   */
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  /**
   * False when the request changed nothing (no revision was added).
   */
  'changed'?: (boolean);
}

export interface MutationReply__Output {
  /**
   * The registry's revision after the call (the new one when changed).
   */
  'revision': (number);
  'epoch': (number);
  /**
   * False when the request changed nothing (no revision was added).
   */
  'changed': (boolean);
}
