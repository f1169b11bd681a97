/** The writes of hosts: register, move, remove, maintenance, labels. */

import { alreadyExists, failedPrecondition } from "../../errors.js";
import { DEFAULT_ADDRESS, newHost } from "../../registry/model.js";
import type { HostSpec } from "../../registry/model.js";
import {
  MAX_LABELS,
  MAX_PACKAGES_PER_HOST,
  addressProblem,
  domainPathProblem,
  hostIdProblem,
} from "../../registry/names.js";
import { type Mutation } from "./mutation.js";
import { Problems, labelsProblems, packageSpecProblems, requireDomain, requireHost, requireValid } from "./problems.js";
import { packageFromSpec, sameLabels, sortPackages, sortedLabels } from "./records.js";
import { listNames, plural } from "./words.js";


/** Registers a new host in an existing domain. Its liveness starts `unknown`. */
export function registerHost(spec: HostSpec & { domain: string }): Mutation {
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
