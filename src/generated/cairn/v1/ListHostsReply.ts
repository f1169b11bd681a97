// Original file: cairn/v1/registry.proto

import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from '../../cairn/v1/Host.js';
import type { Long } from '@grpc/proto-loader';

export interface ListHostsReply {
  /**
   * Sorted by host id.
   */
  'hosts'?: (_cairn_v1_Host)[];
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
}

export interface ListHostsReply__Output {
  /**
   * Sorted by host id.
   */
  'hosts': (_cairn_v1_Host__Output)[];
  'revision': (number);
  'epoch': (number);
}
