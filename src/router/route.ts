/** What a route is, as the router returns it and `cairn route --json` prints it. */

export type Tier = "local" | "domain" | "ancestor" | "elsewhere";

/** Tiers in route order; a route's tiers never decrease along this order. */
export const TIER_ORDER: Readonly<Record<Tier, number>> = { local: 0, domain: 1, ancestor: 2, elsewhere: 3 };

export interface RouteCandidate {
  host: string;
  domain: string;
  tier: Tier;
  endpoint: string;
}

export type SkipReason = "package withdrawn" | "host in maintenance" | "host down" | "package unhealthy";

export interface SkippedPackage {
  host: string;
  reason: SkipReason;
}

export interface Route {
  from: string;
  type: string;
  candidates: RouteCandidate[];
  /** Present when the route was asked for with an explanation. */
  skipped?: SkippedPackage[];
}
