/** The writes of packages: deploy, withdraw, restore, remove. */

import { failedPrecondition } from "../../errors.js";
import { newPackage, packageOf } from "../../registry/model.js";
import type { ManagerRole, PackageCheck, PackageRecord, PackageState } from "../../registry/model.js";
import { canonicalCheck } from "../../registry/checks.js";
import { MAX_PACKAGES_PER_HOST, hostIdProblem } from "../../registry/names.js";
import { type Mutation } from "./mutation.js";
import { Problems, packageSpecProblems, requireHost, requirePackage } from "./problems.js";
import { samePackage, withPackage } from "./records.js";

export interface DeployOptions {
  /** Undefined: 0 for a new package, unchanged for an existing one. */
  priority?: number;
  /** Only for type `registry`. Undefined: none for a new package, unchanged for an existing one. */
  role?: ManagerRole;
  /**
   * Undefined: the default check, whatever the package had. A deploy says
   * how the package is to be checked, as it says its port; it does not
   * patch the check it had (a partial check could not say which fields to keep).
   */
  check?: PackageCheck;
}

/**
 * Deploys a package of `type` on `hostId` (enabled and healthy), or updates
 * the port, priority, role and check of the one it has (its state and
 * health are kept).
 */
export function deployPackage(hostId: string, type: string, port: number, options: DeployOptions = {}): Mutation {
  return (state) => {
    const { priority, role, check } = options;
    const problems = new Problems();
    problems.add(hostIdProblem(hostId), ...packageSpecProblems({ type, port, priority, role, check }));
    problems.throwIfAny();
    const host = requireHost(state, hostId);
    const existing = packageOf(host, type);
    if (!existing && host.packages.length >= MAX_PACKAGES_PER_HOST) {
      throw failedPrecondition(
        `host "${hostId}" already carries ${host.packages.length} packages, the most a host may carry; remove one first`,
      );
    }
    const pkg: PackageRecord = existing
      ? { ...existing, port, priority: priority ?? existing.priority }
      : newPackage(type, port, { priority: priority ?? 0 });
    if (role !== undefined) pkg.role = role;
    if (check !== undefined) pkg.check = canonicalCheck(check);
    else delete pkg.check;
    if (existing && samePackage(existing, pkg)) return [];
    return [{ kind: "put-host", host: withPackage(host, pkg) }];
  };
}

/** Takes a package out of every route, keeping it in the registry. */
export function withdrawPackage(hostId: string, type: string): Mutation {
  return setPackageState(hostId, type, "withdrawn");
}

/** Undoes `withdrawPackage`. */
export function restorePackage(hostId: string, type: string): Mutation {
  return setPackageState(hostId, type, "enabled");
}

function setPackageState(hostId: string, type: string, packageState: PackageState): Mutation {
  return (state) => {
    const { host, pkg } = requirePackage(state, hostId, type);
    if (pkg.state === packageState) return [];
    return [{ kind: "put-host", host: withPackage(host, { ...pkg, state: packageState }) }];
  };
}

export function removePackage(hostId: string, type: string): Mutation {
  return (state) => {
    const { host } = requirePackage(state, hostId, type);
    return [{ kind: "put-host", host: { ...host, packages: host.packages.filter((p) => p.type !== type) } }];
  };
}
