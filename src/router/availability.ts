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

/**
 * True when the package counts in its tier's share of a health-threshold
 * spill (SPEC 13): enabled, on a host not in maintenance. A down host or an
 * unhealthy package counts (it is what the share measures); a withdrawn
 * package or a host in maintenance is an operator's decision and does not.
 */
export function countsInShare(host: HostRecord, pkg: PackageRecord): boolean {
  return pkg.state === "enabled" && !host.maintenance;
}
