import type { Command } from "commander";
import { ManagerClient } from "../client/manager-client.js";
import { Code, type CairnError } from "../errors.js";
import type { ManagerStatus__Output } from "../generated/cairn/v1/ManagerStatus.js";
import { managerRoleFromWire } from "../wire/convert.js";
import { formatDuration, formatFields, formatTable, indent, type Output } from "./output.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { clientTransport } from "./tls-options.js";

/** `cairn status`: the manager's role, position, cluster, primary and backups (SPEC 7). */
export function registerStatusCommand(program: Command, output: Output): void {
  withOutputFormat(managerCommand(program, "status", "a registry manager's role, epoch, revision, digest and backups")).action(
    managerAction<ManagerOptions & FormatOptions, []>(output, async ({ client, options }) => {
      const status = await client.call("GetStatus", {});
      const reachable = await primaryReachable(status, options);
      await printFormatted(output, options, {
        json: () => ({ ...(statusJson(status) as object), primary_reachable: reachable }),
        table: () => formatStatus(status, reachable),
      });
    }),
  );
}

/** How long `status` waits for the primary a backup names: it only adds a word to the answer. */
const PRIMARY_PROBE_MS = 2_000;

/**
 * On a backup: whether the primary it names answers this client. A backup
 * keeps naming a primary that died until one is promoted; `status` says so.
 */
async function primaryReachable(status: ManagerStatus__Output, options: ManagerOptions): Promise<boolean> {
  if (!status.primary_address || status.primary_address === status.address) return true;
  const primary = new ManagerClient(status.primary_address, Math.min(options.timeout, PRIMARY_PROBE_MS), undefined, clientTransport(options));
  try {
    await primary.call("GetStatus", {});
    return true;
  } catch (error) {
    return (error as CairnError).code !== Code.UNAVAILABLE;
  } finally {
    primary.close();
  }
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
    ...(status.coordinator && {
      coordinator: {
        endpoints: status.coordinator.endpoints,
        lease_ttl_ms: status.coordinator.lease_ttl_ms,
        holder: status.coordinator.holder_host ? { host: status.coordinator.holder_host, address: status.coordinator.holder_address, epoch: status.coordinator.holder_epoch } : null,
        lease_valid_ms: status.coordinator.lease_valid_ms,
        in_sync: status.coordinator.in_sync,
        reachable: status.coordinator.reachable,
      },
    }),
    backups: status.backups.map((b) => ({
      host: b.host,
      address: b.address,
      revision: b.revision,
      lag: b.lag,
      connected: b.connected,
    })),
  };
}

function formatStatus(status: ManagerStatus__Output, primaryReachable: boolean): string {
  const primary = status.primary_host ? `${status.primary_host} at ${status.primary_address}${primaryReachable ? "" : " (unreachable)"}` : "unknown";
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
  const coordinator = status.coordinator;
  if (coordinator) {
    const holder = coordinator.holder_host ? `${coordinator.holder_host} at ${coordinator.holder_address} (epoch ${coordinator.holder_epoch})` : "nobody";
    const valid = coordinator.lease_valid_ms > 0 ? `, proven ${formatDuration(coordinator.lease_valid_ms)} more` : "";
    fields.push(
      ["coordinator", `${coordinator.endpoints}${coordinator.reachable ? "" : " (not answering)"}`],
      ["lease", `${formatDuration(coordinator.lease_ttl_ms)} TTL, held by ${holder}${valid}`],
      ["in sync", coordinator.in_sync.join(", ") || "none recorded"],
    );
  }
  const lines = [formatFields(fields)];
  if (status.backups.length > 0) {
    const rows = status.backups.map((b) => [b.host, b.address, String(b.revision), String(b.lag), b.connected ? "yes" : "no"]);
    lines.push("backups", indent(formatTable(["host", "address", "revision", "lag", "connected"], rows)));
  }
  return lines.join("\n");
}
