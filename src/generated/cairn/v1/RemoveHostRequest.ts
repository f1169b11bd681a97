// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface RemoveHostRequest {
  'id'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface RemoveHostRequest__Output {
  'id': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
