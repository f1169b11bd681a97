import type { Route } from "../router/route.js";
import { formatTable, indent } from "./output.js";

/**
 * The JSON shape of SPEC section 4: exactly these keys, in this order; then,
 * only for a type whose min_healthy is above 0 (SPEC 13), `spill`:
 * `{ "min_healthy": 0.5, "yielded": [ { "tier": "/subdomain-1", "available": 1,
 * "of": 3, "reason": "tier /subdomain-1: 1 of 3 available, below 50%" } ],
 * "panic": false }`, with `"reason"` after `"panic": true` on panic.
 */
export function routeToJson(route: Route): unknown {
  const json = {
    from: route.from,
    type: route.type,
    candidates: route.candidates.map((c) => ({ host: c.host, domain: c.domain, tier: c.tier, endpoint: c.endpoint })),
    // An ejection's time left is an agent's own (route --agent); routes from the registry carry exactly host and reason.
    skipped: (route.skipped ?? []).map((s) => (s.reason === "ejected" ? { host: s.host, reason: s.reason, ejected_for_ms: s.ejectedForMs ?? 0 } : { host: s.host, reason: s.reason })),
  };
  const spill = route.spill;
  if (!spill) return json;
  return {
    ...json,
    spill: {
      min_healthy: spill.minHealthy,
      yielded: spill.yielded.map((y) => ({ tier: y.tier, available: y.available, of: y.of, reason: y.reason })),
      panic: spill.panic,
      ...(spill.panic && { reason: spill.reason ?? "" }),
    },
  };
}

/**
 * The route as a table; `-o wide` (given each candidate's package priority,
 * by host, where the registry is at hand) adds a priority column: "-" where
 * it is not known.
 */
export function formatRoute(route: Route, priorities?: ReadonlyMap<string, number>): string {
  const lines = [`route from ${route.from} to ${route.type}`];
  if (route.candidates.length === 0) {
    lines.push("  no available manager");
  } else if (priorities) {
    const priority = (host: string) => String(priorities.get(host) ?? "-");
    const rows = route.candidates.map((c, i) => [String(i + 1), c.host, c.domain, c.tier, priority(c.host), c.endpoint]);
    lines.push(indent(formatTable(["rank", "host", "domain", "tier", "priority", "endpoint"], rows)));
  } else {
    const rows = route.candidates.map((c, i) => [String(i + 1), c.host, c.domain, c.tier, c.endpoint]);
    lines.push(indent(formatTable(["rank", "host", "domain", "tier", "endpoint"], rows)));
  }
  // A spill's reasons under the candidates they reordered (SPEC 13).
  for (const y of route.spill?.yielded ?? []) lines.push(`yielded: ${y.reason}`);
  if (route.spill?.panic) lines.push(`panic: ${route.spill.reason ?? ""}`);
  if (route.skipped && route.skipped.length > 0) {
    lines.push("skipped");
    const reason = (s: NonNullable<Route["skipped"]>[number]) => (s.reason === "ejected" ? `ejected, ${((s.ejectedForMs ?? 0) / 1000).toFixed(1)} s more` : s.reason);
    lines.push(indent(formatTable(["host", "reason"], route.skipped.map((s) => [s.host, reason(s)]))));
  }
  return lines.join("\n");
}
