/** Checks shared by the mutations: lookups that throw NOT_FOUND, and problems collected into one INVALID_ARGUMENT. */

import { invalidArgument, notFound, quote } from "../../errors.js";
import { MANAGER_ROLES, PACKAGE_HEALTHS, PACKAGE_STATES, REGISTRY_TYPE, packageOf } from "../../registry/model.js";
import type { DomainRecord, HostRecord, PackageRecord, PackageSpec, Registry } from "../../registry/model.js";
import {
  MAX_LABELS,
  hostIdProblem,
  labelProblem,
  portProblem,
  priorityProblem,
  typeNameProblem,
} from "../../registry/names.js";
import { checkProblems } from "../../registry/checks.js";
import { count } from "./words.js";

export function requireValid(...problems: (string | undefined)[]): void {
  const found = new Problems();
  found.add(...problems);
  found.throwIfAny();
}

export function requireDomain(state: Readonly<Registry>, path: string): DomainRecord {
  const domain = state.domains.get(path);
  if (!domain) throw notFound(`domain ${quote(path)} not found`);
  return domain;
}

export function requireHost(state: Readonly<Registry>, id: string): HostRecord {
  const host = state.hosts.get(id);
  if (!host) throw notFound(`host ${quote(id)} not found`);
  return host;
}

export function requirePackage(state: Readonly<Registry>, hostId: string, type: string): { host: HostRecord; pkg: PackageRecord } {
  requireValid(hostIdProblem(hostId), typeNameProblem(type));
  const host = requireHost(state, hostId);
  const pkg = packageOf(host, type);
  if (!pkg) throw notFound(`host ${quote(hostId)} has no package of type ${quote(type)}`);
  return { host, pkg };
}

/** Collects validation problems; throws them as one INVALID_ARGUMENT, each in `details`. */
export class Problems {
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

export function oneOfProblem<T extends string>(value: T, allowed: readonly T[], what: string): string | undefined {
  return allowed.includes(value) ? undefined : `${what} is ${JSON.stringify(value)}, not one of ${allowed.join(", ")}`;
}

export function labelsProblems(labels: Readonly<Record<string, string>>): string[] {
  const entries = Object.entries(labels);
  const problems: string[] = [];
  if (entries.length > MAX_LABELS) problems.push(`${entries.length} labels, more than ${MAX_LABELS}`);
  for (const [key, value] of entries) {
    const problem = typeof value === "string" ? labelProblem(key, value) : `label "${key}" value must be a string`;
    if (problem) problems.push(problem);
  }
  return problems;
}

export function packageSpecProblems(spec: PackageSpec): (string | undefined)[] {
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
    ...(spec.check === undefined ? [] : checkProblems(spec.check).map((p) => prefixed(what, p))),
  ];
}

export function prefixed(what: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${what}: ${problem}`;
}
