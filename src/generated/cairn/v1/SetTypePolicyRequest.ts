// Original file: cairn/v1/registry.proto

import type { Policy as _cairn_v1_Policy, Policy__Output as _cairn_v1_Policy__Output } from '../../cairn/v1/Policy.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Sets a type's policy, its min_healthy, or both; what is left out is kept
 * (`ordered` and no min_healthy for a type without a record).
 */
export interface SetTypePolicyRequest {
  'type'?: (string);
  /**
   * POLICY_UNSPECIFIED is INVALID_ARGUMENT here unless min_healthy is set.
   */
  'policy'?: (_cairn_v1_Policy);
  /**
   * 0 to 1, else INVALID_ARGUMENT.
   */
  'min_healthy'?: (number | string);
  'expected_revision'?: (number | string | Long);
  '_min_healthy'?: "min_healthy";
  '_expected_revision'?: "expected_revision";
}

/**
 * Sets a type's policy, its min_healthy, or both; what is left out is kept
 * (`ordered` and no min_healthy for a type without a record).
 */
export interface SetTypePolicyRequest__Output {
  'type': (string);
  /**
   * POLICY_UNSPECIFIED is INVALID_ARGUMENT here unless min_healthy is set.
   */
  'policy': (_cairn_v1_Policy__Output);
  /**
   * 0 to 1, else INVALID_ARGUMENT.
   */
  'min_healthy'?: (number);
  'expected_revision'?: (number);
  '_min_healthy'?: "min_healthy";
  '_expected_revision'?: "expected_revision";
}
