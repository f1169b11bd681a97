import {
  emptyRegistry,
  newHost,
  newPackage,
  parentPath,
  type HostRecord,
  type PackageRecord,
  type Policy,
  type Registry,
} from "../../src/registry/model.js";

export interface HostSpec extends Partial<Omit<HostRecord, "packages">> {
  packages?: (Partial<PackageRecord> & { type: string; port?: number })[];
}

/**
 * A registry from a compact description; every parent domain is created. A
 * type named in `minHealthy` only is `ordered`.
 */
export function buildRegistry(
  hosts: Record<string, HostSpec & { domain: string }>,
  policies: Record<string, Policy> = {},
  minHealthy: Record<string, number> = {},
): Registry {
  const registry = emptyRegistry();
  for (const [id, spec] of Object.entries(hosts)) {
    for (let path: string | undefined = spec.domain; path; path = parentPath(path)) {
      registry.domains.set(path, { path });
    }
    const packages = (spec.packages ?? [])
      .map((p, i) => newPackage(p.type, p.port ?? 7000 + i, p))
      .sort((a, b) => (a.type < b.type ? -1 : 1));
    registry.hosts.set(id, newHost(id, spec.domain, { ...spec, packages }));
  }
  for (const [name, policy] of Object.entries(policies)) registry.types.set(name, { name, policy });
  for (const [name, f] of Object.entries(minHealthy)) {
    registry.types.set(name, { name, policy: policies[name] ?? "ordered", minHealthy: f });
  }
  return registry;
}

export function markDown(registry: Registry, ...ids: string[]): void {
  for (const id of ids) registry.hosts.set(id, { ...registry.hosts.get(id)!, status: "down" });
}
