// Original file: cairn/v1/registry.proto

import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from '../../cairn/v1/Host.js';
import type { Long } from '@grpc/proto-loader';

export interface GetHostReply {
  'host'?: (_cairn_v1_Host | null);
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
}

export interface GetHostReply__Output {
  'host': (_cairn_v1_Host__Output | null);
  'revision': (number);
  'epoch': (number);
}
