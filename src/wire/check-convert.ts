/**
 * A package check (SPEC 13) to and from its cairn.v1.PackageCheck, for
 * convert.ts's packages and for DeployPackage. Exact both ways, so that a
 * replica holds the record (and the digest) the primary has: path and
 * service travel as set or absent, an absent argv as an empty list (only
 * exec checks have one, and never an empty one). Structure only: the rules
 * of a check are src/registry/checks.ts's.
 */
import type { CheckKind, PackageCheck } from "../registry/model.js";
import type { CheckKind__Output as WireCheckKind } from "../generated/cairn/v1/CheckKind.js";
import type { PackageCheck__Output as WirePackageCheck } from "../generated/cairn/v1/PackageCheck.js";
import { decodeEnum } from "./decode-enum.js";

// `satisfies Record<Wire…, …>`: a new CheckKind on the wire is a compile error here until it is mapped.

export const CHECK_KIND_TO_WIRE = {
  tcp: "CHECK_KIND_TCP",
  grpc: "CHECK_KIND_GRPC",
  http: "CHECK_KIND_HTTP",
  exec: "CHECK_KIND_EXEC",
} as const satisfies Record<CheckKind, WireCheckKind>;

/** UNSPECIFIED reads as `tcp`, the default kind. */
export const CHECK_KIND_FROM_WIRE = {
  CHECK_KIND_UNSPECIFIED: "tcp",
  CHECK_KIND_TCP: "tcp",
  CHECK_KIND_GRPC: "grpc",
  CHECK_KIND_HTTP: "http",
  CHECK_KIND_EXEC: "exec",
} as const satisfies Record<WireCheckKind, CheckKind>;

export function checkToWire(check: PackageCheck): WirePackageCheck {
  const wire: WirePackageCheck = {
    kind: CHECK_KIND_TO_WIRE[check.kind],
    interval_ms: check.intervalMs,
    timeout_ms: check.timeoutMs,
    rise: check.rise,
    fall: check.fall,
    command: check.command ? [...check.command] : [],
  };
  if (check.path !== undefined) wire.path = check.path;
  if (check.service !== undefined) wire.service = check.service;
  return wire;
}

export function checkFromWire(wire: WirePackageCheck, what = "check"): PackageCheck {
  const check: PackageCheck = {
    kind: decodeEnum(CHECK_KIND_FROM_WIRE, wire.kind, `${what} kind`),
    intervalMs: wire.interval_ms,
    timeoutMs: wire.timeout_ms,
    rise: wire.rise,
    fall: wire.fall,
  };
  if (wire.path !== undefined && wire.path !== null) check.path = wire.path;
  if (wire.service !== undefined && wire.service !== null) check.service = wire.service;
  if (wire.command.length > 0) check.command = [...wire.command];
  return check;
}
