// Original file: cairn/v1/registry.proto

import type { AgentView as _cairn_v1_AgentView, AgentView__Output as _cairn_v1_AgentView__Output } from '../../cairn/v1/AgentView.js';
import type { Long } from '@grpc/proto-loader';

export interface ListAgentsReply {
  /**
   * Sorted by host id; every registered host, heard or not.
   */
  'agents'?: (_cairn_v1_AgentView)[];
  /**
   * The primary's committed revision, that `lag` is measured against.
   */
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
}

export interface ListAgentsReply__Output {
  /**
   * Sorted by host id; every registered host, heard or not.
   */
  'agents': (_cairn_v1_AgentView__Output)[];
  /**
   * The primary's committed revision, that `lag` is measured against.
   */
  'revision': (number);
  'epoch': (number);
}
