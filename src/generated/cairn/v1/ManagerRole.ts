// Original file: cairn/v1/common.proto

/**
 * The role of a registry manager. UNSPECIFIED means "no role": the only valid
 * value on a package whose type is not "registry".
 */
export const ManagerRole = {
  MANAGER_ROLE_UNSPECIFIED: 'MANAGER_ROLE_UNSPECIFIED',
  MANAGER_ROLE_PRIMARY: 'MANAGER_ROLE_PRIMARY',
  MANAGER_ROLE_BACKUP: 'MANAGER_ROLE_BACKUP',
} as const;

/**
 * The role of a registry manager. UNSPECIFIED means "no role": the only valid
 * value on a package whose type is not "registry".
 */
export type ManagerRole =
  | 'MANAGER_ROLE_UNSPECIFIED'
  | 0
  | 'MANAGER_ROLE_PRIMARY'
  | 1
  | 'MANAGER_ROLE_BACKUP'
  | 2

/**
 * The role of a registry manager. UNSPECIFIED means "no role": the only valid
 * value on a package whose type is not "registry".
 */
export type ManagerRole__Output = typeof ManagerRole[keyof typeof ManagerRole]
