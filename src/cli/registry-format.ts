/**
 * How registry entities read on the terminal, shared by `host`, `tree` and
 * `watch`. JSON output mirrors the wire messages (snake_case field names),
 * with enums as the model's lower-case names and digests in hex.
 */
import type { Host__Output } from "../generated/cairn/v1/Host.js";
import type { HostRecord, Op, PackageRecord } from "../registry/model.js";
import { hostFromWire } from "../wire/convert.js";
import type { Palette } from "./output.js";

/** A wire host as the model's record: the JSON shape of a host. */
export function hostJson(wire: Host__Output): HostRecord {
  return hostFromWire(wire);
}

/** `command-control:7611`, then what is not the default: `(primary, withdrawn, unhealthy, priority 2)`. */
export function formatPackage(pkg: PackageRecord, colour?: Palette): string {
  const notes: string[] = [];
  if (pkg.role !== undefined) notes.push(pkg.role);
  if (pkg.state !== "enabled") notes.push(colour ? colour.yellow(pkg.state) : pkg.state);
  if (pkg.health !== "healthy") notes.push(colour ? colour.red(pkg.health) : pkg.health);
  if (pkg.priority !== 0) notes.push(`priority ${pkg.priority}`);
  return `${pkg.type}:${pkg.port}${notes.length > 0 ? ` (${notes.join(", ")})` : ""}`;
}

export function formatPackages(host: HostRecord, colour?: Palette): string {
  return host.packages.map((p) => formatPackage(p, colour)).join(", ");
}

/** `up`, `down`, `unknown`, and `maintenance` when the flag is on; padded before colouring so columns line up. */
export function formatLiveness(host: HostRecord, colour?: Palette, width = 0): string {
  const text = host.status.padEnd(width);
  if (!colour) return text;
  return host.status === "up" ? colour.green(text) : host.status === "down" ? colour.red(text) : colour.dim(text);
}

export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(", ");
}

/** `put-host agent-9`: what one op touches. */
export function formatOp(op: Op): string {
  switch (op.kind) {
    case "put-domain":
      return `put-domain ${op.domain.path}`;
    case "delete-domain":
      return `delete-domain ${op.path}`;
    case "put-host":
      return `put-host ${op.host.id}`;
    case "delete-host":
      return `delete-host ${op.id}`;
    case "put-type":
      return `put-type ${op.type.name}`;
    case "delete-type":
      return `delete-type ${op.name}`;
  }
}

/** How many ops a watch line names before it counts the rest. */
const OPS_PER_LINE = 6;

export function formatOps(ops: readonly Op[]): string {
  const shown = ops.slice(0, OPS_PER_LINE).map(formatOp);
  if (ops.length > OPS_PER_LINE) shown.push(`… (${ops.length} ops in all)`);
  return shown.join(", ");
}
