// Original file: cairn/v1/registry.proto

import type { DomainSummary as _cairn_v1_DomainSummary, DomainSummary__Output as _cairn_v1_DomainSummary__Output } from '../../cairn/v1/DomainSummary.js';
import type { Long } from '@grpc/proto-loader';

export interface ListDomainsReply {
  /**
   * Parents before children (segment-by-segment path order).
   */
  'domains'?: (_cairn_v1_DomainSummary)[];
  'revision'?: (number | string | Long);
  'epoch'?: (number | string | Long);
}

export interface ListDomainsReply__Output {
  /**
   * Parents before children (segment-by-segment path order).
   */
  'domains': (_cairn_v1_DomainSummary__Output)[];
  'revision': (number);
  'epoch': (number);
}
