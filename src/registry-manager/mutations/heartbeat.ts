/**
 * The writes of the heartbeat path: liveness, package health and first
 * contact, as a primary records what agents and backups report.
 */

import { DEFAULT_ADDRESS, LIVENESS_VALUES, PACKAGE_HEALTHS, ROOT_PATH, newHost } from "../../registry/model.js";
import type { Liveness, Op, PackageHealth } from "../../registry/model.js";
import { addressProblem, domainPathProblem, hostIdProblem } from "../../registry/names.js";
import { SliceCounter } from "../../registry/steps.js";
import type { Mutation, SteppedMutation } from "./mutation.js";
import { Problems, oneOfProblem, requireDomain, requireHost, requireValid } from "./problems.js";

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
    requireValid(hostIdProblem(id), domainPathProblem(domain));
    if (state.hosts.has(id)) return [];
    // Checked only for a new host: an agent of an older version, listening on 0.0.0.0, still heartbeats.
    requireValid(addressProblem(address));
    requireDomain(state, domain);
    return [{ kind: "put-host", host: newHost(id, domain, { address }) }];
  };
}

/**
 * Sets `status`, in one change, on each of `hosts` not in it yet and for
 * which `still` holds when the write runs (it asks again: a heartbeat may
 * have come to a host the sweep found silent, and a host a relay's pulse
 * brought back may be overdue or held by then). The sweep marks silent
 * hosts down with it, a relay's report brings hosts back up. Stepped:
 * after an import of 100,000 hosts nobody heartbeats for, a sweep finds
 * them all at once, and one turn for all of them would stall the manager
 * (registry/steps.ts).
 */
export function setStatusWhere(hosts: readonly string[], status: Liveness, still: (host: string) => boolean): SteppedMutation {
  return function* (state) {
    const ops: Op[] = [];
    const slices = new SliceCounter();
    for (const id of hosts) {
      const host = state.hosts.get(id);
      if (host && host.status !== status && still(id)) ops.push({ kind: "put-host", host: { ...host, status } });
      if (slices.due()) yield;
    }
    return ops;
  };
}
