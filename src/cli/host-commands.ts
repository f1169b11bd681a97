import { Argument, InvalidArgumentError, Option, type Command } from "commander";
import type { HostRecord } from "../registry/model.js";
import { formatFields, formatTable, type Output } from "./output.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { managerAction, managerCommand, mutationAction, mutationCommand, type ManagerOptions } from "./manager-session.js";
import { hostFromWire } from "../wire/convert.js";
import { formatCheck, formatLabels, formatPackage, formatPackages, hostJson, notableCheck } from "./registry-format.js";

interface HostListOptions extends ManagerOptions, FormatOptions {
  domain?: string;
  recursive?: boolean;
  status?: HostRecord["status"];
  label?: Record<string, string>;
}

const HOST_STATUSES = ["up", "down", "unknown"] as const satisfies readonly HostRecord["status"][];

/** `cairn host add|rm|mv|maintenance|show|ls|label` (SPEC 9). */
export function registerHostCommands(program: Command, output: Output): void {
  const host = program.command("host").description("register, move, remove and inspect hosts");

  mutationCommand(host, "add <id>", "register a host in a domain")
    .requiredOption("--domain <path>", "the domain to register it in")
    .option("--address <address>", "where its packages listen (default 127.0.0.1)")
    .option("--label <key=value>", "a label (repeat for several)", collectLabel, {})
    .option("--maintenance", "register it in maintenance")
    .action(
      mutationAction(output, "RegisterHost", (options, id: string) => ({
        id,
        domain: options.domain as string,
        address: (options.address as string | undefined) ?? "",
        labels: options.label as Record<string, string>,
        maintenance: options.maintenance === true,
      })),
    );

  mutationCommand(host, "rm <id>", "remove a host and its packages").action(
    mutationAction(output, "RemoveHost", (_options, id: string) => ({ id })),
  );

  mutationCommand(host, "mv <id> <path>", "move a host to another domain").action(
    mutationAction(output, "MoveHost", (_options, id: string, domain: string) => ({ id, domain })),
  );

  mutationCommand(host, "maintenance", "put a host in maintenance (out of every route) or take it out")
    .argument("<id>", "the host")
    .addArgument(new Argument("<state>", "on or off").choices(["on", "off"]))
    .action(
      mutationAction(output, "SetMaintenance", (_options, id: string, state: string) => ({ id, maintenance: state === "on" })),
    );

  mutationCommand(host, "label", "set or remove labels of a host")
    .argument("<id>", "the host")
    .addArgument(
      new Argument("[key=value...]", "labels to set").argParser((pair: string, labels: Record<string, string> | undefined) =>
        collectLabel(pair, labels ?? {}),
      ),
    )
    .option("--remove <key>", "delete a label (repeat for several)", collectKey, [])
    .option("--replace", "the labels become exactly the ones given")
    .action(
      mutationAction(output, "SetLabels", (options, id: string, set: Record<string, string> | undefined) => ({
        id,
        set: set ?? {},
        remove: options.remove as string[],
        replace: options.replace === true,
      })),
    );

  withOutputFormat(managerCommand(host, "show <id>", "a host's domain, address, liveness, labels and packages")).action(
    managerAction<ManagerOptions & FormatOptions, [string]>(output, async ({ client, options }, id) => {
      const reply = await client.call("GetHost", { id });
      const record = hostFromWire(reply.host!);
      await printFormatted(output, options, {
        json: () => ({ revision: reply.revision, epoch: reply.epoch, host: hostJson(record) }),
        table: () => formatHost(record),
      });
    }),
  );

  withOutputFormat(managerCommand(host, "ls", "list hosts, by id"))
    .option("--domain <path>", "only the hosts directly in this domain")
    .option("--recursive", "with --domain: also the hosts of its subdomains")
    .addOption(new Option("--status <status>", "only the hosts with this liveness").choices(HOST_STATUSES))
    .option("--label <key=value>", "only the hosts with this label (repeat: all of them)", (pair: string, labels?: Record<string, string>) => collectLabel(pair, labels ?? {}))
    .action(
      managerAction<HostListOptions, []>(output, async ({ client, options }) => {
        const reply = await client.call("ListHosts", { domain: options.domain ?? "", recursive: options.recursive === true });
        const wanted = Object.entries(options.label ?? {});
        const hosts = reply.hosts
          .map((h) => hostFromWire(h))
          .filter((h) => (options.status === undefined || h.status === options.status) && wanted.every(([k, v]) => h.labels[k] === v));
        await printFormatted(output, options, {
          json: () => ({ revision: reply.revision, epoch: reply.epoch, hosts: hosts.map(hostJson) }),
          table: () => {
            const rows = hosts.map((h) => [h.id, h.domain, h.address, h.status, h.maintenance ? "on" : "", formatPackages(h)]);
            return formatTable(["host", "domain", "address", "status", "maintenance", "packages"], rows);
          },
          wide: () => {
            const packages = (h: HostRecord) => h.packages.map((p) => `${p.type}:${p.port}/${p.priority}/${p.state}/${p.health}${p.role ? `/${p.role}` : ""}`).join(", ");
            const rows = hosts.map((h) => [h.id, h.domain, h.address, h.status, h.maintenance ? "on" : "", formatLabels(h.labels), packages(h)]);
            return formatTable(["host", "domain", "address", "status", "maintenance", "labels", "packages (type:port/priority/state/health/role)"], rows);
          },
        });
      }),
    );
}

function formatHost(host: HostRecord): string {
  const lines = [
    `host ${host.id}`,
    formatFields(
      [
        ["domain", host.domain],
        ["address", host.address],
        ["status", host.status],
        ["maintenance", host.maintenance ? "on" : "off"],
        ["labels", formatLabels(host.labels) || "none"],
        ["packages", host.packages.length === 0 ? "none" : ""],
      ],
      "  ",
    ),
  ];
  for (const pkg of host.packages) {
    lines.push(`    ${formatPackage(pkg)}`);
    const check = notableCheck(pkg);
    if (check !== undefined) lines.push(`      check ${formatCheck(check)}`);
  }
  return lines.join("\n");
}

/** `--label k=v`, repeated: a label map. Bad forms are usage errors (exit 2). */
function collectLabel(pair: string, labels: Record<string, string>): Record<string, string> {
  const cut = pair.indexOf("=");
  if (cut <= 0) throw new InvalidArgumentError(`"${pair}" is not key=value`);
  return { ...labels, [pair.slice(0, cut)]: pair.slice(cut + 1) };
}

function collectKey(key: string, keys: string[]): string[] {
  return [...keys, key];
}
