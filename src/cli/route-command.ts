import type { Command } from "commander";
import { invalidArgument } from "../errors.js";
import { loadFixtureFile } from "./fixture-file.js";
import { formatJson, type Output } from "./output.js";
import { formatRoute, routeToJson } from "./route-format.js";
import { RouteIndex } from "../router/route-index.js";
import type { Route } from "../router/route.js";
import type { Registry } from "../router/model.js";

interface RouteOptions {
  from: string;
  type: string;
  file?: string;
  down?: string[];
  json?: boolean;
}

export function registerRouteCommand(program: Command, output: Output): void {
  program
    .command("route")
    .description("the ordered managers of a type that a host would call, with the ones skipped and why")
    .requiredOption("--from <host>", "the origin host")
    .requiredOption("--type <type>", "the manager type")
    .option("--file <fixture>", "compute offline from a fixture file (YAML or JSON)")
    .option("--down <hosts>", "with --file: mark these hosts down first (comma-separated)", commaList)
    .option("--json", "print JSON")
    .action(async (options: RouteOptions) => {
      if (!options.file) throw invalidArgument("route needs --file (offline)");
      const route = offlineRoute(await loadFixtureFile(options.file), options);
      output.out(options.json ? formatJson(routeToJson(route)) : formatRoute(route));
    });
}

export function offlineRoute(registry: Registry, options: RouteOptions): Route {
  for (const id of options.down ?? []) {
    const host = registry.hosts.get(id);
    if (!host) throw invalidArgument(`--down names unknown host "${id}"`);
    registry.hosts.set(id, { ...host, status: "down" });
  }
  return RouteIndex.build(registry).route(options.from, options.type, { explain: true });
}

function commaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
