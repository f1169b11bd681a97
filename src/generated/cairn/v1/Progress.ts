// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Keep-alive with the server's current position, sent when the stream has
 * been idle for a while. A watcher behind it knows more changes are coming.
 */
export interface Progress {
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
  /**
   * The primary the server knows of (itself on a primary), so that a watcher
   * of a backup knows where to send heartbeats.
   */
  'primary_host'?: (string);
  'primary_address'?: (string);
  /**
   * To a backup following the primary only: the revision readers may see (K
   * backups hold it on disk), and K (--sync-backups). A backup shows its own
   * readers a change only once the primary has committed it; with K = 0 at
   * once. Sent again each time the commit point moves.
   */
  'committed_revision'?: (number | string | Long);
  'sync_backups'?: (number);
}

/**
 * Keep-alive with the server's current position, sent when the stream has
 * been idle for a while. A watcher behind it knows more changes are coming.
 */
export interface Progress__Output {
  'epoch': (number);
  'revision': (number);
  'digest': (Buffer);
  /**
   * The primary the server knows of (itself on a primary), so that a watcher
   * of a backup knows where to send heartbeats.
   */
  'primary_host': (string);
  'primary_address': (string);
  /**
   * To a backup following the primary only: the revision readers may see (K
   * backups hold it on disk), and K (--sync-backups). A backup shows its own
   * readers a change only once the primary has committed it; with K = 0 at
   * once. Sent again each time the commit point moves.
   */
  'committed_revision': (number);
  'sync_backups': (number);
}
