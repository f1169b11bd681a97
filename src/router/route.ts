/**
 * What a route is: as the router returns it, as the wire carries it
 * (src/wire/convert.ts) and as `cairn route --json` prints it.
 */

/** The route tiers of SPEC section 4, by their JSON names, in route order. */
export const TIERS = ["local", "domain", "ancestor", "elsewhere"] as const;
export type Tier = (typeof TIERS)[number];

/** Tiers in route order; a route's tiers never decrease along this order. */
export const TIER_ORDER: Readonly<Record<Tier, number>> = { local: 0, domain: 1, ancestor: 2, elsewhere: 3 };

export interface RouteCandidate {
  host: string;
  domain: string;
  tier: Tier;
  /** "address:port" ("[v6]:port" for IPv6) to dial. */
  endpoint: string;
  /** The package's priority, when the route reports it. */
  priority?: number;
  /** 0 local, 1 domain, 1+k the k-th ancestor, then elsewhere, when the route reports it. */
  tierRank?: number;
}

/**
 * Why a package is out of a route, operator decisions first (see
 * availability.ts); `ejected` is an agent's own: a manager its calls passed
 * over after a failure, for a while (SPEC 13).
 */
export const SKIP_REASONS = ["package withdrawn", "host in maintenance", "host down", "package unhealthy", "ejected"] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface SkippedPackage {
  host: string;
  /** The package's domain, when the route reports it. */
  domain?: string;
  reason: SkipReason;
  /** For `ejected`: how much longer, before a health probe decides. */
  ejectedForMs?: number;
}

export interface Route {
  from: string;
  type: string;
  candidates: RouteCandidate[];
  /** Present when the route was asked for with an explanation. */
  skipped?: SkippedPackage[];
}

/** The registry position a route was computed at. */
export interface RoutePosition {
  revision: number;
  epoch: number;
}
