// Original file: cairn/v1/common.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Where a registry (or replica) stands.
 */
export interface Position {
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * State digest at that revision (32 bytes; empty for an empty replica).
   */
  'digest'?: (Buffer | Uint8Array | string);
}

/**
 * Where a registry (or replica) stands.
 */
export interface Position__Output {
  'epoch': (number);
  'revision': (number);
  /**
   * State digest at that revision (32 bytes; empty for an empty replica).
   */
  'digest': (Buffer);
}
