import type { Command } from "commander";
import type { ManagerStatus__Output } from "../generated/cairn/v1/ManagerStatus.js";
import { managerRoleFromWire } from "../wire/convert.js";
import { formatDuration, formatFields, formatJson, formatTable, indent, type Output } from "./output.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";

/** `cairn status`: the manager's role, position, cluster, primary and backups (SPEC 7). */
export function registerStatusCommand(program: Command, output: Output): void {
  managerCommand(program, "status", "a registry manager's role, epoch, revision, digest and backups").action(
    managerAction<ManagerOptions, []>(output, async ({ client, options }) => {
      const status = await client.call("GetStatus", {});
      output.out(options.json ? formatJson(statusJson(status)) : formatStatus(status));
    }),
  );
}

function statusJson(status: ManagerStatus__Output): unknown {
  return {
    host: status.host,
    address: status.address,
    role: managerRoleFromWire(status.role) ?? "unknown",
    epoch: status.epoch,
    revision: status.revision,
    digest: status.digest.toString("hex"),
    cluster_id: status.cluster_id,
    primary_host: status.primary_host,
    primary_address: status.primary_address,
    uptime_ms: status.uptime_ms,
    sync_backups: status.sync_backups,
    backups: status.backups.map((b) => ({
      host: b.host,
      address: b.address,
      revision: b.revision,
      lag: b.lag,
      connected: b.connected,
    })),
  };
}

function formatStatus(status: ManagerStatus__Output): string {
  const primary = status.primary_host ? `${status.primary_host} at ${status.primary_address}` : "unknown";
  const fields: [string, string][] = [
    ["role", managerRoleFromWire(status.role) ?? "unknown"],
    ["host", `${status.host} at ${status.address}`],
    ["epoch", String(status.epoch)],
    ["revision", String(status.revision)],
    ["digest", status.digest.toString("hex")],
    ["cluster", status.cluster_id],
    ["primary", primary],
    ["uptime", formatDuration(status.uptime_ms)],
  ];
  if (status.sync_backups > 0) fields.push(["sync backups", String(status.sync_backups)]);
  const lines = [formatFields(fields)];
  if (status.backups.length > 0) {
    const rows = status.backups.map((b) => [b.host, b.address, String(b.revision), String(b.lag), b.connected ? "yes" : "no"]);
    lines.push("backups", indent(formatTable(["host", "address", "revision", "lag", "connected"], rows)));
  }
  return lines.join("\n");
}
