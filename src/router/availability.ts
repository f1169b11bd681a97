import type { HostRecord, PackageRecord } from "../registry/model.js";
import type { SkipReason } from "./route.js";

/**
 * Why a package cannot take calls, or undefined when it is available
 * (SPEC 4). When several reasons hold, the operator's own decisions are named
 * first: they explain the others.
 */
export function unavailableReason(host: HostRecord, pkg: PackageRecord): SkipReason | undefined {
  if (pkg.state !== "enabled") return "package withdrawn";
  if (host.maintenance) return "host in maintenance";
  if (host.status === "down") return "host down";
  if (pkg.health !== "healthy") return "package unhealthy";
  return undefined;
}

export function isAvailable(host: HostRecord, pkg: PackageRecord): boolean {
  return unavailableReason(host, pkg) === undefined;
}
