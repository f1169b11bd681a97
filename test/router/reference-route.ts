/**
 * SPEC section 4 written the slow, obvious way: every package of the type is
 * given a sort key from the rules as written, and the whole list is sorted.
 * The index must agree with it everywhere.
 */
import { isAvailable } from "../../src/router/availability.js";
import {
  comparePaths,
  endpointOf,
  packageOf,
  parentPath,
  pathSegments,
  policyOf,
  type Registry,
} from "../../src/registry/model.js";
import { rendezvousScore } from "../../src/router/rendezvous.js";
import type { RouteCandidate, Tier } from "../../src/router/route.js";

export function referenceRoute(registry: Registry, from: string, type: string): RouteCandidate[] {
  const origin = registry.hosts.get(from)!;
  const d = pathSegments(origin.domain);
  const policy = policyOf(registry, type);
  const rows = [...registry.hosts.values()].flatMap((host) => {
    const pkg = packageOf(host, type);
    if (!pkg || !isAvailable(host, pkg)) return [];
    const x = pathSegments(host.domain);
    let common = 0;
    while (common < Math.min(d.length, x.length) && d[common] === x[common]) common++;
    let tier: Tier;
    let rank: number;
    if (host.id === from) [tier, rank] = ["local", 0];
    else if (common === x.length) [tier, rank] = [x.length === d.length ? "domain" : "ancestor", 1 + d.length - x.length];
    else [tier, rank] = ["elsewhere", 1000 + d.length + x.length - 2 * common];
    return [{ host, pkg, tier, rank, lca: common, score: rendezvousScore(from, host.id) }];
  });
  rows.sort(
    (a, b) =>
      a.rank - b.rank ||
      (a.tier === "elsewhere" ? b.lca - a.lca : 0) ||
      comparePaths(a.host.domain, b.host.domain) ||
      a.pkg.priority - b.pkg.priority ||
      (policy === "spread" && a.score !== b.score ? (a.score > b.score ? -1 : 1) : 0) ||
      (a.host.id < b.host.id ? -1 : 1),
  );
  return rows.map((r) => ({
    host: r.host.id,
    domain: r.host.domain,
    tier: r.tier,
    endpoint: endpointOf(r.host.address, r.pkg.port),
  }));
}

/** One tier of SPEC 13 as the reference sees it: its name and its share's counts. */
export interface ReferenceTier {
  name: string;
  available: number;
  of: number;
}

/**
 * SPEC 13's spill written the slow way. Every package of the type is put in
 * its tier by path (the origin itself, its domain, each ancestor, or
 * elsewhere) and counted; each tier gets a target, its own place when it
 * meets F or when no later tier does, else the next tier that meets F; the
 * section-4 route is then sorted stably by (target, yielding after meeting).
 */
export function referenceSpill(
  registry: Registry,
  from: string,
  type: string,
): {
  candidates: RouteCandidate[];
  /** The tiers that are tiers (some package counts), in section-4 order. */
  tiers: ReferenceTier[];
  /** The names of the tiers that meet F (all of them when F = 0). */
  meeting: Set<string>;
  /** The spill tier name of a candidate: "local", a domain path or "elsewhere". */
  tierOf: (c: RouteCandidate) => string;
  minHealthy: number;
} {
  const minHealthy = registry.types.get(type)?.minHealthy ?? 0;
  const origin = registry.hosts.get(from)!;
  const chain: string[] = [];
  for (let p: string | undefined = origin.domain; p !== undefined; p = parentPath(p)) chain.push(p);
  const names = ["local", ...chain, "elsewhere"];
  const tierOf = (hostId: string, domain: string) => (hostId === from ? "local" : chain.includes(domain) ? domain : "elsewhere");
  const counts = new Map(names.map((n) => [n, { available: 0, of: 0 }]));
  for (const host of registry.hosts.values()) {
    const pkg = packageOf(host, type);
    if (!pkg || pkg.state !== "enabled" || host.maintenance) continue;
    const c = counts.get(tierOf(host.id, host.domain))!;
    c.of++;
    if (isAvailable(host, pkg)) c.available++;
  }
  const tiers = names.filter((n) => counts.get(n)!.of > 0).map((n) => ({ name: n, ...counts.get(n)! }));
  const meeting = new Set(minHealthy > 0 ? tiers.filter((t) => t.available / t.of >= minHealthy).map((t) => t.name) : tiers.map((t) => t.name));
  const target = new Map(
    tiers.map((t, i) => {
      if (meeting.has(t.name)) return [t.name, i];
      const next = tiers.findIndex((u, j) => j > i && meeting.has(u.name));
      return [t.name, next < 0 ? i : next];
    }),
  );
  const base = referenceRoute(registry, from, type).map((c, i) => ({ c, i, tier: tierOf(c.host, c.domain) }));
  base.sort(
    (a, b) =>
      target.get(a.tier)! - target.get(b.tier)! ||
      Number(!meeting.has(a.tier)) - Number(!meeting.has(b.tier)) ||
      a.i - b.i,
  );
  return { candidates: base.map((b) => b.c), tiers, meeting, tierOf: (c) => tierOf(c.host, c.domain), minHealthy };
}
