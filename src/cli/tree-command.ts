import type { Command } from "commander";
import type { GetTreeReply__Output } from "../generated/cairn/v1/GetTreeReply.js";
import { ROOT_PATH, comparePaths, parentPath, type HostRecord } from "../registry/model.js";
import { hostFromWire, typeFromWire } from "../wire/convert.js";
import { colourEnabled, palette, type Output, type Palette } from "./output.js";
import { parseCount } from "./durations.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";
import { formatLiveness, formatPackages, formatType, hostJson, typeJson } from "./registry-format.js";

interface TreeOptions extends ManagerOptions, FormatOptions {
  root?: string;
  depth?: number;
}

/** `cairn tree`: the domain tree, drawn, with every host's liveness and packages. */
export function registerTreeCommand(program: Command, output: Output): void {
  withOutputFormat(managerCommand(program, "tree", "draw the domain tree with hosts, their liveness and packages"))
    .option("--root <path>", "only this domain and what is below it", ROOT_PATH)
    .option("--depth <n>", "only this many levels of subdomains below the root (0: the root's own hosts)", parseCount)
    .action(
      managerAction<TreeOptions, []>(output, async ({ client, options }) => {
        const root = options.root ?? ROOT_PATH;
        const reply = withinDepth(await client.call("GetTree", { root }), root, options.depth);
        await printFormatted(output, options, {
          json: () => treeJson(reply),
          table: () => drawTree(reply, root, palette(colourEnabled(process.stdout))),
        });
      }),
    );
}

/** The tree without the domains (and their hosts) more than `depth` levels below `root`. */
export function withinDepth(reply: GetTreeReply__Output, root: string, depth: number | undefined): GetTreeReply__Output {
  if (depth === undefined) return reply;
  const levels = (path: string) => (path === ROOT_PATH ? 0 : path.split("/").length - 1);
  const keep = (path: string) => levels(path) - levels(root) <= depth;
  return { ...reply, domains: reply.domains.filter((d) => keep(d.path)), hosts: reply.hosts.filter((h) => keep(h.domain)) };
}

function treeJson(reply: GetTreeReply__Output): unknown {
  return {
    revision: reply.revision,
    epoch: reply.epoch,
    digest: reply.digest.toString("hex"),
    types: reply.types.map((t) => typeJson(typeFromWire(t))),
    domains: reply.domains.map((d) => d.path),
    hosts: reply.hosts.map((h) => hostJson(hostFromWire(h))),
  };
}

/**
 * ```
 * /
 * ├─ framework-manager  up       registry:7400 (primary), command-control:7601
 * └─ /subdomain-1
 *    ├─ agent-1         unknown  command-control:7611
 *    └─ /subdomain-1a
 * ```
 * In each domain its hosts come first (by id), then its subdomains (by name).
 */
export function drawTree(reply: GetTreeReply__Output, root: string, colour: Palette): string {
  const children = new Map<string, string[]>();
  for (const path of reply.domains.map((d) => d.path).sort(comparePaths)) {
    const parent = parentPath(path);
    if (path !== root && parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), path]);
  }
  const hostsIn = new Map<string, HostRecord[]>();
  for (const host of reply.hosts.map((h) => hostFromWire(h))) hostsIn.set(host.domain, [...(hostsIn.get(host.domain) ?? []), host]);

  const lines: string[] = [colour.bold(colour.blue(root))];
  const walk = (path: string, prefix: string) => {
    const hosts = hostsIn.get(path) ?? [];
    const subdomains = children.get(path) ?? [];
    const idWidth = Math.max(0, ...hosts.map((h) => h.id.length));
    const count = hosts.length + subdomains.length;
    hosts.forEach((host, i) => {
      const last = i === count - 1;
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${formatHostLine(host, idWidth, colour)}`.trimEnd());
    });
    subdomains.forEach((sub, i) => {
      const last = hosts.length + i === count - 1;
      lines.push(`${prefix}${last ? "└─ " : "├─ "}${colour.bold(colour.blue(sub))}`);
      walk(sub, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(root, "");

  const types = reply.types.map((t) => formatType(typeFromWire(t)));
  lines.push(colour.dim(`revision ${reply.revision}, epoch ${reply.epoch}${types.length > 0 ? `; types: ${types.join(", ")}` : ""}`));
  return lines.join("\n");
}

function formatHostLine(host: HostRecord, idWidth: number, colour: Palette): string {
  const maintenance = host.maintenance ? `${colour.yellow("maintenance")}  ` : "";
  return `${host.id.padEnd(idWidth)}  ${formatLiveness(host, colour, "unknown".length)}  ${maintenance}${formatPackages(host, colour)}`;
}
