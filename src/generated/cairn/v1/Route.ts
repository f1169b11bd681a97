// Original file: cairn/v1/common.proto

import type { Candidate as _cairn_v1_Candidate, Candidate__Output as _cairn_v1_Candidate__Output } from '../../cairn/v1/Candidate.js';
import type { Skipped as _cairn_v1_Skipped, Skipped__Output as _cairn_v1_Skipped__Output } from '../../cairn/v1/Skipped.js';
import type { Spill as _cairn_v1_Spill, Spill__Output as _cairn_v1_Spill__Output } from '../../cairn/v1/Spill.js';
import type { Long } from '@grpc/proto-loader';

/**
 * The ordered list of available managers of one type, from one origin host
 * (SPEC section 4).
 */
export interface Route {
  'from'?: (string);
  'type'?: (string);
  /**
   * Best first.
   */
  'candidates'?: (_cairn_v1_Candidate)[];
  /**
   * Filled only when explain was asked.
   */
  'skipped'?: (_cairn_v1_Skipped)[];
  /**
   * The registry position the route was computed at.
   */
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  /**
   * True when explain was asked (so an empty skipped list means "nothing
   * skipped", not "not asked").
   */
  'explained'?: (boolean);
  /**
   * How the type's health-threshold spill (SPEC 13) shaped the route.
   * Filled only when explain was asked and the type's min_healthy is above 0.
   */
  'spill'?: (_cairn_v1_Spill | null);
}

/**
 * The ordered list of available managers of one type, from one origin host
 * (SPEC section 4).
 */
export interface Route__Output {
  'from': (string);
  'type': (string);
  /**
   * Best first.
   */
  'candidates': (_cairn_v1_Candidate__Output)[];
  /**
   * Filled only when explain was asked.
   */
  'skipped': (_cairn_v1_Skipped__Output)[];
  /**
   * The registry position the route was computed at.
   */
  'revision': (number);
  'epoch': (number);
  /**
   * True when explain was asked (so an empty skipped list means "nothing
   * skipped", not "not asked").
   */
  'explained': (boolean);
  /**
   * How the type's health-threshold spill (SPEC 13) shaped the route.
   * Filled only when explain was asked and the type's min_healthy is above 0.
   */
  'spill': (_cairn_v1_Spill__Output | null);
}
