// Original file: cairn/v1/common.proto

/**
 * UNSPECIFIED reads as ENABLED.
 */
export const PackageState = {
  PACKAGE_STATE_UNSPECIFIED: 'PACKAGE_STATE_UNSPECIFIED',
  PACKAGE_STATE_ENABLED: 'PACKAGE_STATE_ENABLED',
  /**
   * Kept in the registry but out of every route until restored.
   */
  PACKAGE_STATE_WITHDRAWN: 'PACKAGE_STATE_WITHDRAWN',
} as const;

/**
 * UNSPECIFIED reads as ENABLED.
 */
export type PackageState =
  | 'PACKAGE_STATE_UNSPECIFIED'
  | 0
  | 'PACKAGE_STATE_ENABLED'
  | 1
  /**
   * Kept in the registry but out of every route until restored.
   */
  | 'PACKAGE_STATE_WITHDRAWN'
  | 2

/**
 * UNSPECIFIED reads as ENABLED.
 */
export type PackageState__Output = typeof PackageState[keyof typeof PackageState]
