// Original file: cairn/v1/agent.proto

import type { EjectedManager as _cairn_v1_EjectedManager, EjectedManager__Output as _cairn_v1_EjectedManager__Output } from '../../cairn/v1/EjectedManager.js';
import type { Long } from '@grpc/proto-loader';

export interface AgentStatus {
  'host'?: (string);
  /**
   * The replica's position.
   */
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * The registry manager the agent watches now (empty when none).
   */
  'manager_host'?: (string);
  'manager_address'?: (string);
  /**
   * Revisions the replica is behind the manager's last known position.
   */
  'lag'?: (number | string | Long);
  /**
   * Whether the watch stream is open.
   */
  'connected'?: (boolean);
  'uptime_ms'?: (number | string | Long);
  'cluster_id'?: (string);
  /**
   * Name of the watch state machine's state, for people.
   */
  'watch_state'?: (string);
  /**
   * Hosts currently kept out of routes after a connection-level failure
   * (the hosts of `ejected`).
   */
  'suspects'?: (string)[];
  /**
   * The replica: "verified" (its digest checked, from disk or a manager),
   * "empty" (nothing yet), or "rebuilding" (what was on disk was damaged or
   * could not be verified; routes wait for a snapshot from a manager).
   */
  'replica'?: (string);
  /**
   * The managers routed calls pass over for now (SPEC 13), with the time left.
   */
  'ejected'?: (_cairn_v1_EjectedManager)[];
}

export interface AgentStatus__Output {
  'host': (string);
  /**
   * The replica's position.
   */
  'revision': (number);
  'epoch': (number);
  'digest': (Buffer);
  /**
   * The registry manager the agent watches now (empty when none).
   */
  'manager_host': (string);
  'manager_address': (string);
  /**
   * Revisions the replica is behind the manager's last known position.
   */
  'lag': (number);
  /**
   * Whether the watch stream is open.
   */
  'connected': (boolean);
  'uptime_ms': (number);
  'cluster_id': (string);
  /**
   * Name of the watch state machine's state, for people.
   */
  'watch_state': (string);
  /**
   * Hosts currently kept out of routes after a connection-level failure
   * (the hosts of `ejected`).
   */
  'suspects': (string)[];
  /**
   * The replica: "verified" (its digest checked, from disk or a manager),
   * "empty" (nothing yet), or "rebuilding" (what was on disk was damaged or
   * could not be verified; routes wait for a snapshot from a manager).
   */
  'replica': (string);
  /**
   * The managers routed calls pass over for now (SPEC 13), with the time left.
   */
  'ejected': (_cairn_v1_EjectedManager__Output)[];
}
