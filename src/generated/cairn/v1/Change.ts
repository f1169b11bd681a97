// Original file: cairn/v1/common.proto

import type { Op as _cairn_v1_Op, Op__Output as _cairn_v1_Op__Output } from '../../cairn/v1/Op.js';
import type { Long } from '@grpc/proto-loader';

/**
 * One committed change of the registry, as stored in the log and streamed to
 * replicas. Revisions are consecutive: change r+1 follows change r.
 */
export interface Change {
  /**
   * The primary's reign that committed this change.
   */
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * SHA-256 state digest (32 bytes) of the whole registry after this change:
   * order-independent over all entities, so a replica that applied the same
   * changes computes the same digest, and a mismatch proves divergence.
   */
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * Applied in order, atomically.
   */
  'ops'?: (_cairn_v1_Op)[];
  /**
   * Commit time on the primary, milliseconds since the Unix epoch.
   */
  'time_unix_ms'?: (number | string | Long);
  /**
   * Why the change happened, for people, as the CLI would say it: "host add
   * agent-1", "heartbeat from agent-2", "no heartbeat from agent-3", ...
   */
  'cause'?: (string);
}

/**
 * One committed change of the registry, as stored in the log and streamed to
 * replicas. Revisions are consecutive: change r+1 follows change r.
 */
export interface Change__Output {
  /**
   * The primary's reign that committed this change.
   */
  'epoch': (number);
  'revision': (number);
  /**
   * SHA-256 state digest (32 bytes) of the whole registry after this change:
   * order-independent over all entities, so a replica that applied the same
   * changes computes the same digest, and a mismatch proves divergence.
   */
  'digest': (Buffer);
  /**
   * Applied in order, atomically.
   */
  'ops': (_cairn_v1_Op__Output)[];
  /**
   * Commit time on the primary, milliseconds since the Unix epoch.
   */
  'time_unix_ms': (number);
  /**
   * Why the change happened, for people, as the CLI would say it: "host add
   * agent-1", "heartbeat from agent-2", "no heartbeat from agent-3", ...
   */
  'cause': (string);
}
