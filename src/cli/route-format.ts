import type { Route } from "../router/route.js";
import { formatTable, indent } from "./output.js";

/** The JSON shape of SPEC section 4: exactly these keys, in this order. */
export function routeToJson(route: Route): unknown {
  return {
    from: route.from,
    type: route.type,
    candidates: route.candidates.map((c) => ({ host: c.host, domain: c.domain, tier: c.tier, endpoint: c.endpoint })),
    // An ejection's time left is an agent's own (route --agent); routes from the registry carry exactly host and reason.
    skipped: (route.skipped ?? []).map((s) => (s.reason === "ejected" ? { host: s.host, reason: s.reason, ejected_for_ms: s.ejectedForMs ?? 0 } : { host: s.host, reason: s.reason })),
  };
}

export function formatRoute(route: Route): string {
  const lines = [`route from ${route.from} to ${route.type}`];
  if (route.candidates.length === 0) {
    lines.push("  no available manager");
  } else {
    const rows = route.candidates.map((c, i) => [String(i + 1), c.host, c.domain, c.tier, c.endpoint]);
    lines.push(indent(formatTable(["rank", "host", "domain", "tier", "endpoint"], rows)));
  }
  if (route.skipped && route.skipped.length > 0) {
    lines.push("skipped");
    const reason = (s: NonNullable<Route["skipped"]>[number]) => (s.reason === "ejected" ? `ejected, ${((s.ejectedForMs ?? 0) / 1000).toFixed(1)} s more` : s.reason);
    lines.push(indent(formatTable(["host", "reason"], route.skipped.map((s) => [s.host, reason(s)]))));
  }
  return lines.join("\n");
}
