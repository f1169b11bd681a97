// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface MoveHostRequest {
  'id'?: (string);
  /**
   * Path of an existing domain.
   */
  'domain'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface MoveHostRequest__Output {
  'id': (string);
  /**
   * Path of an existing domain.
   */
  'domain': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
