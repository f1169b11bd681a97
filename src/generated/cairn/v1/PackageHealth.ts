// Original file: cairn/v1/common.proto

/**
 * Reported by the host's agent. UNSPECIFIED reads as HEALTHY.
 */
export const PackageHealth = {
  PACKAGE_HEALTH_UNSPECIFIED: 'PACKAGE_HEALTH_UNSPECIFIED',
  PACKAGE_HEALTH_HEALTHY: 'PACKAGE_HEALTH_HEALTHY',
  PACKAGE_HEALTH_UNHEALTHY: 'PACKAGE_HEALTH_UNHEALTHY',
} as const;

/**
 * Reported by the host's agent. UNSPECIFIED reads as HEALTHY.
 */
export type PackageHealth =
  | 'PACKAGE_HEALTH_UNSPECIFIED'
  | 0
  | 'PACKAGE_HEALTH_HEALTHY'
  | 1
  | 'PACKAGE_HEALTH_UNHEALTHY'
  | 2

/**
 * Reported by the host's agent. UNSPECIFIED reads as HEALTHY.
 */
export type PackageHealth__Output = typeof PackageHealth[keyof typeof PackageHealth]
