import { Option, type Command } from "commander";
import { invalidArgument } from "../errors.js";
import { AgentClient } from "../client/agent-client.js";
import { DEFAULT_TIMEOUT_MS, ManagerClient } from "../client/manager-client.js";
import { managerAddress, MANAGER_ENV } from "./manager-session.js";
import { commaList, parseDuration } from "./durations.js";
import { formatJson, type Output } from "./output.js";
import { formatRoute, routeToJson } from "./route-format.js";
import { clientTransport, withClientTls, type TlsFlags } from "./tls-options.js";
import { RouteIndex } from "../router/route-index.js";
import type { Route } from "../router/route.js";
import type { Registry } from "../registry/model.js";
import { routeFromWire } from "../wire/convert.js";

interface RouteOptions extends TlsFlags {
  from: string;
  type: string;
  file?: string;
  down?: string[];
  manager?: string;
  agent?: string;
  timeout: number;
  json?: boolean;
}

/**
 * `cairn route --from H --type T` with `--file F [--down H,…]` (offline,
 * from a fixture) or `--manager ADDR` (Registry.Resolve on a live manager;
 * CAIRN_MANAGER when neither is given). Both print the same table or JSON.
 */
export function registerRouteCommand(program: Command, output: Output): void {
  const command = program
    .command("route")
    .description("the ordered managers of a type that a host would call, with the ones skipped and why")
    .requiredOption("--from <host>", "the origin host")
    .requiredOption("--type <type>", "the manager type")
    .addOption(new Option("--file <fixture>", "compute offline from a fixture file (YAML or JSON)").conflicts(["manager", "agent"]))
    .addOption(new Option("--agent <addr>", "ask this registry agent (its replica)").conflicts("manager"))
    .addOption(new Option("--down <hosts>", "with --file: mark these hosts down first (comma-separated)").argParser(commaList))
    .option("--manager <addr>", `ask this registry manager (default without --file: $${MANAGER_ENV})`)
    .option("--timeout <duration>", "with --manager: how long to wait for it", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
  withClientTls(command).action(async function (this: Command, options: RouteOptions) {
    let route: Route;
    if (options.file) {
      // Loaded here: the YAML reader is not worth its start-up time to every other command (an agent's above all).
      const { loadFixtureFile } = await import("./fixture-file.js");
      route = offlineRoute(await loadFixtureFile(options.file), options);
    } else {
      if (options.down) this.error("error: --down needs --file (a live registry knows which hosts are down)");
      route = options.agent ? await agentRoute(options.agent, options) : await managerRoute(options);
    }
    output.out(options.json ? formatJson(routeToJson(route)) : formatRoute(route));
  });
}

export function offlineRoute(registry: Registry, options: Pick<RouteOptions, "from" | "type" | "down">): Route {
  for (const id of options.down ?? []) {
    const host = registry.hosts.get(id);
    if (!host) throw invalidArgument(`--down names unknown host "${id}"`);
    registry.hosts.set(id, { ...host, status: "down" });
  }
  return RouteIndex.build(registry).route(options.from, options.type, { explain: true });
}

async function managerRoute(options: RouteOptions): Promise<Route> {
  const client = new ManagerClient(managerAddress(options), options.timeout, undefined, clientTransport(options));
  try {
    return routeFromWire(await client.call("Resolve", { from: options.from, type: options.type, explain: true }));
  } finally {
    client.close();
  }
}

async function agentRoute(address: string, options: RouteOptions): Promise<Route> {
  const client = new AgentClient(address, options.timeout, undefined, clientTransport(options));
  try {
    return routeFromWire(await client.resolve(options.from, options.type));
  } finally {
    client.close();
  }
}
