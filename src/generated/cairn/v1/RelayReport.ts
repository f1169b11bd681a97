// Original file: cairn/v1/replication.proto

import type { RelayedPulse as _cairn_v1_RelayedPulse, RelayedPulse__Output as _cairn_v1_RelayedPulse__Output } from '../../cairn/v1/RelayedPulse.js';
import type { Long } from '@grpc/proto-loader';

export interface RelayReport {
  /**
   * The relay's own host id. Agents are sent to the address of its
   * registry package, not to one a report could claim.
   */
  'host'?: (string);
  /**
   * The highest epoch the relay has seen (fencing).
   */
  'epoch'?: (number | string | Long);
  'pulses'?: (_cairn_v1_RelayedPulse)[];
}

export interface RelayReport__Output {
  /**
   * The relay's own host id. Agents are sent to the address of its
   * registry package, not to one a report could claim.
   */
  'host': (string);
  /**
   * The highest epoch the relay has seen (fencing).
   */
  'epoch': (number);
  'pulses': (_cairn_v1_RelayedPulse__Output)[];
}
