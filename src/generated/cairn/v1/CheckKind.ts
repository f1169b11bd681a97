// Original file: cairn/v1/common.proto

/**
 * How the agent of a package's host checks it (SPEC 13). UNSPECIFIED reads
 * as TCP.
 */
export const CheckKind = {
  CHECK_KIND_UNSPECIFIED: 'CHECK_KIND_UNSPECIFIED',
  /**
   * Something accepts TCP connections on the port (a stopped process's
   * kernel still does).
   */
  CHECK_KIND_TCP: 'CHECK_KIND_TCP',
  /**
   * grpc.health.v1.Health/Check answers SERVING.
   */
  CHECK_KIND_GRPC: 'CHECK_KIND_GRPC',
  /**
   * GET path answers 2xx.
   */
  CHECK_KIND_HTTP: 'CHECK_KIND_HTTP',
  /**
   * The command exits 0.
   */
  CHECK_KIND_EXEC: 'CHECK_KIND_EXEC',
} as const;

/**
 * How the agent of a package's host checks it (SPEC 13). UNSPECIFIED reads
 * as TCP.
 */
export type CheckKind =
  | 'CHECK_KIND_UNSPECIFIED'
  | 0
  /**
   * Something accepts TCP connections on the port (a stopped process's
   * kernel still does).
   */
  | 'CHECK_KIND_TCP'
  | 1
  /**
   * grpc.health.v1.Health/Check answers SERVING.
   */
  | 'CHECK_KIND_GRPC'
  | 2
  /**
   * GET path answers 2xx.
   */
  | 'CHECK_KIND_HTTP'
  | 3
  /**
   * The command exits 0.
   */
  | 'CHECK_KIND_EXEC'
  | 4

/**
 * How the agent of a package's host checks it (SPEC 13). UNSPECIFIED reads
 * as TCP.
 */
export type CheckKind__Output = typeof CheckKind[keyof typeof CheckKind]
