// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface SetMaintenanceRequest {
  'id'?: (string);
  'maintenance'?: (boolean);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface SetMaintenanceRequest__Output {
  'id': (string);
  'maintenance': (boolean);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
