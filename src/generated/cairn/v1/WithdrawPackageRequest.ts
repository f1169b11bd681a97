// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Takes the package out of every route, keeping it in the registry.
 */
export interface WithdrawPackageRequest {
  'host'?: (string);
  'type'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

/**
 * Takes the package out of every route, keeping it in the registry.
 */
export interface WithdrawPackageRequest__Output {
  'host': (string);
  'type': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
