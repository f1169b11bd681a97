// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface RemovePackageRequest {
  'host'?: (string);
  'type'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface RemovePackageRequest__Output {
  'host': (string);
  'type': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
