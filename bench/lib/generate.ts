/**
 * A deterministic, realistic-looking registry for the benchmarks: a random
 * domain tree, hosts spread over every domain, a few manager types, and a
 * little of everything that makes a package unavailable. The same options
 * (seed included) give the same registry, host for host.
 *
 * Shared by the router, manager and agent benches (100,000 hosts in 10,000
 * domains, depth 8 is SPEC 10's size), so everything is a parameter.
 */
import {
  emptyRegistry,
  joinPath,
  newHost,
  newPackage,
  REGISTRY_TYPE,
  ROOT_PATH,
  type HostRecord,
  type Liveness,
  type PackageRecord,
  type Policy,
  type Registry,
} from "../../src/registry/model.js";
import { Rng } from "./rng.js";

export interface ManagerTypeSpec {
  /** The package type, e.g. `command-control`. */
  type: string;
  policy: Policy;
  port: number;
  /** How many hosts carry it: a fraction of all hosts (below 1) or an exact count (1 or more). */
  hosts: number;
}

export interface GenerateOptions {
  hosts: number;
  /** Number of domains, the root included. */
  domains: number;
  /** Depth of the deepest domain (the root is at depth 0); reached exactly, never exceeded. */
  maxDepth: number;
  seed: number;
  /** Default: `DEFAULT_MANAGER_TYPES`. */
  types?: readonly ManagerTypeSpec[];
  /** Fraction of hosts whose liveness is `down` (default 0.03). */
  down?: number;
  /** Fraction of hosts in maintenance (default 0.01). */
  maintenance?: number;
  /** Fraction of hosts whose liveness is `unknown` (default 0.02); the rest are `up`. */
  unknown?: number;
  /** Fraction of packages withdrawn (default 0.005). */
  withdrawn?: number;
  /** Fraction of packages unhealthy (default 0.005). */
  unhealthy?: number;
  /** Relative weights of priorities 0, 1, 2, … (default [6, 3, 1]). */
  priorityWeights?: readonly number[];
  /** Labels per host (default 2). */
  labelsPerHost?: number;
  /** `distinct`: 10.x.y.z per host (default); `loopback`: every host at 127.0.0.1. */
  addresses?: "distinct" | "loopback";
}

export const DEFAULT_MANAGER_TYPES: readonly ManagerTypeSpec[] = [
  { type: "command-control", policy: "ordered", port: 7600, hosts: 0.02 },
  { type: "log-collector", policy: "spread", port: 7700, hosts: 0.01 },
  { type: REGISTRY_TYPE, policy: "ordered", port: 7400, hosts: 20 },
];

/** SPEC 10's registry: 100,000 hosts in 10,000 domains, depth 8. */
export const SPEC_SIZE = { hosts: 100_000, domains: 10_000, maxDepth: 8 } as const;

const SEGMENT_WORDS = ["region", "site", "dc", "hall", "row", "rack", "zone", "pod", "cell", "lab"];
const LABEL_KEYS = ["os", "rack", "team", "tier", "arch"];
const LABEL_VALUES = ["linux", "bsd", "a", "b", "c", "web", "db", "batch", "x86_64", "arm64"];

export function hostId(i: number): string {
  return `host-${String(i).padStart(6, "0")}`;
}

/** The domain paths, parents before children, with every domain's depth. */
export function generateDomainTree(domains: number, maxDepth: number, rng: Rng): { paths: string[]; depths: number[] } {
  if (!Number.isInteger(domains) || domains < 1) throw new Error(`domains must be a positive integer, got ${domains}`);
  if (maxDepth < 0 || (maxDepth > 0 && domains - 1 < maxDepth)) {
    throw new Error(`cannot reach depth ${maxDepth} with ${domains} domains`);
  }
  if (maxDepth === 0 && domains > 1) throw new Error("maxDepth 0 allows only the root");
  const paths: string[] = [ROOT_PATH];
  const depths: number[] = [0];
  const childCount: number[] = [0];
  /** Indexes of domains that may still take children (depth < maxDepth). */
  const open: number[] = maxDepth > 0 ? [0] : [];

  const addChild = (parent: number): number => {
    const n = childCount[parent]!++;
    const segment = `${SEGMENT_WORDS[rng.int(SEGMENT_WORDS.length)]}-${n}`;
    const index = paths.length;
    paths.push(joinPath(paths[parent]!, segment));
    depths.push(depths[parent]! + 1);
    childCount.push(0);
    if (depths[index]! < maxDepth) open.push(index);
    return index;
  };

  // A first chain from the root so the deepest domain is exactly maxDepth;
  // every other domain picks a random parent among those above maxDepth.
  let chain = 0;
  for (let d = 0; d < maxDepth; d++) chain = addChild(chain);
  while (paths.length < domains) addChild(open[rng.int(open.length)]!);
  return { paths, depths };
}

/**
 * The registry for `options`. Host ids are `hostId(0)`, `hostId(1)`, …; which
 * hosts carry which packages is only in the registry itself.
 */
export function generateRegistry(options: GenerateOptions): Registry {
  const rng = new Rng(options.seed);
  const types = options.types ?? DEFAULT_MANAGER_TYPES;
  const priorityWeights = options.priorityWeights ?? [6, 3, 1];
  const labelsPerHost = options.labelsPerHost ?? 2;
  const distinct = (options.addresses ?? "distinct") === "distinct";
  const { hosts: hostCount } = options;
  if (!Number.isInteger(hostCount) || hostCount < 0) throw new Error(`hosts must be a non-negative integer, got ${hostCount}`);

  const registry = emptyRegistry();
  const { paths } = generateDomainTree(options.domains, options.maxDepth, rng.fork());
  for (const path of paths) registry.domains.set(path, { path });
  for (const t of types) registry.types.set(t.type, { name: t.type, policy: t.policy });

  // Hosts: one in every domain first (as far as hosts go), the rest anywhere.
  const hostRng = rng.fork();
  const hosts: HostRecord[] = [];
  for (let i = 0; i < hostCount; i++) {
    const domain = i < paths.length ? paths[i]! : paths[hostRng.int(paths.length)]!;
    const labels: Record<string, string> = {};
    for (let l = 0; l < Math.min(labelsPerHost, LABEL_KEYS.length); l++) {
      labels[LABEL_KEYS[l]!] = LABEL_VALUES[hostRng.int(LABEL_VALUES.length)]!;
    }
    const address = distinct ? `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}` : "127.0.0.1";
    hosts.push(newHost(hostId(i), domain, { address, labels, status: "up" }));
  }

  // Liveness and maintenance, each on an exact number of distinct hosts.
  const stateRng = rng.fork();
  const fractionOf = (f: number) => Math.round(f * hostCount);
  const down = fractionOf(options.down ?? 0.03);
  const unknown = fractionOf(options.unknown ?? 0.02);
  const statuses = stateRng.sample(hostCount, Math.min(hostCount, down + unknown));
  statuses.forEach((h, k) => setStatus(hosts, h, k < down ? "down" : "unknown"));
  for (const h of stateRng.sample(hostCount, Math.min(hostCount, fractionOf(options.maintenance ?? 0.01)))) {
    hosts[h]!.maintenance = true;
  }

  // Packages: each type on its own random set of hosts.
  const pkgRng = rng.fork();
  const withdrawn = options.withdrawn ?? 0.005;
  const unhealthy = options.unhealthy ?? 0.005;
  let registryManagers = 0;
  for (const t of types) {
    const count = Math.min(hostCount, t.hosts < 1 ? Math.round(t.hosts * hostCount) : Math.round(t.hosts));
    for (const h of pkgRng.sample(hostCount, count)) {
      const fields: Partial<PackageRecord> = { priority: pkgRng.weighted(priorityWeights) };
      if (pkgRng.chance(withdrawn)) fields.state = "withdrawn";
      else if (pkgRng.chance(unhealthy)) fields.health = "unhealthy";
      if (t.type === REGISTRY_TYPE) fields.role = registryManagers++ === 0 ? "primary" : "backup";
      hosts[h]!.packages.push(newPackage(t.type, t.port, fields));
    }
  }

  for (const host of hosts) {
    // SPEC's model keeps at most one package per type, sorted by type.
    if (host.packages.length > 1) host.packages.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    registry.hosts.set(host.id, host);
  }
  return registry;
}

function setStatus(hosts: HostRecord[], index: number, status: Liveness): void {
  hosts[index]!.status = status;
}

/** Counts that describe a registry, for the reports. */
export function describeRegistry(registry: Registry): Record<string, number | Record<string, number>> {
  const depthHistogram: Record<string, number> = {};
  let maxDepth = 0;
  for (const path of registry.domains.keys()) {
    const depth = path === ROOT_PATH ? 0 : path.split("/").length - 1;
    depthHistogram[depth] = (depthHistogram[depth] ?? 0) + 1;
    maxDepth = Math.max(maxDepth, depth);
  }
  const packages: Record<string, number> = {};
  let down = 0;
  let maintenance = 0;
  let withdrawn = 0;
  let unhealthy = 0;
  for (const host of registry.hosts.values()) {
    if (host.status === "down") down++;
    if (host.maintenance) maintenance++;
    for (const pkg of host.packages) {
      packages[pkg.type] = (packages[pkg.type] ?? 0) + 1;
      if (pkg.state === "withdrawn") withdrawn++;
      if (pkg.health === "unhealthy") unhealthy++;
    }
  }
  return {
    hosts: registry.hosts.size,
    domains: registry.domains.size,
    maxDepth,
    depthHistogram,
    packages,
    down,
    maintenance,
    withdrawn,
    unhealthy,
  };
}
