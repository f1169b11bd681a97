import type { Command } from "commander";
import { AgentClient } from "../client/agent-client.js";
import type { AgentStatus__Output } from "../generated/cairn/v1/AgentStatus.js";
import { DEFAULT_TIMEOUT_MS } from "../client/manager-client.js";
import { parseDuration } from "./durations.js";
import { formatDuration, formatFields, formatTable, indent, type Output } from "./output.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { clientTransport, withClientTls, type TlsFlags } from "./tls-options.js";
import { agentAddresses, checkedAddresses } from "./manager-session.js";

interface AgentStatusOptions extends TlsFlags, FormatOptions {
  agent?: string;
  timeout: number;
  json?: boolean;
}

/** `cairn agent status --agent ADDR` (SPEC 13): Agent.Status, the replica, the manager watched, the ejected managers. */
export function registerAgentStatusCommand(agent: Command, output: Output): void {
  const status = agent
    .command("status")
    .description("a registry agent's replica, the manager it watches, and the managers its calls pass over for now")
    .option("--agent <addrs>", "the registry agent to ask; several, comma-separated, are tried in turn (default: $CAIRN_AGENT, else the current context's agents)")
    .option("--timeout <duration>", "how long to wait for the agent", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
  withOutputFormat(withClientTls(status)).action(async function (this: Command, options: AgentStatusOptions) {
    const addresses = checkedAddresses(this, () => agentAddresses(options));
    const client = new AgentClient(addresses, options.timeout, undefined, clientTransport(options));
    try {
      const reply = await client.status();
      await printFormatted(output, options, { json: () => statusJson(reply), table: () => formatStatus(reply) });
    } finally {
      client.close();
    }
  });
}

function statusJson(s: AgentStatus__Output): unknown {
  return {
    host: s.host,
    revision: s.revision,
    epoch: s.epoch,
    digest: s.digest.toString("hex"),
    cluster_id: s.cluster_id,
    replica: s.replica,
    manager_host: s.manager_host,
    manager_address: s.manager_address,
    connected: s.connected,
    watch_state: s.watch_state,
    lag: s.lag,
    uptime_ms: s.uptime_ms,
    ejected: s.ejected.map((e) => ({ host: e.host, endpoint: e.endpoint, type: e.type, ejected_for_ms: e.ejected_for_ms, count: e.count })),
  };
}

function formatStatus(s: AgentStatus__Output): string {
  const manager = s.manager_address ? `${s.manager_host || "?"} at ${s.manager_address}` : "none";
  const fields: [string, string][] = [
    ["host", s.host],
    ["replica", `${s.replica}, revision ${s.revision}, epoch ${s.epoch}`],
    ["digest", s.digest.toString("hex")],
    ["cluster", s.cluster_id],
    ["watching", `${manager} (${s.watch_state}${s.connected ? `, lag ${s.lag}` : ""})`],
    ["uptime", formatDuration(s.uptime_ms)],
  ];
  const lines = [formatFields(fields)];
  if (s.ejected.length === 0) lines.push("ejected   none");
  else {
    const rows = s.ejected.map((e) => [e.host, e.type, e.endpoint, `${(e.ejected_for_ms / 1000).toFixed(1)} s`, String(e.count)]);
    lines.push("ejected", indent(formatTable(["host", "type", "endpoint", "time left", "ejections in a row"], rows)));
  }
  return lines.join("\n");
}
