/** The records a registry manager keeps of itself: its host and its `registry` package. */

import {
  DEFAULT_ADDRESS,
  MANAGER_ROLES,
  REGISTRY_TYPE,
  ROOT_PATH,
  newHost,
  newPackage,
  packageOf,
} from "../../registry/model.js";
import type { ManagerRole, PackageRecord } from "../../registry/model.js";
import { addressProblem, domainPathProblem, hostIdProblem, portProblem } from "../../registry/names.js";
import { failedPrecondition } from "../../errors.js";
import { setHostStatus } from "./heartbeat.js";
import { combine, type Mutation } from "./mutation.js";
import { oneOfProblem, requireValid } from "./problems.js";
import { samePackage, withPackage } from "./records.js";
import { missingDomainOps } from "./tree.js";

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
    // The address is checked only for a new record: one an older version registered stays reachable.
    requireValid(addressProblem(address));
    return [
      ...missingDomainOps(state, domain),
      { kind: "put-host", host: newHost(hostId, domain, { address, packages: [pkgFor(undefined)] }) },
    ];
  };
}

/** A deposed primary's `registry` package says `backup` from now on. */
export function demoteRegistryPackage(hostId: string): Mutation {
  return (state) => {
    const host = state.hosts.get(hostId);
    const pkg = host && packageOf(host, REGISTRY_TYPE);
    if (!host || !pkg || pkg.role === "backup") return [];
    return [{ kind: "put-host", host: withPackage(host, { ...pkg, role: "backup" }) }];
  };
}

/**
 * What a manager that just became primary records of itself: its host up,
 * its `registry` package current and primary, and the deposed primary's
 * package (when there is one) a backup's.
 */
export function primaryRecords(hostId: string, own: Omit<RegistryPackage, "role">, deposed: string | undefined): Mutation {
  const steps = [ensureRegistryPackage(hostId, { ...own, role: "primary" }), setHostStatus(hostId, "up")];
  if (deposed) steps.push(demoteRegistryPackage(deposed));
  return combine(...steps);
}

/**
 * `mutation`, refused (FAILED_PRECONDITION, nothing written) when it would
 * remove or move the host of a running registry manager, or change its
 * `registry` package, or give another host one: those records are the
 * managers' own, kept by the managers themselves (SPEC 11). A manager whose
 * host is down is not running: its records may go.
 */
export function leavingManagersTheirOwn(mutation: Mutation): Mutation {
  return (state) => {
    const ops = mutation(state);
    for (const op of ops) {
      const id = op.kind === "put-host" ? op.host.id : op.kind === "delete-host" ? op.id : undefined;
      if (id === undefined) continue;
      const before = state.hosts.get(id);
      const running = before && before.status !== "down" ? packageOf(before, REGISTRY_TYPE) : undefined;
      if (!running) {
        // Nobody but a manager itself makes a host a registry manager, or says where its manager listens.
        const given = op.kind === "put-host" ? packageOf(op.host, REGISTRY_TYPE) : undefined;
        const had = before ? packageOf(before, REGISTRY_TYPE) : undefined;
        if (given && (!had || !samePackage(had, given))) {
          throw failedPrecondition(`host "${id}": a "${REGISTRY_TYPE}" package is recorded by its registry manager itself, not through the admin API`);
        }
        continue;
      }
      const owner = `host "${id}" runs a registry manager (port ${running.port}, ${running.role ?? "no role"})`;
      if (op.kind === "delete-host") throw failedPrecondition(`${owner}: it may not be removed while it runs; stop the manager first`);
      if (op.kind === "put-host" && op.host.domain !== before!.domain) throw failedPrecondition(`${owner}: it may not be moved while it runs; stop the manager first`);
      const after = op.kind === "put-host" ? packageOf(op.host, REGISTRY_TYPE) : undefined;
      if (!after || !samePackage(running, after)) {
        throw failedPrecondition(`${owner}: its "${REGISTRY_TYPE}" package is the manager's own to keep; it may not be changed through the admin API`);
      }
    }
    return ops;
  };
}
