import type { Command } from "commander";
import { DEFAULT_HEARTBEAT_INTERVAL_MS } from "../registry/defaults.js";
import { AgentClient } from "../client/agent-client.js";
import { parseDuration } from "./durations.js";
import { endpointListOption } from "./endpoints.js";
import { DEFAULT_TIMEOUT_MS } from "../client/manager-client.js";
import { formatJson, type Output } from "./output.js";
import { checkHostOption, httpListenOption, MAX_CONNECTIONS_HELP, maxConnectionsOption } from "./server-options.js";
import { clientTransport, serverTls, withClientTls, withServerTls, type TlsFlags } from "./tls-options.js";
import { logSettings, withLogFormat, type LogFlags } from "./log-options.js";
import { stopLogLine, untilStopRequested } from "./parent-watch.js";
import { registerAgentStatusCommand } from "./agent-status-command.js";
import { agentAddresses, checkedAddresses } from "./manager-session.js";

interface AgentStartOptions extends TlsFlags, LogFlags {
  host: string;
  data: string;
  listen: string;
  manager: string[];
  domain: string;
  heartbeatInterval: number;
  http?: string;
  maxConnections?: number;
}

interface AuthorizeOptions extends TlsFlags {
  agent?: string;
  user: string;
  command: string;
  timeout: number;
  json?: boolean;
}

export function registerAgentCommands(program: Command, output: Output): void {
  const agent = program.command("agent").description("run a registry agent, or ask one how it stands");
  const start = agent
    .command("start")
    .description("keep a replica of the registry, report this host's liveness, route calls, until SIGINT or SIGTERM")
    .requiredOption("--host <id>", "this host's id")
    .requiredOption("--data <dir>", "the replica's LevelDB folder (created if missing)")
    .requiredOption("--manager <addrs>", "registry managers to start from, HOST:PORT, comma-separated", endpointListOption("--manager"))
    .option("--listen <addr>", "address of the Agent service (port 0: any free port)", "127.0.0.1:0")
    .option("--domain <path>", "domain to register this host in at first contact", "/")
    .option("--heartbeat-interval <duration>", "how often to heartbeat until the manager says otherwise", parseDuration, DEFAULT_HEARTBEAT_INTERVAL_MS)
    .option("--http <addr>", "serve /metrics and /healthz on this HOST:PORT, over HTTPS with --ca/--cert/--key (port 0: any free port)", httpListenOption)
    .option("--max-connections <n>", MAX_CONNECTIONS_HELP, maxConnectionsOption);
  withLogFormat(withServerTls(start)).action(async (options: AgentStartOptions) => {
      const logging = logSettings(start, options);
      checkHostOption(options.host);
      const [{ createLogger }, { RegistryAgent }] = await Promise.all([import("../logger.js"), import("../registry-agent/agent.js")]);
      const logger = createLogger("registry-agent", logging);
      const running = await RegistryAgent.start({
        hostId: options.host,
        dataDir: options.data,
        listen: options.listen,
        managers: options.manager,
        domain: options.domain,
        heartbeatIntervalMs: options.heartbeatInterval,
        security: serverTls(options),
        ...(options.http && { http: options.http }),
        ...(options.maxConnections !== undefined && { maxConnections: options.maxConnections }),
        logger,
      });
      // Watched before the line: a parent that signals as soon as it reads it gets a clean stop.
      const stopRequested = untilStopRequested();
      // Before `listening on`: a parent that reads up to that line has both.
      if (running.httpAddress) output.out(`http on ${running.httpAddress}`);
      output.out(`listening on ${running.address}`);
      logger.info(...stopLogLine(await stopRequested));
      await running.stop();
    });
  registerAgentStatusCommand(agent, output);

  const authorize = program
    .command("authorize")
    .description("ask a registry agent to authorize a command: a routed call to the nearest command-control manager")
    .option("--agent <addrs>", "the registry agent to ask; several, comma-separated, are tried in turn (default: $CAIRN_AGENT, else the current context's agents)")
    .requiredOption("--user <user>", "who runs the command")
    .requiredOption("--command <command>", "the command")
    .option("--timeout <duration>", "the call's deadline, failover included", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
  withClientTls(authorize).action(async function (this: Command, options: AuthorizeOptions) {
      const addresses = checkedAddresses(this, () => agentAddresses(options));
      const client = new AgentClient(addresses, options.timeout, undefined, clientTransport(options));
      try {
        const reply = await client.authorize(options.user, options.command);
        const answer = { allowed: reply.allowed, reason: reply.reason, served_by: reply.served_by, tried: reply.tried };
        output.out(
          options.json
            ? formatJson(answer)
            : `${reply.allowed ? "allowed" : "denied"} by ${reply.served_by}: ${reply.reason}` +
                (reply.tried.length > 1 ? ` (tried ${reply.tried.join(", ")})` : ""),
        );
      } finally {
        client.close();
      }
    });
}
