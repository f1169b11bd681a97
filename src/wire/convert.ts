/**
 * Pure conversions between the registry model (src/router/model.ts) and the
 * cairn.v1 wire messages. `…ToWire` functions return fully populated
 * `…__Output` objects, usable both as replies and as input to `…FromWire`.
 * `…FromWire` functions expect objects decoded with the loader options of
 * proto-loader.ts (defaults and virtual oneof fields on) and reject what the
 * model cannot represent (an unknown enum value, an op with no operation, a
 * put without its entity, a malformed digest) with INVALID_ARGUMENT.
 *
 * They check structure only: name syntax, port ranges and the registry's
 * invariants belong to src/router/names.ts and the registry validation.
 */
import { invalidArgument } from "../errors.js";
import { DIGEST_BYTES } from "../registry/digest.js";
import { checkFromWire, checkToWire } from "./check-convert.js";
import { decodeEnum } from "./decode-enum.js";
import type {
  ChangeRecord,
  DomainRecord,
  HostRecord,
  Liveness,
  ManagerRole,
  Op,
  PackageHealth,
  PackageRecord,
  PackageState,
  Policy,
  TypeRecord,
} from "../registry/model.js";
import type { Candidate__Output as WireCandidate } from "../generated/cairn/v1/Candidate.js";
import type { Change__Output as WireChange } from "../generated/cairn/v1/Change.js";
import type { Domain__Output as WireDomain } from "../generated/cairn/v1/Domain.js";
import type { Host__Output as WireHost } from "../generated/cairn/v1/Host.js";
import type { Liveness__Output as WireLiveness } from "../generated/cairn/v1/Liveness.js";
import type { ManagerRole__Output as WireManagerRole } from "../generated/cairn/v1/ManagerRole.js";
import type { Op__Output as WireOp } from "../generated/cairn/v1/Op.js";
import type { Package__Output as WirePackage } from "../generated/cairn/v1/Package.js";
import type { PackageHealth__Output as WirePackageHealth } from "../generated/cairn/v1/PackageHealth.js";
import type { PackageState__Output as WirePackageState } from "../generated/cairn/v1/PackageState.js";
import type { Policy__Output as WirePolicy } from "../generated/cairn/v1/Policy.js";
import type { Route__Output as WireRoute } from "../generated/cairn/v1/Route.js";
import type { Skipped__Output as WireSkipped } from "../generated/cairn/v1/Skipped.js";
import type { Spill__Output as WireSpill } from "../generated/cairn/v1/Spill.js";
import type { TypeSpec__Output as WireTypeSpec } from "../generated/cairn/v1/TypeSpec.js";
import {
  SKIP_REASONS,
  TIERS,
  type Route,
  type RouteCandidate,
  type RoutePosition,
  type SkippedPackage,
  type SkipReason,
  type Spill,
  type Tier,
  type YieldedTier,
} from "../router/route.js";

// ---- enum tables ----
// `satisfies Record<Wire…, …>` makes a regenerated enum with a new value a
// compile error here until it is mapped.

export const LIVENESS_TO_WIRE = {
  unknown: "LIVENESS_UNKNOWN",
  up: "LIVENESS_UP",
  down: "LIVENESS_DOWN",
} as const satisfies Record<Liveness, WireLiveness>;

export const LIVENESS_FROM_WIRE = {
  LIVENESS_UNSPECIFIED: "unknown",
  LIVENESS_UNKNOWN: "unknown",
  LIVENESS_UP: "up",
  LIVENESS_DOWN: "down",
} as const satisfies Record<WireLiveness, Liveness>;

export const POLICY_TO_WIRE = {
  ordered: "POLICY_ORDERED",
  spread: "POLICY_SPREAD",
} as const satisfies Record<Policy, WirePolicy>;

export const POLICY_FROM_WIRE = {
  POLICY_UNSPECIFIED: "ordered",
  POLICY_ORDERED: "ordered",
  POLICY_SPREAD: "spread",
} as const satisfies Record<WirePolicy, Policy>;

export const PACKAGE_STATE_TO_WIRE = {
  enabled: "PACKAGE_STATE_ENABLED",
  withdrawn: "PACKAGE_STATE_WITHDRAWN",
} as const satisfies Record<PackageState, WirePackageState>;

export const PACKAGE_STATE_FROM_WIRE = {
  PACKAGE_STATE_UNSPECIFIED: "enabled",
  PACKAGE_STATE_ENABLED: "enabled",
  PACKAGE_STATE_WITHDRAWN: "withdrawn",
} as const satisfies Record<WirePackageState, PackageState>;

export const PACKAGE_HEALTH_TO_WIRE = {
  healthy: "PACKAGE_HEALTH_HEALTHY",
  unhealthy: "PACKAGE_HEALTH_UNHEALTHY",
} as const satisfies Record<PackageHealth, WirePackageHealth>;

export const PACKAGE_HEALTH_FROM_WIRE = {
  PACKAGE_HEALTH_UNSPECIFIED: "healthy",
  PACKAGE_HEALTH_HEALTHY: "healthy",
  PACKAGE_HEALTH_UNHEALTHY: "unhealthy",
} as const satisfies Record<WirePackageHealth, PackageHealth>;

export const MANAGER_ROLE_TO_WIRE = {
  primary: "MANAGER_ROLE_PRIMARY",
  backup: "MANAGER_ROLE_BACKUP",
} as const satisfies Record<ManagerRole, WireManagerRole>;

/** UNSPECIFIED means "no role" (every package whose type is not `registry`). */
export const MANAGER_ROLE_FROM_WIRE = {
  MANAGER_ROLE_UNSPECIFIED: undefined,
  MANAGER_ROLE_PRIMARY: "primary",
  MANAGER_ROLE_BACKUP: "backup",
} as const satisfies Record<WireManagerRole, ManagerRole | undefined>;

export const livenessToWire = (value: Liveness): WireLiveness => LIVENESS_TO_WIRE[value];
export const livenessFromWire = (value: WireLiveness, what = "liveness"): Liveness =>
  decodeEnum(LIVENESS_FROM_WIRE, value, what);

export const policyToWire = (value: Policy): WirePolicy => POLICY_TO_WIRE[value];
/** POLICY_UNSPECIFIED reads as `ordered`; a request that must name a policy checks for it first. */
export const policyFromWire = (value: WirePolicy, what = "policy"): Policy => decodeEnum(POLICY_FROM_WIRE, value, what);

export const packageStateToWire = (value: PackageState): WirePackageState => PACKAGE_STATE_TO_WIRE[value];
export const packageStateFromWire = (value: WirePackageState, what = "package state"): PackageState =>
  decodeEnum(PACKAGE_STATE_FROM_WIRE, value, what);

export const packageHealthToWire = (value: PackageHealth): WirePackageHealth => PACKAGE_HEALTH_TO_WIRE[value];
export const packageHealthFromWire = (value: WirePackageHealth, what = "package health"): PackageHealth =>
  decodeEnum(PACKAGE_HEALTH_FROM_WIRE, value, what);

export const managerRoleToWire = (value: ManagerRole | undefined): WireManagerRole =>
  value === undefined ? "MANAGER_ROLE_UNSPECIFIED" : MANAGER_ROLE_TO_WIRE[value];
export const managerRoleFromWire = (value: WireManagerRole, what = "role"): ManagerRole | undefined =>
  decodeEnum(MANAGER_ROLE_FROM_WIRE, value, what);

// ---- helpers ----

function required<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw invalidArgument(`${what} is missing`);
  return value;
}

/** An entity key (domain path, host id, type name) must at least be present. */
function requiredKey(value: string | undefined, what: string): string {
  if (!value) throw invalidArgument(`${what} is missing`);
  return value;
}

function revisionNumber(value: number, what: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw invalidArgument(`${what} ${value} must be a positive integer`);
  return value;
}

/** Views the bytes as a Buffer without copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// ---- entities ----

export function domainToWire(domain: DomainRecord): WireDomain {
  return { path: domain.path };
}

export function domainFromWire(wire: WireDomain, what = "domain"): DomainRecord {
  return { path: requiredKey(wire.path, `${what} path`) };
}

/** `min_healthy` travels only when the type has one: its absence means 0 and keeps the record as it was. */
export function typeToWire(type: TypeRecord): WireTypeSpec {
  const wire: WireTypeSpec = { name: type.name, policy: policyToWire(type.policy) };
  if (type.minHealthy !== undefined) wire.min_healthy = type.minHealthy;
  return wire;
}

export function typeFromWire(wire: WireTypeSpec, what = "type"): TypeRecord {
  const name = requiredKey(wire.name, `${what} name`);
  const type: TypeRecord = { name, policy: policyFromWire(wire.policy, `type ${name} policy`) };
  if (wire.min_healthy !== undefined && wire.min_healthy !== null) type.minHealthy = wire.min_healthy;
  return type;
}

export function packageToWire(pkg: PackageRecord): WirePackage {
  return {
    type: pkg.type,
    port: pkg.port,
    priority: pkg.priority,
    state: packageStateToWire(pkg.state),
    health: packageHealthToWire(pkg.health),
    role: managerRoleToWire(pkg.role),
    check: pkg.check ? checkToWire(pkg.check) : null,
  };
}

/**
 * `role` and `check` are set only when the wire names them, so records
 * compare equal to ones built by `newPackage`.
 */
export function packageFromWire(wire: WirePackage, what = "package"): PackageRecord {
  const type = requiredKey(wire.type, `${what} type`);
  const where = `${what} ${type}`;
  const pkg: PackageRecord = {
    type,
    port: wire.port,
    priority: wire.priority,
    state: packageStateFromWire(wire.state, `${where} state`),
    health: packageHealthFromWire(wire.health, `${where} health`),
  };
  const role = managerRoleFromWire(wire.role, `${where} role`);
  if (role !== undefined) pkg.role = role;
  if (wire.check) pkg.check = checkFromWire(wire.check, `${where} check`);
  return pkg;
}

export function hostToWire(host: HostRecord): WireHost {
  return {
    id: host.id,
    domain: host.domain,
    address: host.address,
    labels: { ...host.labels },
    maintenance: host.maintenance,
    status: livenessToWire(host.status),
    packages: host.packages.map(packageToWire),
  };
}

export function hostFromWire(wire: WireHost, what = "host"): HostRecord {
  const id = requiredKey(wire.id, `${what} id`);
  const where = `host ${id}`;
  return {
    id,
    domain: requiredKey(wire.domain, `${where} domain`),
    address: wire.address,
    labels: Object.fromEntries(Object.entries(wire.labels)),
    maintenance: wire.maintenance,
    status: livenessFromWire(wire.status, `${where} status`),
    packages: wire.packages.map((p, i) => packageFromWire(p, `${where} package ${i}`)),
  };
}

// ---- ops and changes ----

export function opToWire(op: Op): WireOp {
  switch (op.kind) {
    case "put-domain":
      return { op: "put_domain", put_domain: domainToWire(op.domain) };
    case "delete-domain":
      return { op: "delete_domain", delete_domain: op.path };
    case "put-host":
      return { op: "put_host", put_host: hostToWire(op.host) };
    case "delete-host":
      return { op: "delete_host", delete_host: op.id };
    case "put-type":
      return { op: "put_type", put_type: typeToWire(op.type) };
    case "delete-type":
      return { op: "delete_type", delete_type: op.name };
  }
}

export function opFromWire(wire: WireOp, what = "op"): Op {
  switch (wire.op) {
    case "put_domain":
      return { kind: "put-domain", domain: domainFromWire(required(wire.put_domain, `${what} put_domain`), what) };
    case "delete_domain":
      return { kind: "delete-domain", path: requiredKey(wire.delete_domain, `${what} delete_domain`) };
    case "put_host":
      return { kind: "put-host", host: hostFromWire(required(wire.put_host, `${what} put_host`), what) };
    case "delete_host":
      return { kind: "delete-host", id: requiredKey(wire.delete_host, `${what} delete_host`) };
    case "put_type":
      return { kind: "put-type", type: typeFromWire(required(wire.put_type, `${what} put_type`), what) };
    case "delete_type":
      return { kind: "delete-type", name: requiredKey(wire.delete_type, `${what} delete_type`) };
    case undefined:
      throw invalidArgument(`${what} has no operation`);
    default:
      throw invalidArgument(`${what} has an unknown operation ${JSON.stringify(wire.op)}`);
  }
}

export function changeToWire(change: ChangeRecord): WireChange {
  return {
    epoch: change.epoch,
    revision: change.revision,
    digest: asBuffer(change.digest),
    ops: change.ops.map(opToWire),
    time_unix_ms: change.timeUnixMs,
    cause: change.cause,
  };
}

/**
 * The digest is copied: a decoded one is a view into the whole received
 * message, which a change kept in memory would otherwise pin.
 */
export function changeFromWire(wire: WireChange): ChangeRecord {
  const revision = revisionNumber(wire.revision, "change revision");
  const what = `change ${revision}`;
  const epoch = revisionNumber(wire.epoch, `${what} epoch`);
  if (wire.digest.length !== DIGEST_BYTES) {
    throw invalidArgument(`${what} digest has ${wire.digest.length} bytes, not ${DIGEST_BYTES}`);
  }
  return {
    epoch,
    revision,
    digest: Buffer.from(wire.digest),
    ops: wire.ops.map((op, i) => opFromWire(op, `${what} op ${i}`)),
    timeUnixMs: wire.time_unix_ms,
    cause: wire.cause,
  };
}

// ---- routes ----

function isTier(value: string): value is Tier {
  return (TIERS as readonly string[]).includes(value);
}

function isSkipReason(value: string): value is SkipReason {
  return (SKIP_REASONS as readonly string[]).includes(value);
}

export function routeToWire(route: Route, at: RoutePosition = { revision: 0, epoch: 0 }): WireRoute {
  return {
    from: route.from,
    type: route.type,
    candidates: route.candidates.map((c) => {
      const wire: WireCandidate = { host: c.host, domain: c.domain, tier: c.tier, endpoint: c.endpoint };
      if (c.priority !== undefined) wire.priority = c.priority;
      if (c.tierRank !== undefined) wire.tier_rank = c.tierRank;
      return wire;
    }),
    skipped: (route.skipped ?? []).map((s): WireSkipped => ({ host: s.host, domain: s.domain ?? "", reason: s.reason, ejected_for_ms: Math.round(s.ejectedForMs ?? 0) })),
    revision: at.revision,
    epoch: at.epoch,
    explained: route.skipped !== undefined,
    spill: route.spill ? spillToWire(route.spill) : null,
  };
}

function spillToWire(spill: Spill): WireSpill {
  return {
    min_healthy: spill.minHealthy,
    yielded: spill.yielded.map((y) => ({ tier: y.tier, available: y.available, of: y.of, reason: y.reason })),
    panic: spill.panic,
    reason: spill.reason ?? "",
  };
}

function spillFromWire(wire: WireSpill): Spill {
  const spill: Spill = {
    minHealthy: wire.min_healthy,
    yielded: wire.yielded.map((y): YieldedTier => ({ tier: y.tier, available: y.available, of: y.of, reason: y.reason })),
    panic: wire.panic,
  };
  if (wire.reason) spill.reason = wire.reason;
  return spill;
}

/** For clients of Resolve and WatchRoute (the CLI, routed calls). */
export function routeFromWire(wire: WireRoute): Route & RoutePosition {
  const route: Route & RoutePosition = {
    from: wire.from,
    type: wire.type,
    candidates: wire.candidates.map((c, i) => {
      if (!isTier(c.tier)) throw invalidArgument(`route candidate ${i} (${c.host}): unknown tier ${JSON.stringify(c.tier)}`);
      const candidate: RouteCandidate = {
        host: requiredKey(c.host, `route candidate ${i} host`),
        domain: c.domain,
        tier: c.tier,
        endpoint: requiredKey(c.endpoint, `route candidate ${i} endpoint`),
      };
      if (c.priority !== undefined) candidate.priority = c.priority;
      if (c.tier_rank !== undefined) candidate.tierRank = c.tier_rank;
      return candidate;
    }),
    revision: wire.revision,
    epoch: wire.epoch,
  };
  if (wire.explained) {
    route.skipped = wire.skipped.map((s, i): SkippedPackage => {
      if (!isSkipReason(s.reason)) throw invalidArgument(`route skipped ${i} (${s.host}): unknown reason ${JSON.stringify(s.reason)}`);
      const skipped: SkippedPackage = s.domain ? { host: s.host, domain: s.domain, reason: s.reason } : { host: s.host, reason: s.reason };
      if (s.reason === "ejected") skipped.ejectedForMs = s.ejected_for_ms;
      return skipped;
    });
  }
  if (wire.spill) route.spill = spillFromWire(wire.spill);
  return route;
}
