// Original file: cairn/v1/replication.proto

import type { SnapshotChunk as _cairn_v1_SnapshotChunk, SnapshotChunk__Output as _cairn_v1_SnapshotChunk__Output } from '../../cairn/v1/SnapshotChunk.js';
import type { Change as _cairn_v1_Change, Change__Output as _cairn_v1_Change__Output } from '../../cairn/v1/Change.js';
import type { Progress as _cairn_v1_Progress, Progress__Output as _cairn_v1_Progress__Output } from '../../cairn/v1/Progress.js';

/**
 * The server starts with a snapshot (chunks 0..last, then changes after the
 * snapshot's revision) when it cannot continue the watcher's history: its log
 * no longer holds from_revision, the epochs or digests at from_revision
 * disagree, from_revision is ahead of the server, or cluster_id differs.
 * Otherwise it starts with change from_revision + 1. Every change carries its
 * digest; a watcher that computes another digest rewatches from 0.
 */
export interface WatchEvent {
  'snapshot'?: (_cairn_v1_SnapshotChunk | null);
  'change'?: (_cairn_v1_Change | null);
  'progress'?: (_cairn_v1_Progress | null);
  'event'?: "snapshot"|"change"|"progress";
}

/**
 * The server starts with a snapshot (chunks 0..last, then changes after the
 * snapshot's revision) when it cannot continue the watcher's history: its log
 * no longer holds from_revision, the epochs or digests at from_revision
 * disagree, from_revision is ahead of the server, or cluster_id differs.
 * Otherwise it starts with change from_revision + 1. Every change carries its
 * digest; a watcher that computes another digest rewatches from 0.
 */
export interface WatchEvent__Output {
  'snapshot'?: (_cairn_v1_SnapshotChunk__Output | null);
  'change'?: (_cairn_v1_Change__Output | null);
  'progress'?: (_cairn_v1_Progress__Output | null);
  'event'?: "snapshot"|"change"|"progress";
}
