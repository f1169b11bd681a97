// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface HeartbeatReply {
  /**
   * The receiver's epoch.
   */
  'epoch'?: (number | string | Long);
  /**
   * The primary; when the receiver is not it, the heartbeat was not
   * recorded and the sender should send the next one there.
   */
  'primary_host'?: (string);
  'primary_address'?: (string);
  /**
   * How often to heartbeat, and after how long without one the host is
   * marked down.
   */
  'interval_ms'?: (number);
  'down_after_ms'?: (number);
  /**
   * False when the receiver is not the primary (or just stepped down).
   */
  'recorded'?: (boolean);
  'cluster_id'?: (string);
  /**
   * In a session's reply only: the backup that relays this host's pulses
   * (the nearest on its registry route that reports to this primary);
   * empty when the agent pulses here.
   */
  'relay_host'?: (string);
  'relay_address'?: (string);
}

export interface HeartbeatReply__Output {
  /**
   * The receiver's epoch.
   */
  'epoch': (number);
  /**
   * The primary; when the receiver is not it, the heartbeat was not
   * recorded and the sender should send the next one there.
   */
  'primary_host': (string);
  'primary_address': (string);
  /**
   * How often to heartbeat, and after how long without one the host is
   * marked down.
   */
  'interval_ms': (number);
  'down_after_ms': (number);
  /**
   * False when the receiver is not the primary (or just stepped down).
   */
  'recorded': (boolean);
  'cluster_id': (string);
  /**
   * In a session's reply only: the backup that relays this host's pulses
   * (the nearest on its registry route that reports to this primary);
   * empty when the agent pulses here.
   */
  'relay_host': (string);
  'relay_address': (string);
}
