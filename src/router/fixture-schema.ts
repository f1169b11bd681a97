/**
 * The shape of a fixture file (SPEC section 3), as plain data: what
 * `registryToFixture` produces and what `parseFixture` accepts. Every optional
 * field defaults as the model's `newHost` / `newPackage` do, and the export
 * leaves defaults out.
 */

import type { Liveness, ManagerRole, PackageHealth, PackageState, Policy } from "./model.js";

export interface FixtureDocument {
  /** Registry-wide policy per manager type; types used only by packages need no entry. */
  types?: Record<string, FixtureType>;
  /** The domain `/`. */
  root: FixtureDomain;
}

export interface FixtureType {
  policy: Policy;
}

export interface FixtureDomain {
  hosts?: FixtureHost[];
  /** Keyed by path segment, not by full path: the tree is nested as drawn. */
  subdomains?: Record<string, FixtureDomain>;
}

export interface FixtureHost {
  id: string;
  address?: string;
  labels?: Record<string, string>;
  maintenance?: boolean;
  status?: Liveness;
  packages?: FixturePackage[];
}

export interface FixturePackage {
  type: string;
  port: number;
  priority?: number;
  state?: PackageState;
  health?: PackageHealth;
  /** Only for type `registry`. */
  role?: ManagerRole;
}

/** The keys each kind of mapping may hold, in the order the export writes them. */
export const DOCUMENT_KEYS = ["types", "root"] as const;
export const TYPE_KEYS = ["policy"] as const;
export const DOMAIN_KEYS = ["hosts", "subdomains"] as const;
export const HOST_KEYS = ["id", "address", "labels", "maintenance", "status", "packages"] as const;
export const PACKAGE_KEYS = ["type", "port", "priority", "state", "health", "role"] as const;

export const POLICIES: readonly Policy[] = ["ordered", "spread"];
export const LIVENESS_VALUES: readonly Liveness[] = ["up", "down", "unknown"];
export const PACKAGE_STATES: readonly PackageState[] = ["enabled", "withdrawn"];
export const PACKAGE_HEALTHS: readonly PackageHealth[] = ["healthy", "unhealthy"];
export const MANAGER_ROLES: readonly ManagerRole[] = ["primary", "backup"];
