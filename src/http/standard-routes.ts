/**
 * The routes every cairn server serves on `--http` (SPEC 14): `/metrics`,
 * Prometheus text, for identities of the CA; `/healthz`, open to any
 * client (a probe has no certificate), 200 or 503 with the reason.
 */
import type { ServingHealth } from "../wire/serving-health.js";
import { answer } from "./http-server.js";
import type { HttpRoute } from "./route.js";

/** What /metrics serves (metrics/server-metrics.ts). */
export interface MetricsText {
  readonly contentType: string;
  text(): Promise<string>;
}

export function metricsRoute(metrics: MetricsText): HttpRoute {
  return {
    method: "GET",
    path: "/metrics",
    async handle(_request, response) {
      const text = await metrics.text();
      response.writeHead(200, { "Content-Type": metrics.contentType, "Cache-Control": "no-store" });
      response.end(text);
    },
  };
}

export function healthzRoute(health: () => ServingHealth): HttpRoute {
  return {
    method: "GET",
    path: "/healthz",
    open: true,
    handle(_request, response) {
      const { status, reason } = health();
      if (status === "SERVING") answer(response, 200, `ok: ${reason}`);
      else answer(response, 503, `not serving: ${reason}`);
    },
  };
}
