// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface MoveDomainRequest {
  'path'?: (string);
  /**
   * The domain becomes new_parent/<last segment of path>. Moving a domain
   * under itself or a descendant is INVALID_ARGUMENT.
   */
  'new_parent'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface MoveDomainRequest__Output {
  'path': (string);
  /**
   * The domain becomes new_parent/<last segment of path>. Moving a domain
   * under itself or a descendant is INVALID_ARGUMENT.
   */
  'new_parent': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
