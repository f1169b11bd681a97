/** Records as mutations write them: always new objects, packages sorted by type, labels by key. */

import { canonicalCheck, sameCheck } from "../../registry/checks.js";
import { compareStrings, newPackage } from "../../registry/model.js";
import type { HostRecord, PackageRecord, PackageSpec, TypeRecord } from "../../registry/model.js";

export function packageFromSpec(spec: PackageSpec): PackageRecord {
  const pkg = newPackage(spec.type, spec.port, {
    priority: spec.priority ?? 0,
    state: spec.state ?? "enabled",
    health: spec.health ?? "healthy",
  });
  if (spec.role !== undefined) pkg.role = spec.role;
  if (spec.check !== undefined) pkg.check = canonicalCheck(spec.check);
  return pkg;
}

/** The host with `pkg` added or replacing the package of its type, packages kept sorted by type. */
export function withPackage(host: HostRecord, pkg: PackageRecord): HostRecord {
  return { ...host, packages: sortPackages([...host.packages.filter((p) => p.type !== pkg.type), pkg]) };
}

export function sortPackages(packages: PackageRecord[]): PackageRecord[] {
  return packages.sort((a, b) => compareStrings(a.type, b.type));
}

/** Labels with their keys in code-unit order, so equal label sets build equal records. */
export function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** A copy of an imported host in the form mutations write: labels and packages sorted, no `role: undefined`. */
export function canonicalHost(host: HostRecord): HostRecord {
  const packages = host.packages.map((p) => {
    const pkg: PackageRecord = { type: p.type, port: p.port, priority: p.priority, state: p.state, health: p.health };
    if (p.role !== undefined) pkg.role = p.role;
    if (p.check !== undefined) pkg.check = canonicalCheck(p.check);
    return pkg;
  });
  return { ...host, labels: sortedLabels(host.labels), packages: sortPackages(packages) };
}

export function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

export function samePackage(a: PackageRecord, b: PackageRecord): boolean {
  return (
    a.type === b.type &&
    a.port === b.port &&
    a.priority === b.priority &&
    a.state === b.state &&
    a.health === b.health &&
    a.role === b.role &&
    sameCheck(a.check, b.check)
  );
}

/** A type record in the form mutations write: no `minHealthy: undefined`. */
export function canonicalType(type: TypeRecord): TypeRecord {
  const out: TypeRecord = { name: type.name, policy: type.policy };
  if (type.minHealthy !== undefined) out.minHealthy = type.minHealthy;
  return out;
}

export function sameType(a: TypeRecord | undefined, b: TypeRecord): boolean {
  return a !== undefined && a.name === b.name && a.policy === b.policy && a.minHealthy === b.minHealthy;
}

export function sameHost(a: HostRecord, b: HostRecord): boolean {
  return (
    a.id === b.id &&
    a.domain === b.domain &&
    a.address === b.address &&
    a.maintenance === b.maintenance &&
    a.status === b.status &&
    sameLabels(a.labels, b.labels) &&
    a.packages.length === b.packages.length &&
    a.packages.every((p, i) => samePackage(p, b.packages[i]!))
  );
}
