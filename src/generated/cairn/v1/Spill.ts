// Original file: cairn/v1/common.proto

import type { YieldedTier as _cairn_v1_YieldedTier, YieldedTier__Output as _cairn_v1_YieldedTier__Output } from '../../cairn/v1/YieldedTier.js';

/**
 * A route's health-threshold spill (SPEC 13). A tier is "local" (the origin
 * itself), the origin's domain, each of its ancestors, or "elsewhere" (all
 * other domains together); a tier yields when its share of available
 * packages is below min_healthy, and its managers move behind the next tier
 * that meets it (candidates keep their own tier names).
 */
export interface Spill {
  /**
   * The type's min_healthy, above 0 and at most 1.
   */
  'min_healthy'?: (number | string);
  /**
   * Every tier below min_healthy, in route order (on panic, every tier).
   */
  'yielded'?: (_cairn_v1_YieldedTier)[];
  /**
   * No tier met min_healthy: the route is the one of min_healthy 0.
   */
  'panic'?: (boolean);
  /**
   * On panic only, for people: "no tier has 50% available: routed as with
   * min_healthy 0". Empty otherwise.
   */
  'reason'?: (string);
}

/**
 * A route's health-threshold spill (SPEC 13). A tier is "local" (the origin
 * itself), the origin's domain, each of its ancestors, or "elsewhere" (all
 * other domains together); a tier yields when its share of available
 * packages is below min_healthy, and its managers move behind the next tier
 * that meets it (candidates keep their own tier names).
 */
export interface Spill__Output {
  /**
   * The type's min_healthy, above 0 and at most 1.
   */
  'min_healthy': (number);
  /**
   * Every tier below min_healthy, in route order (on panic, every tier).
   */
  'yielded': (_cairn_v1_YieldedTier__Output)[];
  /**
   * No tier met min_healthy: the route is the one of min_healthy 0.
   */
  'panic': (boolean);
  /**
   * On panic only, for people: "no tier has 50% available: routed as with
   * min_healthy 0". Empty otherwise.
   */
  'reason': (string);
}
