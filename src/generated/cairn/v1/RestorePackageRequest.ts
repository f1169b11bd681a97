// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Undoes WithdrawPackage.
 */
export interface RestorePackageRequest {
  'host'?: (string);
  'type'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

/**
 * Undoes WithdrawPackage.
 */
export interface RestorePackageRequest__Output {
  'host': (string);
  'type': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
