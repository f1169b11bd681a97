// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface RelayReply {
  /**
   * False when the receiver is not the primary; it names the one it knows.
   */
  'recorded'?: (boolean);
  'primary_host'?: (string);
  'primary_address'?: (string);
  'epoch'?: (number | string | Long);
  /**
   * Hosts whose relayed pulses the primary does not count (it holds no
   * whole heartbeat of theirs this reign, or has them down): the relay
   * answers their next pulse `relayed` false.
   */
  'whole'?: (string)[];
}

export interface RelayReply__Output {
  /**
   * False when the receiver is not the primary; it names the one it knows.
   */
  'recorded': (boolean);
  'primary_host': (string);
  'primary_address': (string);
  'epoch': (number);
  /**
   * Hosts whose relayed pulses the primary does not count (it holds no
   * whole heartbeat of theirs this reign, or has them down): the relay
   * answers their next pulse `relayed` false.
   */
  'whole': (string)[];
}
