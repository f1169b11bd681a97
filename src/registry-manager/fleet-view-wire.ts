/**
 * The fleet view on the wire (Registry.ListAgents): here rather than in
 * src/wire/convert.ts because AgentView is the manager's shape, and wire/
 * sits below the manager.
 */
import type { AgentView as WireAgentView, AgentView__Output as WireAgentViewOutput } from "../generated/cairn/v1/AgentView.js";
import { livenessFromWire, livenessToWire } from "../wire/convert.js";
import type { AgentView } from "./fleet-view.js";

export function agentViewToWire(view: AgentView): WireAgentView {
  return {
    host: view.host,
    domain: view.domain,
    liveness: livenessToWire(view.liveness),
    // Absent, not 0, for an agent never heard: "never" and "just now" are not the same answer.
    ...(view.lastHeartbeatAgeMs !== undefined && { last_heartbeat_age_ms: Math.round(view.lastHeartbeatAgeMs) }),
    revision: view.revision,
    lag: view.lag,
    watching: view.watching,
  };
}

export function agentViewFromWire(wire: WireAgentViewOutput): AgentView {
  return {
    host: wire.host,
    domain: wire.domain,
    liveness: livenessFromWire(wire.liveness, `liveness of host "${wire.host}"`),
    lastHeartbeatAgeMs: wire.last_heartbeat_age_ms ?? undefined,
    revision: wire.revision,
    lag: wire.lag,
    watching: wire.watching,
  };
}
