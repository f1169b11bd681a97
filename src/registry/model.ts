/**
 * The registry model: plain data, shared by the router, the fixture format,
 * the manager's store and the agent's replica. Every change to a registry is a
 * list of entity-level operations (put or delete of a domain, host or type),
 * so the store, the replication stream, the digest and the router index all
 * speak the same small language.
 */
import { SliceCounter, type Steps } from "./steps.js";

// The value lists of each enum of the model, in the order people read them;
// the types are derived from them, so a list and its type cannot drift.
export const LIVENESS_VALUES = ["up", "down", "unknown"] as const;
export const POLICIES = ["ordered", "spread"] as const;
export const PACKAGE_STATES = ["enabled", "withdrawn"] as const;
export const PACKAGE_HEALTHS = ["healthy", "unhealthy"] as const;
export const MANAGER_ROLES = ["primary", "backup"] as const;
export const CHECK_KINDS = ["tcp", "grpc", "http", "exec"] as const;

export type Liveness = (typeof LIVENESS_VALUES)[number];
export type Policy = (typeof POLICIES)[number];
export type PackageState = (typeof PACKAGE_STATES)[number];
export type PackageHealth = (typeof PACKAGE_HEALTHS)[number];
export type ManagerRole = (typeof MANAGER_ROLES)[number];
export type CheckKind = (typeof CHECK_KINDS)[number];

export const REGISTRY_TYPE = "registry";
/** The example manager type of SPEC 8, which Agent.Authorize routes to. */
export const COMMAND_CONTROL_TYPE = "command-control";
export const ROOT_PATH = "/";
export const DEFAULT_ADDRESS = "127.0.0.1";

/**
 * How the agent of a package's host checks it (SPEC 13). Health turns
 * unhealthy after `fall` failures in a row and healthy after `rise`
 * successes in a row.
 */
export interface PackageCheck {
  kind: CheckKind;
  intervalMs: number;
  timeoutMs: number;
  rise: number;
  fall: number;
  /** http: the path asked; 2xx is healthy. Default DEFAULT_CHECK_PATH. */
  path?: string;
  /** grpc: the grpc.health.v1 service asked; SERVING is healthy. Default "" (the whole server). */
  service?: string;
  /** exec: the command's argv (no shell); exit 0 is healthy. */
  command?: string[];
}

/** The check of a package that names none. */
export const DEFAULT_CHECK: Readonly<PackageCheck> = { kind: "tcp", intervalMs: 1_000, timeoutMs: 1_000, rise: 2, fall: 3 };
export const DEFAULT_CHECK_PATH = "/healthz";

export interface PackageRecord {
  type: string;
  port: number;
  /** Lower is preferred. */
  priority: number;
  state: PackageState;
  health: PackageHealth;
  /** Only for packages of type `registry`. */
  role?: ManagerRole;
  /** Absent: DEFAULT_CHECK. */
  check?: PackageCheck;
}

export interface HostRecord {
  id: string;
  /** Path of the domain the host lives in. */
  domain: string;
  address: string;
  labels: Record<string, string>;
  maintenance: boolean;
  status: Liveness;
  /** At most one package per type, kept sorted by type. */
  packages: PackageRecord[];
}

/**
 * A package as a person or a request writes it (a fixture, a RegisterHost):
 * left-out fields take `newPackage`'s defaults.
 */
export interface PackageSpec {
  type: string;
  port: number;
  /** Default 0. */
  priority?: number;
  /** Default `enabled`. */
  state?: PackageState;
  /** Default `healthy`. */
  health?: PackageHealth;
  /** Only for type `registry`. */
  role?: ManagerRole;
  /** Default: DEFAULT_CHECK. */
  check?: PackageCheck;
}

/** A host as a person or a request writes it; left-out fields take `newHost`'s defaults. */
export interface HostSpec {
  id: string;
  /** Undefined or empty: `127.0.0.1`. */
  address?: string;
  labels?: Readonly<Record<string, string>>;
  maintenance?: boolean;
  packages?: readonly PackageSpec[];
}

export interface DomainRecord {
  path: string;
}

export interface TypeRecord {
  name: string;
  policy: Policy;
  /**
   * Health-threshold spill (SPEC 13), 0 to 1: a tier whose available share
   * of the type's packages is below it yields to the next tier that meets
   * it. Absent: 0 (never).
   */
  minHealthy?: number;
}

/**
 * A whole registry. Invariants: the root domain exists; every domain's
 * parent exists; every host's domain exists. Records are immutable: a change
 * puts a new record, it never edits one in place (indexes and the digest
 * hold on to the records they were given).
 */
export interface Registry {
  domains: Map<string, DomainRecord>;
  hosts: Map<string, HostRecord>;
  types: Map<string, TypeRecord>;
}

export type Op =
  | { kind: "put-domain"; domain: DomainRecord }
  | { kind: "delete-domain"; path: string }
  | { kind: "put-host"; host: HostRecord }
  | { kind: "delete-host"; id: string }
  | { kind: "put-type"; type: TypeRecord }
  | { kind: "delete-type"; name: string };

/**
 * Where a registry stands: the cluster it belongs to, the epoch of the
 * change at `revision`, and the state digest after it. The one shape of a
 * position, for the manager's store, an agent's replica, the watch feed and
 * snapshots (on disk it is written with the digest in hex).
 */
export interface Position {
  clusterId: string;
  epoch: number;
  revision: number;
  digest: Buffer;
}

/** One committed change: the ops of one mutation, at its place in history. */
export interface ChangeRecord {
  epoch: number;
  revision: number;
  /** The state digest after the change (see digest.ts). */
  digest: Uint8Array;
  ops: Op[];
  timeUnixMs: number;
  /** Why the change happened, for people ("host add agent-9", "heartbeat silence"). */
  cause: string;
}

export function emptyRegistry(): Registry {
  return {
    domains: new Map([[ROOT_PATH, { path: ROOT_PATH }]]),
    hosts: new Map(),
    types: new Map(),
  };
}

export function newPackage(type: string, port: number, fields: Partial<PackageRecord> = {}): PackageRecord {
  return { type, port, priority: 0, state: "enabled", health: "healthy", ...fields };
}

export function newHost(id: string, domain: string, fields: Partial<HostRecord> = {}): HostRecord {
  return {
    id,
    domain,
    address: DEFAULT_ADDRESS,
    labels: {},
    maintenance: false,
    status: "unknown",
    packages: [],
    ...fields,
  };
}

/** Applies ops to a registry in place. Assumes the ops were validated. */
export function applyOps(registry: Registry, ops: readonly Op[]): void {
  for (const op of ops) {
    switch (op.kind) {
      case "put-domain":
        registry.domains.set(op.domain.path, op.domain);
        break;
      case "delete-domain":
        registry.domains.delete(op.path);
        break;
      case "put-host":
        registry.hosts.set(op.host.id, op.host);
        break;
      case "delete-host":
        registry.hosts.delete(op.id);
        break;
      case "put-type":
        registry.types.set(op.type.name, op.type);
        break;
      case "delete-type":
        registry.types.delete(op.name);
        break;
    }
  }
}

/**
 * A registry's entities, listed at one moment: what is written or sent over
 * many turns of the event loop while the registry itself moves on (records
 * are never changed in place, so the lists stay true to that moment).
 */
export interface EntityLists {
  domains: readonly DomainRecord[];
  hosts: readonly HostRecord[];
  types: readonly TypeRecord[];
}

export function entityLists(registry: Readonly<Registry>): EntityLists {
  return { domains: [...registry.domains.values()], hosts: [...registry.hosts.values()], types: [...registry.types.values()] };
}

export function cloneRegistry(registry: Registry): Registry {
  return {
    domains: new Map(registry.domains),
    hosts: new Map(registry.hosts),
    types: new Map(registry.types),
  };
}

/**
 * `cloneRegistry` a slice of entries per step, for a caller that yields
 * between them: at 100,000 hosts one copy of the maps took 40 to 55 ms on
 * the 2-core machine, the whole of SPEC 16's stall budget. `registry` must
 * not change until the copy is done.
 */
export function* cloningRegistry(registry: Readonly<Registry>): Steps<Registry> {
  const slices = new SliceCounter();
  const domains = yield* copyingMap(registry.domains, slices);
  const hosts = yield* copyingMap(registry.hosts, slices);
  const types = yield* copyingMap(registry.types, slices);
  return { domains, hosts, types };
}

function* copyingMap<K, V>(from: ReadonlyMap<K, V>, slices: SliceCounter): Steps<Map<K, V>> {
  const to = new Map<K, V>();
  for (const [key, value] of from) {
    to.set(key, value);
    if (slices.due()) yield;
  }
  return to;
}

/** The ops that build `registry` from an empty one (root domain included). */
export function registryToOps(registry: Registry): Op[] {
  const ops: Op[] = [];
  for (const domain of sortedDomainPaths(registry)) ops.push({ kind: "put-domain", domain: { path: domain } });
  for (const type of registry.types.values()) ops.push({ kind: "put-type", type });
  for (const host of registry.hosts.values()) ops.push({ kind: "put-host", host });
  return ops;
}

/** Domain paths with every parent before its children. */
export function sortedDomainPaths(registry: Registry): string[] {
  return sortPaths(registry.domains.keys());
}

/**
 * Paths in comparePaths' order, each cut into segments once rather than at
 * every comparison (10,000 domains: a few ms instead of some 50).
 */
export function sortPaths(paths: Iterable<string>): string[] {
  const keyed = [...paths].map((path) => ({ path, segments: pathSegments(path) }));
  return keyed.sort((a, b) => compareSegments(a.segments, b.segments)).map((k) => k.path);
}

export function policyOf(registry: Registry, type: string): Policy {
  return registry.types.get(type)?.policy ?? "ordered";
}

export function minHealthyOf(registry: Registry, type: string): number {
  return registry.types.get(type)?.minHealthy ?? 0;
}

export function checkOf(pkg: PackageRecord): PackageCheck {
  return pkg.check ?? DEFAULT_CHECK;
}

export function packageOf(host: HostRecord, type: string): PackageRecord | undefined {
  return host.packages.find((p) => p.type === type);
}

export function endpointOf(address: string, port: number): string {
  return address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`;
}

// ---- domain paths ----

export function pathSegments(path: string): string[] {
  return path === ROOT_PATH ? [] : path.slice(1).split("/");
}

export function pathFromSegments(segments: readonly string[]): string {
  return "/" + segments.join("/");
}

export function parentPath(path: string): string | undefined {
  if (path === ROOT_PATH) return undefined;
  const cut = path.lastIndexOf("/");
  return cut === 0 ? ROOT_PATH : path.slice(0, cut);
}

export function joinPath(parent: string, segment: string): string {
  return parent === ROOT_PATH ? `/${segment}` : `${parent}/${segment}`;
}

export function isSameOrDescendant(path: string, ancestor: string): boolean {
  return ancestor === ROOT_PATH || path === ancestor || path.startsWith(ancestor + "/");
}

/** Code-unit order, the same everywhere (no locale): ids, types, label keys. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Segment by segment; a proper prefix sorts first. */
export function comparePaths(a: string, b: string): number {
  return a === b ? 0 : compareSegments(pathSegments(a), pathSegments(b));
}

export function compareSegments(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
