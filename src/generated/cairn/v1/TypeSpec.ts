// Original file: cairn/v1/common.proto

import type { Policy as _cairn_v1_Policy, Policy__Output as _cairn_v1_Policy__Output } from '../../cairn/v1/Policy.js';

export interface TypeSpec {
  /**
   * A package type, e.g. "command-control".
   */
  'name'?: (string);
  'policy'?: (_cairn_v1_Policy);
  /**
   * Health-threshold spill (SPEC 13), 0 to 1: a tier whose available share
   * is below it yields to the next tier that meets it. Absent: 0 (never).
   */
  'min_healthy'?: (number | string);
  '_min_healthy'?: "min_healthy";
}

export interface TypeSpec__Output {
  /**
   * A package type, e.g. "command-control".
   */
  'name': (string);
  'policy': (_cairn_v1_Policy__Output);
  /**
   * Health-threshold spill (SPEC 13), 0 to 1: a tier whose available share
   * is below it yields to the next tier that meets it. Absent: 0 (never).
   */
  'min_healthy'?: (number);
  '_min_healthy'?: "min_healthy";
}
