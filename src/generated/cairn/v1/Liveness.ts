// Original file: cairn/v1/common.proto

/**
 * A host's liveness as seen by the primary's heartbeat tracking.
 * UNSPECIFIED reads as UNKNOWN.
 */
export const Liveness = {
  LIVENESS_UNSPECIFIED: 'LIVENESS_UNSPECIFIED',
  /**
   * Never heard of since the registry learnt the host; routable.
   */
  LIVENESS_UNKNOWN: 'LIVENESS_UNKNOWN',
  LIVENESS_UP: 'LIVENESS_UP',
  /**
   * No heartbeat for --down-after; not routable.
   */
  LIVENESS_DOWN: 'LIVENESS_DOWN',
} as const;

/**
 * A host's liveness as seen by the primary's heartbeat tracking.
 * UNSPECIFIED reads as UNKNOWN.
 */
export type Liveness =
  | 'LIVENESS_UNSPECIFIED'
  | 0
  /**
   * Never heard of since the registry learnt the host; routable.
   */
  | 'LIVENESS_UNKNOWN'
  | 1
  | 'LIVENESS_UP'
  | 2
  /**
   * No heartbeat for --down-after; not routable.
   */
  | 'LIVENESS_DOWN'
  | 3

/**
 * A host's liveness as seen by the primary's heartbeat tracking.
 * UNSPECIFIED reads as UNKNOWN.
 */
export type Liveness__Output = typeof Liveness[keyof typeof Liveness]
