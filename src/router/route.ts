/**
 * What a route is: as the router returns it, as the wire carries it
 * (src/wire/convert.ts) and as `cairn route --json` prints it.
 */

/** The route tiers of SPEC section 4, by their JSON names, in route order. */
export const TIERS = ["local", "domain", "ancestor", "elsewhere"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * Tiers in route order. With min_healthy 0 (the default) a route's tiers
 * never decrease along this order; a health-threshold spill (SPEC 13) is the
 * one thing that breaks it, by moving a yielding tier's managers (with their
 * own tier names) behind a later tier.
 */
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
  /** Present when the route was asked for with an explanation and its type's min_healthy is above 0. */
  spill?: Spill;
}

/**
 * How a health-threshold spill (SPEC 13) shaped a route. A tier is `local`
 * (the origin itself), the origin's domain, each of its ancestors, or
 * `elsewhere` (all other domains together); a tier with no enabled package of
 * the type outside maintenance is no tier.
 */
export interface Spill {
  /** The type's min_healthy, above 0 and at most 1. */
  minHealthy: number;
  /**
   * Every tier whose share is below `minHealthy`, in section-4 order. Those
   * before the last tier that meets it moved behind the next one that does;
   * those after it stayed where they were; on panic, all tiers.
   */
  yielded: YieldedTier[];
  /** No tier met `minHealthy`: the route is the one of min_healthy 0. */
  panic: boolean;
  /** On panic only: `no tier has 50% available: routed as with min_healthy 0`. */
  reason?: string;
}

export interface YieldedTier {
  /** "local", a domain path ("/subdomain-1"), or "elsewhere". */
  tier: string;
  /** Available packages of the type on the tier's hosts. */
  available: number;
  /** Enabled packages of the type on the tier's hosts that are not in maintenance (down or unhealthy count). */
  of: number;
  /** For people: `tier /subdomain-1: 1 of 3 available, below 50%`. */
  reason: string;
}

/** The registry position a route was computed at. */
export interface RoutePosition {
  revision: number;
  epoch: number;
}
