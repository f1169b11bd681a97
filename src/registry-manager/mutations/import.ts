/** `cairn import`: a whole registry as one change, the running managers' own records kept. */

import { failedPrecondition } from "../../errors.js";
import { REGISTRY_TYPE, ROOT_PATH, comparePaths, compareStrings, packageOf, parentPath, sortPaths } from "../../registry/model.js";
import type { HostRecord, Op, PackageRecord, Registry } from "../../registry/model.js";
import { domainPathProblem } from "../../registry/names.js";
import { completeSteps, SliceCounter, type Steps } from "../../registry/steps.js";
import { type Mutation, type SteppedMutation } from "./mutation.js";
import { Problems } from "./problems.js";
import { canonicalHost, canonicalType, sameHost, sameType, withPackage } from "./records.js";
import { count, joinWords, listNames, sortedKeys } from "./words.js";

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
 * Type policies and min_healthy come from the file.
 *
 * Ops: delete the hosts that go away, put new domains parents first, put new
 * and changed types and hosts, delete the types and domains that go away
 * (domains deepest first). An import that changes nothing gives `[]`.
 *
 * This one runs in one go (a dry run, tests); the manager's Import runs
 * `importRegistrySteps`, the same steps a slice per turn.
 */
export function importRegistry(imported: Readonly<Registry>, options: ImportOptions = {}): Mutation {
  return (state) => completeSteps(importSteps(state, imported, options));
}

/**
 * `importRegistry` yielding every ITEMS_PER_SLICE entities (100,000 hosts
 * are a second of work here); the store runs no other write until it
 * returns, so the state it reads does not move under it.
 */
export function importRegistrySteps(imported: Readonly<Registry>, options: ImportOptions = {}): SteppedMutation {
  return (state) => importSteps(state, imported, options);
}

function* importSteps(state: Readonly<Registry>, imported: Readonly<Registry>, options: ImportOptions): Steps<Op[]> {
  const slices = new SliceCounter();
  yield* requireConsistent(imported, slices);
  const managers: HostRecord[] = [];
  for (const host of state.hosts.values()) {
    if (packageOf(host, REGISTRY_TYPE) !== undefined) managers.push(host);
    if (slices.due()) yield;
  }
  if (!options.replace) requireOnlyManagers(state, managers);

  // The registry after the import: the file, then the managers' corrections.
  const domains = new Set(imported.domains.keys());
  const hosts = new Map<string, HostRecord>();
  for (const host of imported.hosts.values()) {
    hosts.set(host.id, canonicalHost(host));
    if (slices.due()) yield;
  }
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
    if (slices.due()) yield;
  }
  // The sorts below are counted as the items they sort: a small import never yields.
  if (slices.due(domains.size + imported.types.size)) yield;
  for (const path of sortPaths(domains)) {
    if (!state.domains.has(path)) ops.push({ kind: "put-domain", domain: { path } });
  }
  for (const name of sortedKeys(imported.types)) {
    const type = canonicalType({ ...imported.types.get(name)!, name });
    if (!sameType(state.types.get(name), type)) ops.push({ kind: "put-type", type });
  }
  if (slices.due(hosts.size)) yield;
  for (const id of sortedKeys(hosts)) {
    const host = hosts.get(id)!;
    const current = state.hosts.get(id);
    if (!current || !sameHost(current, host)) ops.push({ kind: "put-host", host });
    if (slices.due()) yield;
  }
  for (const name of sortedKeys(state.types)) {
    if (!imported.types.has(name)) ops.push({ kind: "delete-type", name });
  }
  for (const path of sortPaths(state.domains.keys()).reverse()) {
    if (!domains.has(path)) ops.push({ kind: "delete-domain", path });
  }
  return ops;
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
function* requireConsistent(registry: Readonly<Registry>, slices: SliceCounter): Steps<void> {
  const problems = new Problems();
  if (!registry.domains.has(ROOT_PATH)) problems.add(`imported registry has no root domain "/"`);
  for (const [path, domain] of registry.domains) {
    const parent = parentPath(path);
    problems.add(domainPathProblem(path));
    if (domain.path !== path) problems.add(`imported domain "${path}" is recorded as "${domain.path}"`);
    if (parent !== undefined && !registry.domains.has(parent)) {
      problems.add(`imported domain "${path}": parent domain "${parent}" not found`);
    }
    if (slices.due()) yield;
  }
  for (const [id, host] of registry.hosts) {
    if (host.id !== id) problems.add(`imported host "${id}" is recorded as "${host.id}"`);
    if (!registry.domains.has(host.domain)) problems.add(`imported host "${id}": domain "${host.domain}" not found`);
    const types = new Set(host.packages.map((p) => p.type));
    if (types.size !== host.packages.length) problems.add(`imported host "${id}" has two packages of one type`);
    if (slices.due()) yield;
  }
  for (const [name, type] of registry.types) {
    if (type.name !== name) problems.add(`imported type "${name}" is recorded as "${type.name}"`);
  }
  problems.throwIfAny();
}
