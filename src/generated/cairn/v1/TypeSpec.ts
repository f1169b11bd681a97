// Original file: cairn/v1/common.proto

import type { Policy as _cairn_v1_Policy, Policy__Output as _cairn_v1_Policy__Output } from '../../cairn/v1/Policy.js';

export interface TypeSpec {
  /**
   * A package type, e.g. "command-control".
   */
  'name'?: (string);
  'policy'?: (_cairn_v1_Policy);
}

export interface TypeSpec__Output {
  /**
   * A package type, e.g. "command-control".
   */
  'name': (string);
  'policy': (_cairn_v1_Policy__Output);
}
