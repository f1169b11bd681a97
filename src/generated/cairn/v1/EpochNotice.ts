// Original file: cairn/v1/replication.proto

import type { Long } from '@grpc/proto-loader';

export interface EpochNotice {
  'epoch'?: (number | string | Long);
  'primary_host'?: (string);
  'primary_address'?: (string);
}

export interface EpochNotice__Output {
  'epoch': (number);
  'primary_host': (string);
  'primary_address': (string);
}
