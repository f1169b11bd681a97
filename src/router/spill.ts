import type { Spill, YieldedTier } from "./route.js";

/**
 * The health-threshold spill of SPEC 13, on tiers already cut out of a
 * section-4 route: pure, so it is tested apart from the index.
 */

/** One tier of a route from one origin, as the spill weighs it. */
export interface WeighedTier<T> {
  /** "local", a domain path, or "elsewhere". */
  name: string;
  /** The tier's available managers, in section-4 order: the share's numerator is their count. */
  members: readonly T[];
  /**
   * Enabled packages of the type on the tier's hosts that are not in
   * maintenance, available or not: the share's denominator. 0 makes the tier
   * no tier.
   */
  of: number;
}

/** A tier with `available` of `of` (> 0) packages meets `minHealthy`; a share equal to it does. */
export function meets(available: number, of: number, minHealthy: number): boolean {
  return available / of >= minHealthy;
}

/**
 * The route of `tiers` (section-4 order) under `minHealthy` (> 0): each tier
 * below it yields, its members moving, in their own order, right behind the
 * next tier that meets it; tiers after the last meeting tier stay where they
 * are. When no tier meets it (panic) that leaves the section-4 order as it is.
 */
export function spillRoute<T>(tiers: readonly WeighedTier<T>[], minHealthy: number): { order: T[]; spill: Spill } {
  const order: T[] = [];
  let waiting: T[] = [];
  const yielded: YieldedTier[] = [];
  let met = false;
  for (const tier of tiers) {
    if (tier.of <= 0) continue;
    const available = tier.members.length;
    if (meets(available, tier.of, minHealthy)) {
      met = true;
      for (const m of tier.members) order.push(m);
      for (const m of waiting) order.push(m);
      waiting = [];
    } else {
      yielded.push({ tier: tier.name, available, of: tier.of, reason: yieldReason(tier.name, available, tier.of, minHealthy) });
      for (const m of tier.members) waiting.push(m);
    }
  }
  for (const m of waiting) order.push(m);
  const spill: Spill = { minHealthy, yielded, panic: !met };
  if (!met) spill.reason = panicReason(minHealthy);
  return { order, spill };
}

/** `tier /subdomain-1: 1 of 3 available, below 50%`. */
export function yieldReason(tier: string, available: number, of: number, minHealthy: number): string {
  return `tier ${tier}: ${available} of ${of} available, below ${percent(minHealthy)}`;
}

/** `no tier has 50% available: routed as with min_healthy 0`. */
export function panicReason(minHealthy: number): string {
  return `no tier has ${percent(minHealthy)} available: routed as with min_healthy 0`;
}

/** A fraction as a percentage: whole when it is (`50%`), else to one decimal (`33.3%`, `12.5%`). */
export function percent(fraction: number): string {
  const p = fraction * 100;
  const whole = Math.round(p);
  if (Math.abs(p - whole) < 1e-9) return `${whole}%`;
  const text = p.toFixed(1);
  return `${text.endsWith(".0") ? text.slice(0, -2) : text}%`;
}
