// Original file: cairn/v1/common.proto

import type { CheckKind as _cairn_v1_CheckKind, CheckKind__Output as _cairn_v1_CheckKind__Output } from '../../cairn/v1/CheckKind.js';

/**
 * A package's health check. Health turns unhealthy after `fall` failures in
 * a row and healthy after `rise` successes in a row.
 */
export interface PackageCheck {
  'kind'?: (_cairn_v1_CheckKind);
  /**
   * 1 ms to 1 h; 0 is INVALID_ARGUMENT in a request.
   */
  'interval_ms'?: (number);
  'timeout_ms'?: (number);
  /**
   * 1..1000.
   */
  'rise'?: (number);
  'fall'?: (number);
  /**
   * HTTP only; absent means "/healthz".
   */
  'path'?: (string);
  /**
   * GRPC only: the grpc.health.v1 service asked; absent means "" (the whole
   * server).
   */
  'service'?: (string);
  /**
   * EXEC only, and required there: argv, run without a shell.
   */
  'command'?: (string)[];
  '_path'?: "path";
  '_service'?: "service";
}

/**
 * A package's health check. Health turns unhealthy after `fall` failures in
 * a row and healthy after `rise` successes in a row.
 */
export interface PackageCheck__Output {
  'kind': (_cairn_v1_CheckKind__Output);
  /**
   * 1 ms to 1 h; 0 is INVALID_ARGUMENT in a request.
   */
  'interval_ms': (number);
  'timeout_ms': (number);
  /**
   * 1..1000.
   */
  'rise': (number);
  'fall': (number);
  /**
   * HTTP only; absent means "/healthz".
   */
  'path'?: (string);
  /**
   * GRPC only: the grpc.health.v1 service asked; absent means "" (the whole
   * server).
   */
  'service'?: (string);
  /**
   * EXEC only, and required there: argv, run without a shell.
   */
  'command': (string)[];
  '_path'?: "path";
  '_service'?: "service";
}
