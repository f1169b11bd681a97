/**
 * A registry agent's `--http` endpoint: its routes, in one list
 * (`agentRoutes`), and the server that serves them, started and stopped with
 * the agent. Its metrics are fed by the agent itself (agent.ts: the routed
 * caller, the replica's revision).
 */
import type { Logger } from "pino";
import { HttpServer } from "../http/http-server.js";
import type { HttpRoute } from "../http/route.js";
import { healthzRoute, metricsRoute } from "../http/standard-routes.js";
import type { ServerMetrics } from "../metrics/server-metrics.js";
import type { ServerSecurity } from "../security/server-security.js";
import type { ServingHealth } from "../wire/serving-health.js";

/** What the routes read of the agent (RegistryAgent, which this file may not import: it starts this one). */
export interface AgentHttpSubject {
  health(): ServingHealth;
}

/** Every route of an agent's `--http`. */
export function agentRoutes(agent: AgentHttpSubject, metrics: ServerMetrics): HttpRoute[] {
  return [metricsRoute(metrics), healthzRoute(() => agent.health())];
}

/** Starts `listen` (`--http`) when given, with what the agent's gRPC server counts; undefined when not. */
export async function startAgentHttp(
  agent: AgentHttpSubject,
  listen: string | undefined,
  security: ServerSecurity,
  insecure: boolean | undefined,
  metrics: ServerMetrics | undefined,
  logger: Logger,
): Promise<HttpServer | undefined> {
  if (!listen || !metrics) return undefined;
  return HttpServer.start({ listen, routes: agentRoutes(agent, metrics), security, insecure, logger });
}
