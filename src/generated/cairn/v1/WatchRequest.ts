// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface WatchRequest {
  /**
   * The watcher's host id (for status and lag reporting).
   */
  'host'?: (string);
  /**
   * The last revision the watcher holds; the stream starts after it. 0 for
   * an empty replica.
   */
  'from_revision'?: (number | string | Long);
  /**
   * The epoch of the change at from_revision (0 with from_revision 0).
   */
  'epoch'?: (number | string | Long);
  /**
   * A backup manager following the log: listed in the primary's status and
   * expected to Ack.
   */
  'is_backup'?: (boolean);
  /**
   * The watcher's state digest at from_revision (may be empty).
   */
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * The cluster the watcher's replica came from; empty on first contact.
   */
  'cluster_id'?: (string);
  /**
   * The highest epoch the watcher has seen, for fencing (0: unknown).
   */
  'seen_epoch'?: (number | string | Long);
}

export interface WatchRequest__Output {
  /**
   * The watcher's host id (for status and lag reporting).
   */
  'host': (string);
  /**
   * The last revision the watcher holds; the stream starts after it. 0 for
   * an empty replica.
   */
  'from_revision': (number);
  /**
   * The epoch of the change at from_revision (0 with from_revision 0).
   */
  'epoch': (number);
  /**
   * A backup manager following the log: listed in the primary's status and
   * expected to Ack.
   */
  'is_backup': (boolean);
  /**
   * The watcher's state digest at from_revision (may be empty).
   */
  'digest': (Buffer);
  /**
   * The cluster the watcher's replica came from; empty on first contact.
   */
  'cluster_id': (string);
  /**
   * The highest epoch the watcher has seen, for fencing (0: unknown).
   */
  'seen_epoch': (number);
}
