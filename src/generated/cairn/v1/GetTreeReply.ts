// Original file: cairn/v1/registry.proto

import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from '../../cairn/v1/Domain.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from '../../cairn/v1/Host.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from '../../cairn/v1/TypeSpec.js';
import type { Long } from '@grpc/proto-loader';

/**
 * Everything needed to draw the tree: domains (parents first), hosts with
 * their liveness and packages, type policies.
 */
export interface GetTreeReply {
  'domains'?: (_cairn_v1_Domain)[];
  'hosts'?: (_cairn_v1_Host)[];
  'types'?: (_cairn_v1_TypeSpec)[];
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
  'digest'?: (Buffer | Uint8Array | string);
}

/**
 * Everything needed to draw the tree: domains (parents first), hosts with
 * their liveness and packages, type policies.
 */
export interface GetTreeReply__Output {
  'domains': (_cairn_v1_Domain__Output)[];
  'hosts': (_cairn_v1_Host__Output)[];
  'types': (_cairn_v1_TypeSpec__Output)[];
  'revision': (number);
  'epoch': (number);
  'digest': (Buffer);
}
