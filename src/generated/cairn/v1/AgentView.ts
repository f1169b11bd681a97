// Original file: cairn/v1/registry.proto

import type { Liveness as _cairn_v1_Liveness, Liveness__Output as _cairn_v1_Liveness__Output } from '../../cairn/v1/Liveness.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One host's agent as the primary sees it. What it reported is of this
 * primary's reign only: a new primary has heard nobody yet.
 */
export interface AgentView {
  'host'?: (string);
  'domain'?: (string);
  /**
   * The host's liveness in the registry.
   */
  'liveness'?: (_cairn_v1_Liveness);
  /**
   * Milliseconds since the primary last heard the agent; absent when it
   * never has (this reign). 0 for the primary's own host.
   */
  'last_heartbeat_age_ms'?: (number | string | Long);
  /**
   * The replica revision the agent reported in its last heartbeat (0: never
   * heard); the primary's own host: the reply's revision.
   */
  'revision'?: (number | string | Long);
  /**
   * The reply's revision minus `revision` (0 when never heard).
   */
  'lag'?: (number | string | Long);
  /**
   * The host id of the registry manager the agent watches, as it reported it
   * (empty: unknown, or connected to none); the primary's own: itself.
   */
  'watching'?: (string);
  '_last_heartbeat_age_ms'?: "last_heartbeat_age_ms";
}

/**
 * One host's agent as the primary sees it. What it reported is of this
 * primary's reign only: a new primary has heard nobody yet.
 */
export interface AgentView__Output {
  'host': (string);
  'domain': (string);
  /**
   * The host's liveness in the registry.
   */
  'liveness': (_cairn_v1_Liveness__Output);
  /**
   * Milliseconds since the primary last heard the agent; absent when it
   * never has (this reign). 0 for the primary's own host.
   */
  'last_heartbeat_age_ms'?: (number);
  /**
   * The replica revision the agent reported in its last heartbeat (0: never
   * heard); the primary's own host: the reply's revision.
   */
  'revision': (number);
  /**
   * The reply's revision minus `revision` (0 when never heard).
   */
  'lag': (number);
  /**
   * The host id of the registry manager the agent watches, as it reported it
   * (empty: unknown, or connected to none); the primary's own: itself.
   */
  'watching': (string);
  '_last_heartbeat_age_ms'?: "last_heartbeat_age_ms";
}
