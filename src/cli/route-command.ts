import { Option, type Command } from "commander";
import { invalidArgument } from "../errors.js";
import { AgentClient } from "../client/agent-client.js";
import { DEFAULT_TIMEOUT_MS, ManagerClient } from "../client/manager-client.js";
import { agentAddresses, checkedAddresses, managerAddresses, MANAGER_ENV } from "./manager-session.js";
import { commaList, parseDuration } from "./durations.js";
import type { Output } from "./output.js";
import { outputFormat, printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { formatRoute, routeToJson } from "./route-format.js";
import { clientTransport, withClientTls, type TlsFlags } from "./tls-options.js";
import { RouteIndex } from "../router/route-index.js";
import type { Route } from "../router/route.js";
import type { Registry } from "../registry/model.js";
import { hostFromWire, routeFromWire } from "../wire/convert.js";
import type { HostRecord } from "../registry/model.js";

interface RouteOptions extends TlsFlags, FormatOptions {
  from: string;
  type: string;
  file?: string;
  down?: string[];
  manager?: string;
  agent?: string;
  timeout: number;
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
    .addOption(new Option("--agent <addrs>", "ask this registry agent (its replica); several, comma-separated, are tried in turn").conflicts("manager"))
    .addOption(new Option("--down <hosts>", "with --file: mark these hosts down first (comma-separated)").argParser(commaList))
    .option("--manager <addrs>", `ask this registry manager; several, comma-separated, are tried in turn (default without --file: $${MANAGER_ENV}, else the current context's)`)
    .option("--timeout <duration>", "with --manager: how long to wait for it", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
  withOutputFormat(withClientTls(command)).action(async function (this: Command, options: RouteOptions) {
    let route: Route;
    /** For -o wide: each host's package of the type, by host, from the registry asked. */
    let priorities: ReadonlyMap<string, number> | undefined;
    if (options.file) {
      // Loaded here: the YAML reader is not worth its start-up time to every other command (an agent's above all).
      const { loadFixtureFile } = await import("./fixture-file.js");
      const registry = await loadFixtureFile(options.file);
      priorities = priorityByHost([...registry.hosts.values()], options.type);
      route = offlineRoute(registry, options);
    } else {
      if (options.down) this.error("error: --down needs --file (a live registry knows which hosts are down)");
      if (options.agent) route = await agentRoute(checkedAddresses(this, () => agentAddresses(options)), options);
      else ({ route, priorities } = await managerRoute(checkedAddresses(this, () => managerAddresses(options)), options, outputFormat(options) === "wide"));
    }
    await printFormatted(output, options, {
      json: () => routeToJson(route),
      table: () => formatRoute(route),
      wide: () => formatRoute(route, priorities ?? new Map()),
    });
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

async function managerRoute(addresses: string[], options: RouteOptions, wide: boolean): Promise<{ route: Route; priorities?: ReadonlyMap<string, number> }> {
  const client = new ManagerClient(addresses, options.timeout, undefined, clientTransport(options));
  try {
    const route = routeFromWire(await client.call("Resolve", { from: options.from, type: options.type, explain: true }));
    if (!wide) return { route };
    const hosts = (await client.call("ListHosts", { domain: "", recursive: true })).hosts.map((h) => hostFromWire(h));
    return { route, priorities: priorityByHost(hosts, options.type) };
  } finally {
    client.close();
  }
}

async function agentRoute(addresses: string[], options: RouteOptions): Promise<Route> {
  const client = new AgentClient(addresses, options.timeout, undefined, clientTransport(options));
  try {
    return routeFromWire(await client.resolve(options.from, options.type));
  } finally {
    client.close();
  }
}

function priorityByHost(hosts: readonly HostRecord[], type: string): Map<string, number> {
  const priorities = new Map<string, number>();
  for (const host of hosts) {
    const pkg = host.packages.find((p) => p.type === type);
    if (pkg) priorities.set(host.id, pkg.priority);
  }
  return priorities;
}
