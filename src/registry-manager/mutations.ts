/**
 * Every write to the registry, as a pure function from the registry to the
 * ops of one change (SPEC sections 5, 7 and 9). No I/O, no clock: the store
 * applies what a mutation returns as one atomic batch, and the route index,
 * the replicas and the digest apply the same ops.
 *
 * Contract of a `Mutation`:
 * - it reads the registry as it is when the write is applied, and either
 *   throws a CairnError (nothing is written) or returns the ops of one change;
 * - `[]` means the request changes nothing (the store adds no revision);
 * - it never mutates the state it is given: every record it writes is new;
 * - its ops keep the registry consistent after EACH op, because the route
 *   index applies them one at a time: a domain is put after its parent; a
 *   domain is deleted only once it holds no host and no subdomain (hosts are
 *   deleted or moved first, children before parents); a host is put only into
 *   an existing domain; `put-host` carries the whole record, with its packages
 *   sorted by type, at most one per type.
 *
 * Factories never throw: every problem, with the request or with the state,
 * is thrown when the mutation is applied, so a caller catches in one place.
 */

import { aborted, alreadyExists, failedPrecondition, invalidArgument, notFound } from "../errors.js";
import {
  DEFAULT_ADDRESS,
  REGISTRY_TYPE,
  ROOT_PATH,
  applyOps,
  comparePaths,
  isSameOrDescendant,
  joinPath,
  newHost,
  newPackage,
  packageOf,
  parentPath,
  pathSegments,
} from "../router/model.js";
import type {
  DomainRecord,
  HostRecord,
  Liveness,
  ManagerRole,
  Op,
  PackageHealth,
  PackageRecord,
  PackageState,
  Policy,
  Registry,
} from "../router/model.js";
import {
  MAX_LABELS,
  MAX_PACKAGES_PER_HOST,
  MAX_PATH_SEGMENTS,
  addressProblem,
  domainPathProblem,
  hostIdProblem,
  labelProblem,
  portProblem,
  priorityProblem,
  typeNameProblem,
} from "../router/names.js";

/** One write: the ops of one change for the registry as it is, or a thrown CairnError. */
export type Mutation = (state: Readonly<Registry>) => Op[];

const POLICIES: readonly Policy[] = ["ordered", "spread"];
const LIVENESS_VALUES: readonly Liveness[] = ["up", "down", "unknown"];
const PACKAGE_STATES: readonly PackageState[] = ["enabled", "withdrawn"];
const PACKAGE_HEALTHS: readonly PackageHealth[] = ["healthy", "unhealthy"];
const MANAGER_ROLES: readonly ManagerRole[] = ["primary", "backup"];
/** How many names a message lists before it says "…". */
const NAMES_IN_MESSAGE = 5;

// ---- expected revision ----

/** Throws ABORTED when the caller expected another revision than the registry's. */
export function checkExpectedRevision(expected: number | undefined, current: number): void {
  if (expected !== undefined && expected !== current) {
    throw aborted(`registry is at revision ${current}, not ${expected}`);
  }
}

// ---- composition ----

/**
 * Several mutations as one change: each sees the registry as the previous
 * ones left it, and their ops are concatenated (the heartbeat path uses it
 * for first contact + liveness + health). The earlier mutations' ops are
 * applied to the given registry and undone before returning, whatever
 * happens: a copy of every map would cost the whole registry per heartbeat.
 */
export function combine(...mutations: readonly Mutation[]): Mutation {
  return (state) => {
    const registry = state as Registry;
    const ops: Op[] = [];
    const undo: (() => void)[] = [];
    try {
      mutations.forEach((mutation, i) => {
        const next = mutation(registry);
        ops.push(...next);
        if (i < mutations.length - 1) for (const op of next) undo.push(applyUndoably(registry, op));
      });
      return ops;
    } finally {
      for (const restore of undo.reverse()) restore();
    }
  };
}

/** Applies one op and returns what puts the registry back as it was. */
function applyUndoably(registry: Registry, op: Op): () => void {
  const keep = <V>(map: Map<string, V>, key: string) => {
    const had = map.has(key);
    const old = map.get(key);
    return () => (had ? map.set(key, old as V) : map.delete(key));
  };
  let restore: () => void;
  switch (op.kind) {
    case "put-domain":
    case "delete-domain":
      restore = keep(registry.domains, op.kind === "put-domain" ? op.domain.path : op.path);
      break;
    case "put-host":
    case "delete-host":
      restore = keep(registry.hosts, op.kind === "put-host" ? op.host.id : op.id);
      break;
    case "put-type":
    case "delete-type":
      restore = keep(registry.types, op.kind === "put-type" ? op.type.name : op.name);
      break;
  }
  applyOps(registry, [op]);
  return restore;
}

// ---- domains ----

/**
 * Creates the domain `path`. Missing parents are created in the same change,
 * parents first, like `mkdir -p`: an operator adding `/emea/paris` to a tree
 * without `/emea` wants both, not an error.
 */
export function createDomain(path: string): Mutation {
  return (state) => {
    requireValid(domainPathProblem(path));
    if (state.domains.has(path)) throw alreadyExists(`domain "${path}" already exists`);
    return missingDomainOps(state, path);
  };
}

/**
 * Deletes the domain `path`. Without `recursive` it must be empty; with it,
 * every host and subdomain below it goes too, in the same change.
 */
export function deleteDomain(path: string, recursive = false): Mutation {
  return (state) => {
    requireValid(domainPathProblem(path));
    if (path === ROOT_PATH) throw invalidArgument(`the root domain "/" cannot be deleted`);
    requireDomain(state, path);
    const domains = subtreePaths(state, path);
    const hosts = hostsUnder(state, path);
    if (!recursive && (hosts.length > 0 || domains.length > 1)) {
      const directHosts = hosts.filter((h) => h.domain === path).length;
      const children = domains.filter((d) => parentPath(d) === path).length;
      const held = [count(directHosts, "host"), count(children, "subdomain")].filter((part) => !part.startsWith("0 "));
      const all = hosts.length > directHosts ? ` (${count(hosts.length, "host")} in all below it)` : "";
      throw failedPrecondition(
        `domain "${path}" holds ${joinWords(held)}${all}; ` +
          `use --recursive to delete it with everything in it`,
      );
    }
    const ops: Op[] = hosts.map((h) => ({ kind: "delete-host", id: h.id }));
    for (const d of [...domains].reverse()) ops.push({ kind: "delete-domain", path: d });
    return ops;
  };
}

/**
 * Moves the domain `path`, with its subdomains and hosts, under `newParent`:
 * it becomes `newParent/<its last segment>`. Moving it to its current parent
 * changes nothing.
 */
export function moveDomain(path: string, newParent: string): Mutation {
  return (state) => {
    requireValid(domainPathProblem(path), domainPathProblem(newParent));
    if (path === ROOT_PATH) throw invalidArgument(`the root domain "/" cannot be moved`);
    requireDomain(state, path);
    if (!state.domains.has(newParent)) throw notFound(`new parent domain "${newParent}" not found`);
    if (isSameOrDescendant(newParent, path)) {
      throw invalidArgument(
        newParent === path
          ? `cannot move domain "${path}" under itself`
          : `cannot move domain "${path}" under "${newParent}", which is inside it`,
      );
    }
    if (parentPath(path) === newParent) return [];
    const name = path.slice(path.lastIndexOf("/") + 1);
    const newPath = joinPath(newParent, name);
    if (state.domains.has(newPath)) {
      throw alreadyExists(`domain "${newParent}" already has a subdomain "${name}" (${newPath})`);
    }
    const domains = subtreePaths(state, path);
    const rename = (p: string) => newPath + p.slice(path.length);
    const deepest = domains.reduce((a, b) => (segmentCount(b) > segmentCount(a) ? b : a));
    const deepestAfter = rename(deepest);
    if (segmentCount(deepestAfter) > MAX_PATH_SEGMENTS) {
      throw invalidArgument(
        `moving domain "${path}" under "${newParent}" would make "${deepestAfter}" ` +
          `${segmentCount(deepestAfter)} segments deep, more than ${MAX_PATH_SEGMENTS}`,
      );
    }
    const ops: Op[] = domains.map((d) => ({ kind: "put-domain", domain: { path: rename(d) } }));
    for (const host of hostsUnder(state, path)) ops.push({ kind: "put-host", host: { ...host, domain: rename(host.domain) } });
    for (const d of [...domains].reverse()) ops.push({ kind: "delete-domain", path: d });
    return ops;
  };
}

// ---- hosts ----

/** A package as a request gives it; left out fields take `newPackage`'s defaults. */
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
}

/** A host to register; left out fields take `newHost`'s defaults. */
export interface HostSpec {
  id: string;
  /** Path of an existing domain. */
  domain: string;
  /** Undefined or empty: `127.0.0.1`. */
  address?: string;
  labels?: Readonly<Record<string, string>>;
  packages?: readonly PackageSpec[];
  maintenance?: boolean;
}

/** Registers a new host in an existing domain. Its liveness starts `unknown`. */
export function registerHost(spec: HostSpec): Mutation {
  return (state) => {
    const problems = new Problems();
    problems.add(hostIdProblem(spec.id), domainPathProblem(spec.domain));
    const address = spec.address || DEFAULT_ADDRESS;
    problems.add(addressProblem(address));
    const labels = spec.labels ?? {};
    problems.add(...labelsProblems(labels));
    const specs = spec.packages ?? [];
    if (specs.length > MAX_PACKAGES_PER_HOST) {
      problems.add(`host "${spec.id}": ${specs.length} packages, more than ${MAX_PACKAGES_PER_HOST}`);
    }
    const seen = new Set<string>();
    for (const p of specs) {
      problems.add(...packageSpecProblems(p));
      if (seen.has(p.type)) problems.add(`host "${spec.id}": two packages of type "${p.type}"`);
      seen.add(p.type);
    }
    if (spec.maintenance !== undefined && typeof spec.maintenance !== "boolean") {
      problems.add(`maintenance must be true or false`);
    }
    problems.throwIfAny();

    const existing = state.hosts.get(spec.id);
    if (existing) throw alreadyExists(`host "${spec.id}" already exists (in domain "${existing.domain}")`);
    requireDomain(state, spec.domain);
    const host = newHost(spec.id, spec.domain, {
      address,
      labels: sortedLabels(labels),
      maintenance: spec.maintenance ?? false,
      packages: sortPackages(specs.map(packageFromSpec)),
    });
    return [{ kind: "put-host", host }];
  };
}

/** Moves a host to another existing domain. */
export function moveHost(id: string, domain: string): Mutation {
  return (state) => {
    requireValid(hostIdProblem(id), domainPathProblem(domain));
    const host = requireHost(state, id);
    requireDomain(state, domain);
    if (host.domain === domain) return [];
    return [{ kind: "put-host", host: { ...host, domain } }];
  };
}

export function removeHost(id: string): Mutation {
  return (state) => {
    requireValid(hostIdProblem(id));
    requireHost(state, id);
    return [{ kind: "delete-host", id }];
  };
}

/** The admin flag: a host in maintenance is in no route. */
export function setMaintenance(id: string, on: boolean): Mutation {
  return (state) => {
    requireValid(hostIdProblem(id), typeof on === "boolean" ? undefined : `maintenance must be true or false`);
    const host = requireHost(state, id);
    if (host.maintenance === on) return [];
    return [{ kind: "put-host", host: { ...host, maintenance: on } }];
  };
}

export interface LabelEdit {
  /** Pairs to write. */
  set?: Readonly<Record<string, string>>;
  /** Keys to delete (absent keys are ignored). Must be empty with `replace`. */
  remove?: readonly string[];
  /** The labels become exactly `set`. */
  replace?: boolean;
}

/**
 * Edits a host's labels: with `replace` they become exactly `set`; otherwise
 * the keys of `remove` are deleted, then the pairs of `set` written. A key in
 * both is INVALID_ARGUMENT (the request would not say what it wants).
 */
export function setLabels(id: string, edit: LabelEdit): Mutation {
  return (state) => {
    const set = edit.set ?? {};
    const remove = edit.remove ?? [];
    const problems = new Problems();
    problems.add(hostIdProblem(id), ...labelsProblems(set));
    if (edit.replace && remove.length > 0) {
      problems.add(`labels to remove (${listNames(remove)}) make no sense with replace, which keeps only the labels set`);
    }
    const both = remove.filter((key) => Object.hasOwn(set, key));
    if (both.length > 0) problems.add(`label ${plural(both.length, "key")} ${listNames(both)} both set and removed`);
    problems.throwIfAny();

    const host = requireHost(state, id);
    let next: Record<string, string>;
    if (edit.replace) {
      next = { ...set };
    } else {
      next = { ...host.labels };
      for (const key of remove) delete next[key];
      Object.assign(next, set);
    }
    const size = Object.keys(next).length;
    if (size > MAX_LABELS) {
      throw failedPrecondition(`host "${id}" would have ${size} labels, more than ${MAX_LABELS}; remove some first`);
    }
    if (sameLabels(host.labels, next)) return [];
    return [{ kind: "put-host", host: { ...host, labels: sortedLabels(next) } }];
  };
}

// ---- packages ----

export interface DeployOptions {
  /** Undefined: 0 for a new package, unchanged for an existing one. */
  priority?: number;
  /** Only for type `registry`. Undefined: none for a new package, unchanged for an existing one. */
  role?: ManagerRole;
}

/**
 * Deploys a package of `type` on `hostId` (enabled and healthy), or updates
 * the port, priority and role of the one it has (its state and health are
 * kept).
 */
export function deployPackage(hostId: string, type: string, port: number, options: DeployOptions = {}): Mutation {
  return (state) => {
    const { priority, role } = options;
    const problems = new Problems();
    problems.add(hostIdProblem(hostId), ...packageSpecProblems({ type, port, priority, role }));
    problems.throwIfAny();
    const host = requireHost(state, hostId);
    const existing = packageOf(host, type);
    if (!existing && host.packages.length >= MAX_PACKAGES_PER_HOST) {
      throw failedPrecondition(
        `host "${hostId}" already carries ${host.packages.length} packages, the most a host may carry; remove one first`,
      );
    }
    const pkg: PackageRecord = existing
      ? { ...existing, port, priority: priority ?? existing.priority }
      : newPackage(type, port, { priority: priority ?? 0 });
    if (role !== undefined) pkg.role = role;
    if (existing && samePackage(existing, pkg)) return [];
    return [{ kind: "put-host", host: withPackage(host, pkg) }];
  };
}

/** Takes a package out of every route, keeping it in the registry. */
export function withdrawPackage(hostId: string, type: string): Mutation {
  return setPackageState(hostId, type, "withdrawn");
}

/** Undoes `withdrawPackage`. */
export function restorePackage(hostId: string, type: string): Mutation {
  return setPackageState(hostId, type, "enabled");
}

function setPackageState(hostId: string, type: string, packageState: PackageState): Mutation {
  return (state) => {
    const { host, pkg } = requirePackage(state, hostId, type);
    if (pkg.state === packageState) return [];
    return [{ kind: "put-host", host: withPackage(host, { ...pkg, state: packageState }) }];
  };
}

export function removePackage(hostId: string, type: string): Mutation {
  return (state) => {
    const { host } = requirePackage(state, hostId, type);
    return [{ kind: "put-host", host: { ...host, packages: host.packages.filter((p) => p.type !== type) } }];
  };
}

// ---- types ----

/**
 * Sets the routing policy of a manager type. Setting `ordered` (the default)
 * on a type without a record still writes one: a type record makes the type
 * known to routes and exports, so it is a change.
 */
export function setTypePolicy(type: string, policy: Policy): Mutation {
  return (state) => {
    requireValid(typeNameProblem(type), oneOfProblem(policy, POLICIES, `policy of type "${type}"`));
    if (state.types.get(type)?.policy === policy) return [];
    return [{ kind: "put-type", type: { name: type, policy } }];
  };
}

// ---- liveness (the heartbeat path) ----

export function setHostStatus(id: string, status: Liveness): Mutation {
  return (state) => {
    requireValid(hostIdProblem(id), oneOfProblem(status, LIVENESS_VALUES, `liveness of host "${id}"`));
    const host = requireHost(state, id);
    if (host.status === status) return [];
    return [{ kind: "put-host", host: { ...host, status } }];
  };
}

export interface HealthReport {
  type: string;
  health: PackageHealth;
}

/**
 * Records the health an agent reports for its host's packages. Types the host
 * does not carry are ignored (the agent may be a change behind the registry);
 * when a type is reported twice, the last report wins.
 */
export function reportHealth(id: string, healths: readonly HealthReport[]): Mutation {
  return (state) => {
    const problems = new Problems();
    problems.add(hostIdProblem(id));
    for (const h of healths) problems.add(oneOfProblem(h.health, PACKAGE_HEALTHS, `health of package "${h.type}"`));
    problems.throwIfAny();
    const host = requireHost(state, id);
    const reported = new Map(healths.map((h) => [h.type, h.health]));
    let changed = false;
    const packages = host.packages.map((pkg) => {
      const health = reported.get(pkg.type);
      if (health === undefined || health === pkg.health) return pkg;
      changed = true;
      return { ...pkg, health };
    });
    return changed ? [{ kind: "put-host", host: { ...host, packages } }] : [];
  };
}

export interface FirstContact {
  /** Undefined or empty: the root domain. */
  domain?: string;
  /** Undefined or empty: `127.0.0.1`. */
  address?: string;
}

/**
 * Registers a host that contacts the registry for the first time (SPEC 6), in
 * the domain its agent names. A host already registered is left alone: an
 * operator may have moved it, and its own agent never moves it back.
 */
export function firstContact(id: string, contact: FirstContact = {}): Mutation {
  return (state) => {
    const domain = contact.domain || ROOT_PATH;
    const address = contact.address || DEFAULT_ADDRESS;
    requireValid(hostIdProblem(id), domainPathProblem(domain), addressProblem(address));
    if (state.hosts.has(id)) return [];
    requireDomain(state, domain);
    return [{ kind: "put-host", host: newHost(id, domain, { address }) }];
  };
}

export interface RegistryPackage {
  port: number;
  role: ManagerRole;
  /** Where to register the host when it is missing. Undefined or empty: the root domain. */
  domain?: string;
  /** The host's address when it is registered here. Undefined or empty: `127.0.0.1`. */
  address?: string;
}

/**
 * A registry manager keeps its own `registry` package current (SPEC 7): its
 * host is registered if missing, and its `registry` package carries the port
 * the manager bound and its role. A missing domain path is created (parents
 * first): unlike an agent, a manager owns the registry, and a manager started
 * with `--bootstrap` in a domain of its own would otherwise never register.
 * A registered host stays where it is, with its address; an existing package
 * keeps its priority, state and health.
 */
export function ensureRegistryPackage(hostId: string, wanted: RegistryPackage): Mutation {
  return (state) => {
    const domain = wanted.domain || ROOT_PATH;
    const address = wanted.address || DEFAULT_ADDRESS;
    requireValid(
      hostIdProblem(hostId),
      portProblem(wanted.port),
      oneOfProblem(wanted.role, MANAGER_ROLES, `role of the registry manager on "${hostId}"`),
      domainPathProblem(domain),
      addressProblem(address),
    );
    const pkgFor = (existing: PackageRecord | undefined): PackageRecord =>
      existing
        ? { ...existing, port: wanted.port, role: wanted.role }
        : newPackage(REGISTRY_TYPE, wanted.port, { role: wanted.role });
    const host = state.hosts.get(hostId);
    if (host) {
      const existing = packageOf(host, REGISTRY_TYPE);
      if (existing && existing.port === wanted.port && existing.role === wanted.role) return [];
      return [{ kind: "put-host", host: withPackage(host, pkgFor(existing)) }];
    }
    return [
      ...missingDomainOps(state, domain),
      { kind: "put-host", host: newHost(hostId, domain, { address, packages: [pkgFor(undefined)] }) },
    ];
  };
}

// ---- import ----

export interface ImportOptions {
  /** Swap the whole registry; without it the registry must hold nothing but the managers' own hosts. */
  replace?: boolean;
}

/**
 * Imports a whole registry (SPEC 9, `cairn import`) as ONE change.
 *
 * Without `replace`, the registry must hold nothing but hosts carrying a
 * `registry` package (with only that package) and the domains on their paths.
 * Either way, every host that carries a `registry` package now survives:
 * - the file places it: it goes there, with the file's fields;
 * - the file lacks it: it stays as it is, where it is (the domain path is
 *   created when the file lacks it);
 * and its `registry` package is forced to the running one's port and role
 * (the file's priority, state and health are kept when it has the package).
 * Type policies come from the file.
 *
 * Ops: delete the hosts that go away, put new domains parents first, put new
 * and changed types and hosts, delete the types and domains that go away
 * (domains deepest first). An import that changes nothing gives `[]`.
 */
export function importRegistry(imported: Readonly<Registry>, options: ImportOptions = {}): Mutation {
  return (state) => {
    requireConsistent(imported);
    const managers = [...state.hosts.values()].filter((h) => packageOf(h, REGISTRY_TYPE) !== undefined);
    if (!options.replace) requireOnlyManagers(state, managers);

    // The registry after the import: the file, then the managers' corrections.
    const domains = new Set(imported.domains.keys());
    const hosts = new Map<string, HostRecord>();
    for (const host of imported.hosts.values()) hosts.set(host.id, canonicalHost(host));
    for (const manager of managers) {
      const running = packageOf(manager, REGISTRY_TYPE)!;
      const placed = hosts.get(manager.id);
      if (placed) {
        const filed = packageOf(placed, REGISTRY_TYPE);
        const pkg: PackageRecord = filed ? { ...filed, port: running.port } : { ...running };
        delete pkg.role;
        if (running.role !== undefined) pkg.role = running.role;
        // Liveness is observed, not imported: the running manager stays as it is.
        hosts.set(manager.id, { ...withPackage(placed, pkg), status: manager.status });
      } else {
        hosts.set(manager.id, manager);
        for (let p: string | undefined = manager.domain; p !== undefined && !domains.has(p); p = parentPath(p)) {
          domains.add(p);
        }
      }
    }

    const ops: Op[] = [];
    for (const id of sortedKeys(state.hosts)) {
      if (!hosts.has(id)) ops.push({ kind: "delete-host", id });
    }
    for (const path of [...domains].sort(comparePaths)) {
      if (!state.domains.has(path)) ops.push({ kind: "put-domain", domain: { path } });
    }
    for (const name of sortedKeys(imported.types)) {
      const type = imported.types.get(name)!;
      if (state.types.get(name)?.policy !== type.policy) ops.push({ kind: "put-type", type: { name, policy: type.policy } });
    }
    for (const id of [...hosts.keys()].sort(compareStrings)) {
      const host = hosts.get(id)!;
      const current = state.hosts.get(id);
      if (!current || !sameHost(current, host)) ops.push({ kind: "put-host", host });
    }
    for (const name of sortedKeys(state.types)) {
      if (!imported.types.has(name)) ops.push({ kind: "delete-type", name });
    }
    for (const path of [...state.domains.keys()].sort(comparePaths).reverse()) {
      if (!domains.has(path)) ops.push({ kind: "delete-domain", path });
    }
    return ops;
  };
}

/** Without --replace: anything but the managers' hosts, their `registry` packages and their domains is in the way. */
function requireOnlyManagers(state: Readonly<Registry>, managers: readonly HostRecord[]): void {
  const managerIds = new Set(managers.map((m) => m.id));
  const managerPaths = new Set<string>();
  for (const m of managers) {
    for (let p: string | undefined = m.domain; p !== undefined; p = parentPath(p)) managerPaths.add(p);
  }
  const otherHosts = sortedKeys(state.hosts).filter((id) => !managerIds.has(id));
  const otherDomains = [...state.domains.keys()].filter((p) => p !== ROOT_PATH && !managerPaths.has(p)).sort(comparePaths);
  const types = sortedKeys(state.types);
  const otherPackages = managers
    .filter((m) => m.packages.length > 1)
    .sort((a, b) => compareStrings(a.id, b.id))
    .map((m) => `${m.id}: ${m.packages.filter((p) => p.type !== REGISTRY_TYPE).map((p) => p.type).join(", ")}`);
  const parts: string[] = [];
  if (otherHosts.length > 0) parts.push(`${count(otherHosts.length, "host")} (${listNames(otherHosts)})`);
  if (otherDomains.length > 0) parts.push(`${count(otherDomains.length, "domain")} (${listNames(otherDomains)})`);
  if (types.length > 0) parts.push(`${count(types.length, "type policy", "type policies")} (${listNames(types)})`);
  if (otherPackages.length > 0) {
    parts.push(`packages other than "${REGISTRY_TYPE}" on manager hosts (${listNames(otherPackages)})`);
  }
  if (parts.length === 0) return;
  throw failedPrecondition(
    `the registry is not empty: besides the registry managers' own hosts it holds ${joinWords(parts)}; ` +
      `use --replace to swap the whole registry`,
  );
}

/** The imported registry must be whole, as `parseFixture` makes it; anything else is a caller's bug or a bad file. */
function requireConsistent(registry: Readonly<Registry>): void {
  const problems = new Problems();
  if (!registry.domains.has(ROOT_PATH)) problems.add(`imported registry has no root domain "/"`);
  for (const [path, domain] of registry.domains) {
    const parent = parentPath(path);
    problems.add(domainPathProblem(path));
    if (domain.path !== path) problems.add(`imported domain "${path}" is recorded as "${domain.path}"`);
    if (parent !== undefined && !registry.domains.has(parent)) {
      problems.add(`imported domain "${path}": parent domain "${parent}" not found`);
    }
  }
  for (const [id, host] of registry.hosts) {
    if (host.id !== id) problems.add(`imported host "${id}" is recorded as "${host.id}"`);
    if (!registry.domains.has(host.domain)) problems.add(`imported host "${id}": domain "${host.domain}" not found`);
    const types = new Set(host.packages.map((p) => p.type));
    if (types.size !== host.packages.length) problems.add(`imported host "${id}" has two packages of one type`);
  }
  for (const [name, type] of registry.types) {
    if (type.name !== name) problems.add(`imported type "${name}" is recorded as "${type.name}"`);
  }
  problems.throwIfAny();
}

// ---- helpers: lookups that throw ----

function requireValid(...problems: (string | undefined)[]): void {
  const found = new Problems();
  found.add(...problems);
  found.throwIfAny();
}

function requireDomain(state: Readonly<Registry>, path: string): DomainRecord {
  const domain = state.domains.get(path);
  if (!domain) throw notFound(`domain "${path}" not found`);
  return domain;
}

function requireHost(state: Readonly<Registry>, id: string): HostRecord {
  const host = state.hosts.get(id);
  if (!host) throw notFound(`host "${id}" not found`);
  return host;
}

function requirePackage(state: Readonly<Registry>, hostId: string, type: string): { host: HostRecord; pkg: PackageRecord } {
  requireValid(hostIdProblem(hostId), typeNameProblem(type));
  const host = requireHost(state, hostId);
  const pkg = packageOf(host, type);
  if (!pkg) throw notFound(`host "${hostId}" has no package of type "${type}"`);
  return { host, pkg };
}

/** Collects validation problems; throws them as one INVALID_ARGUMENT, each in `details`. */
class Problems {
  private readonly list: string[] = [];

  add(...problems: (string | undefined)[]): void {
    for (const p of problems) if (p !== undefined) this.list.push(p);
  }

  throwIfAny(): void {
    const first = this.list[0];
    if (first === undefined) return;
    const more = this.list.length - 1;
    throw invalidArgument(more === 0 ? first : `${first} (and ${count(more, "more problem")})`, [...this.list]);
  }
}

// ---- helpers: validation ----

function oneOfProblem<T extends string>(value: T, allowed: readonly T[], what: string): string | undefined {
  return allowed.includes(value) ? undefined : `${what} is ${JSON.stringify(value)}, not one of ${allowed.join(", ")}`;
}

function labelsProblems(labels: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(labels);
  const problems: string[] = [];
  if (entries.length > MAX_LABELS) problems.push(`${entries.length} labels, more than ${MAX_LABELS}`);
  for (const [key, value] of entries) {
    const problem = typeof value === "string" ? labelProblem(key, value) : `label "${key}" value must be a string`;
    if (problem) problems.push(problem);
  }
  return problems;
}

function packageSpecProblems(spec: PackageSpec): (string | undefined)[] {
  const what = `package "${spec.type}"`;
  return [
    typeNameProblem(spec.type),
    prefixed(what, portProblem(spec.port)),
    spec.priority === undefined ? undefined : prefixed(what, priorityProblem(spec.priority)),
    spec.state === undefined ? undefined : oneOfProblem(spec.state, PACKAGE_STATES, `state of ${what}`),
    spec.health === undefined ? undefined : oneOfProblem(spec.health, PACKAGE_HEALTHS, `health of ${what}`),
    spec.role === undefined
      ? undefined
      : spec.type !== REGISTRY_TYPE
        ? `${what}: role is only for packages of type "${REGISTRY_TYPE}"`
        : oneOfProblem(spec.role, MANAGER_ROLES, `role of ${what}`),
  ];
}

function prefixed(what: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${what}: ${problem}`;
}

// ---- helpers: records (always new objects) ----

function packageFromSpec(spec: PackageSpec): PackageRecord {
  const pkg = newPackage(spec.type, spec.port, {
    priority: spec.priority ?? 0,
    state: spec.state ?? "enabled",
    health: spec.health ?? "healthy",
  });
  if (spec.role !== undefined) pkg.role = spec.role;
  return pkg;
}

/** The host with `pkg` added or replacing the package of its type, packages kept sorted by type. */
function withPackage(host: HostRecord, pkg: PackageRecord): HostRecord {
  return { ...host, packages: sortPackages([...host.packages.filter((p) => p.type !== pkg.type), pkg]) };
}

function sortPackages(packages: PackageRecord[]): PackageRecord[] {
  return packages.sort((a, b) => compareStrings(a.type, b.type));
}

/** Labels with their keys in code-unit order, so equal label sets build equal records. */
function sortedLabels(labels: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** A copy of an imported host in the form mutations write: labels and packages sorted, no `role: undefined`. */
function canonicalHost(host: HostRecord): HostRecord {
  const packages = host.packages.map((p) => {
    const pkg: PackageRecord = { type: p.type, port: p.port, priority: p.priority, state: p.state, health: p.health };
    if (p.role !== undefined) pkg.role = p.role;
    return pkg;
  });
  return { ...host, labels: sortedLabels(host.labels), packages: sortPackages(packages) };
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

function samePackage(a: PackageRecord, b: PackageRecord): boolean {
  return (
    a.type === b.type &&
    a.port === b.port &&
    a.priority === b.priority &&
    a.state === b.state &&
    a.health === b.health &&
    a.role === b.role
  );
}

function sameHost(a: HostRecord, b: HostRecord): boolean {
  return (
    a.id === b.id &&
    a.domain === b.domain &&
    a.address === b.address &&
    a.maintenance === b.maintenance &&
    a.status === b.status &&
    sameLabels(a.labels, b.labels) &&
    a.packages.length === b.packages.length &&
    a.packages.every((p, i) => samePackage(p, b.packages[i]!))
  );
}

// ---- helpers: the tree ----

/** put-domain ops for `path` and its missing ancestors, parents first. */
function missingDomainOps(state: Readonly<Registry>, path: string): Op[] {
  const missing: string[] = [];
  for (let p: string | undefined = path; p !== undefined && !state.domains.has(p); p = parentPath(p)) missing.push(p);
  return missing.reverse().map((p) => ({ kind: "put-domain", domain: { path: p } }));
}

/** `path` and every domain below it, parents first. */
function subtreePaths(state: Readonly<Registry>, path: string): string[] {
  return [...state.domains.keys()].filter((p) => isSameOrDescendant(p, path)).sort(comparePaths);
}

/** The hosts of `path` and of every domain below it, by id. */
function hostsUnder(state: Readonly<Registry>, path: string): HostRecord[] {
  return [...state.hosts.values()].filter((h) => isSameOrDescendant(h.domain, path)).sort((a, b) => compareStrings(a.id, b.id));
}

function segmentCount(path: string): number {
  return pathSegments(path).length;
}

// ---- helpers: words ----

function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort(compareStrings);
}

function count(n: number, singular: string, pluralForm?: string): string {
  return `${n} ${plural(n, singular, pluralForm)}`;
}

function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** `"a", "b", "c", … (12 in all)`: names for a message, never unbounded. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_IN_MESSAGE).map((n) => JSON.stringify(n));
  return names.length > NAMES_IN_MESSAGE ? `${shown.join(", ")}, … (${names.length} in all)` : shown.join(", ");
}

function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** Code-unit order, the same everywhere (no locale). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
