/**
 * How registry entities read on the terminal, shared by `host`, `tree` and
 * `watch`. JSON output mirrors the wire messages (snake_case field names),
 * with enums as the model's lower-case names and digests in hex.
 */
import { sameCheck } from "../registry/checks.js";
import { formatDurationMs } from "../registry/durations.js";
import { DEFAULT_CHECK, DEFAULT_CHECK_PATH } from "../registry/model.js";
import type { HostRecord, Op, PackageCheck, PackageRecord, TypeRecord } from "../registry/model.js";
import type { Palette } from "./output.js";

/**
 * A host record as JSON output shows it: the record's own fields, which are
 * the wire's, a package's check with the wire's snake_case names
 * (`interval_ms`), and nothing for what the record leaves out.
 */
export function hostJson(host: HostRecord): unknown {
  const packages = host.packages.map((p) => {
    if (p.check === undefined) return p;
    const { check, ...rest } = p;
    return { ...rest, check: checkJson(check) };
  });
  return { ...host, packages };
}

export function checkJson(check: PackageCheck): Record<string, unknown> {
  const { kind, intervalMs, timeoutMs, rise, fall, ...byKind } = check;
  return { kind, interval_ms: intervalMs, timeout_ms: timeoutMs, rise, fall, ...byKind };
}

/** `{ name, policy }`, and `min_healthy` when the type has one. */
export function typeJson(type: TypeRecord): Record<string, unknown> {
  return type.minHealthy === undefined ? { name: type.name, policy: type.policy } : { name: type.name, policy: type.policy, min_healthy: type.minHealthy };
}

/** `command-control spread`, and `(min healthy 0.5)` when the type has one. */
export function formatType(type: TypeRecord): string {
  return `${type.name} ${type.policy}${type.minHealthy === undefined ? "" : ` (min healthy ${type.minHealthy})`}`;
}

/** A check worth showing: one that is not the default, however it is written. */
export function notableCheck(pkg: PackageRecord): PackageCheck | undefined {
  return pkg.check !== undefined && !sameCheck(pkg.check, DEFAULT_CHECK) ? pkg.check : undefined;
}

/** `grpc every 1s timeout 1s rise 2 fall 3`, then what the kind asks: `path /healthz`, `service "x"`, `command /bin/ok -q`. */
export function formatCheck(check: PackageCheck): string {
  const words = [check.kind, "every", formatDurationMs(check.intervalMs), "timeout", formatDurationMs(check.timeoutMs), "rise", check.rise, "fall", check.fall];
  if (check.kind === "http") words.push("path", check.path ?? DEFAULT_CHECK_PATH);
  if (check.service) words.push("service", JSON.stringify(check.service));
  if (check.command !== undefined) words.push("command", check.command.join(" "));
  return words.join(" ");
}

/**
 * `command-control:7611`, then what is not the default:
 * `(primary, withdrawn, unhealthy, priority 2, grpc check)`.
 */
export function formatPackage(pkg: PackageRecord, colour?: Palette): string {
  const notes: string[] = [];
  if (pkg.role !== undefined) notes.push(pkg.role);
  if (pkg.state !== "enabled") notes.push(colour ? colour.yellow(pkg.state) : pkg.state);
  if (pkg.health !== "healthy") notes.push(colour ? colour.red(pkg.health) : pkg.health);
  if (pkg.priority !== 0) notes.push(`priority ${pkg.priority}`);
  const check = notableCheck(pkg);
  if (check !== undefined) notes.push(`${check.kind} check`);
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

/** An op as JSON output shows it: its host or type as `hostJson` and `typeJson` show them. */
export function opJson(op: Op): unknown {
  if (op.kind === "put-host") return { kind: op.kind, host: hostJson(op.host) };
  if (op.kind === "put-type") return { kind: op.kind, type: typeJson(op.type) };
  return op;
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
