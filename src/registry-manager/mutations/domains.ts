/** The writes of domains: create (with missing parents), delete (recursive or not), move. */

import { alreadyExists, failedPrecondition, invalidArgument, notFound } from "../../errors.js";
import { ROOT_PATH, isSameOrDescendant, joinPath, parentPath } from "../../registry/model.js";
import type { Op } from "../../registry/model.js";
import { MAX_PATH_SEGMENTS, domainPathProblem } from "../../registry/names.js";
import { type Mutation } from "./mutation.js";
import { requireDomain, requireValid } from "./problems.js";
import { hostsUnder, missingDomainOps, segmentCount, subtreePaths } from "./tree.js";
import { count, joinWords } from "./words.js";

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
