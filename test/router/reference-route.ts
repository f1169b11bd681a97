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
