// Original file: cairn/v1/registry.proto

import type { Policy as _cairn_v1_Policy, Policy__Output as _cairn_v1_Policy__Output } from '../../cairn/v1/Policy.js';
import type { Long } from '@grpc/proto-loader';

export interface SetTypePolicyRequest {
  'type'?: (string);
  /**
   * POLICY_UNSPECIFIED is INVALID_ARGUMENT here.
   */
  'policy'?: (_cairn_v1_Policy);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface SetTypePolicyRequest__Output {
  'type': (string);
  /**
   * POLICY_UNSPECIFIED is INVALID_ARGUMENT here.
   */
  'policy': (_cairn_v1_Policy__Output);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
