// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface CreateDomainRequest {
  /**
   * Missing parents are created in the same change (like mkdir -p).
   */
  'path'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface CreateDomainRequest__Output {
  /**
   * Missing parents are created in the same change (like mkdir -p).
   */
  'path': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
