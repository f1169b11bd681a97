// Original file: cairn/v1/common.proto

/**
 * Per manager type, registry-wide (SPEC section 4). UNSPECIFIED reads as
 * ORDERED.
 */
export const Policy = {
  POLICY_UNSPECIFIED: 'POLICY_UNSPECIFIED',
  /**
   * Hot spares: every agent prefers the same manager.
   */
  POLICY_ORDERED: 'POLICY_ORDERED',
  /**
   * Load shared among equals by rendezvous hashing.
   */
  POLICY_SPREAD: 'POLICY_SPREAD',
} as const;

/**
 * Per manager type, registry-wide (SPEC section 4). UNSPECIFIED reads as
 * ORDERED.
 */
export type Policy =
  | 'POLICY_UNSPECIFIED'
  | 0
  /**
   * Hot spares: every agent prefers the same manager.
   */
  | 'POLICY_ORDERED'
  | 1
  /**
   * Load shared among equals by rendezvous hashing.
   */
  | 'POLICY_SPREAD'
  | 2

/**
 * Per manager type, registry-wide (SPEC section 4). UNSPECIFIED reads as
 * ORDERED.
 */
export type Policy__Output = typeof Policy[keyof typeof Policy]
