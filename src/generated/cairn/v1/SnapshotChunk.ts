// Original file: cairn/v1/common.proto

import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from '../../cairn/v1/Domain.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from '../../cairn/v1/Host.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from '../../cairn/v1/TypeSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * A piece of a whole-registry snapshot (Replication.Watch, Registry.Export).
 * A reader collects chunks index 0, 1, ... and applies them as one atomic
 * replacement once it has the chunk with last = true; epoch, revision, digest
 * and cluster_id are the same in every chunk of one snapshot. Domains come
 * before the hosts that live in them (parents first); a chunk may carry any
 * mix of the three kinds.
 */
export interface SnapshotChunk {
  'epoch'?: (number | string | Long);
  'revision'?: (number | string | Long);
  /**
   * State digest at revision: the reader checks it after applying.
   */
  'digest'?: (Buffer | Uint8Array | string);
  'domains'?: (_cairn_v1_Domain)[];
  'hosts'?: (_cairn_v1_Host)[];
  'types'?: (_cairn_v1_TypeSpec)[];
  /**
   * 0-based position of this chunk in the snapshot.
   */
  'index'?: (number);
  'last'?: (boolean);
  /**
   * Identity of the registry, minted at bootstrap; the same on every manager
   * of one cluster.
   */
  'cluster_id'?: (string);
}

/**
 * A piece of a whole-registry snapshot (Replication.Watch, Registry.Export).
 * A reader collects chunks index 0, 1, ... and applies them as one atomic
 * replacement once it has the chunk with last = true; epoch, revision, digest
 * and cluster_id are the same in every chunk of one snapshot. Domains come
 * before the hosts that live in them (parents first); a chunk may carry any
 * mix of the three kinds.
 */
export interface SnapshotChunk__Output {
  'epoch': (number);
  'revision': (number);
  /**
   * State digest at revision: the reader checks it after applying.
   */
  'digest': (Buffer);
  'domains': (_cairn_v1_Domain__Output)[];
  'hosts': (_cairn_v1_Host__Output)[];
  'types': (_cairn_v1_TypeSpec__Output)[];
  /**
   * 0-based position of this chunk in the snapshot.
   */
  'index': (number);
  'last': (boolean);
  /**
   * Identity of the registry, minted at bootstrap; the same on every manager
   * of one cluster.
   */
  'cluster_id': (string);
}
