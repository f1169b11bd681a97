import { Option, type Command } from "commander";
import { systemClock } from "../clock.js";
import { LIVENESS_VALUES, type Liveness } from "../registry/model.js";
import { agentViewFromWire } from "../registry-manager/fleet-view-wire.js";
import type { AgentView } from "../registry-manager/fleet-view.js";
import { formatDuration, formatTable, type Output } from "./output.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";

interface AgentsOptions extends ManagerOptions, FormatOptions {
  domain?: string;
  recursive?: boolean;
  status?: Liveness;
}

/**
 * `cairn agents` (SPEC 14): every host's agent as the primary hears it.
 * Asked of a backup, the backup names the primary and the client asks it
 * there (only the primary hears heartbeats), as it does a write.
 */
export function registerAgentsCommand(program: Command, output: Output): void {
  withOutputFormat(managerCommand(program, "agents", "every host's agent: liveness, last heartbeat, replica revision and lag, the registry manager it watches"))
    .option("--domain <path>", "only the agents of the hosts directly in this domain")
    .option("--recursive", "with --domain: also those of its subdomains")
    .addOption(new Option("--status <status>", "only the agents of the hosts with this liveness").choices(LIVENESS_VALUES))
    .hook("preAction", (command) => {
      const options = command.opts<AgentsOptions>();
      if (options.recursive && options.domain === undefined) command.error("error: --recursive needs --domain");
    })
    .action(
      managerAction<AgentsOptions, []>(output, async ({ client, options }) => {
        const reply = await client.call("ListAgents", { domain: options.domain ?? "", recursive: options.recursive === true });
        const agents = reply.agents.map(agentViewFromWire).filter((a) => options.status === undefined || a.liveness === options.status);
        // Ages are the primary's, as of its answer; the wide table's times are this machine's clock minus them.
        const answeredAt = systemClock.now();
        await printFormatted(output, options, {
          json: () => ({ revision: reply.revision, epoch: reply.epoch, agents: agents.map(agentJson) }),
          table: () => formatTable(HEADERS, agents.map(row)),
          wide: () =>
            formatTable(
              [...HEADERS, "heard at", "age (ms)"],
              agents.map((a) => [...row(a), heardAt(a, answeredAt), a.lastHeartbeatAgeMs === undefined ? "" : String(a.lastHeartbeatAgeMs)]),
            ),
        });
      }),
    );
}

const HEADERS = ["host", "domain", "liveness", "last heartbeat", "revision", "lag", "watching"];

function row(agent: AgentView): string[] {
  return [agent.host, agent.domain, agent.liveness, formatAge(agent.lastHeartbeatAgeMs), String(agent.revision), String(agent.lag), agent.watching || "-"];
}

/** As the wire names it; `last_heartbeat_age_ms` is null for an agent never heard. */
function agentJson(agent: AgentView): Record<string, unknown> {
  return {
    host: agent.host,
    domain: agent.domain,
    liveness: agent.liveness,
    last_heartbeat_age_ms: agent.lastHeartbeatAgeMs ?? null,
    revision: agent.revision,
    lag: agent.lag,
    watching: agent.watching,
  };
}

/** `0.3s ago` under a minute, `3m 12s ago` beyond; `never` for an agent this primary has not heard. */
export function formatAge(ms: number | undefined): string {
  if (ms === undefined) return "never";
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s ago` : `${formatDuration(ms)} ago`;
}

function heardAt(agent: AgentView, now: number): string {
  return agent.lastHeartbeatAgeMs === undefined ? "never" : new Date(now - agent.lastHeartbeatAgeMs).toISOString();
}
