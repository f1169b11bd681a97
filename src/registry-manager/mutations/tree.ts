/** The domain tree as mutations walk it. */

import { comparePaths, compareStrings, isSameOrDescendant, parentPath, pathSegments } from "../../registry/model.js";
import type { HostRecord, Op, Registry } from "../../registry/model.js";

/** put-domain ops for `path` and its missing ancestors, parents first. */
export function missingDomainOps(state: Readonly<Registry>, path: string): Op[] {
  const missing: string[] = [];
  for (let p: string | undefined = path; p !== undefined && !state.domains.has(p); p = parentPath(p)) missing.push(p);
  return missing.reverse().map((p) => ({ kind: "put-domain", domain: { path: p } }));
}

/** `path` and every domain below it, parents first. */
export function subtreePaths(state: Readonly<Registry>, path: string): string[] {
  return [...state.domains.keys()].filter((p) => isSameOrDescendant(p, path)).sort(comparePaths);
}

/** The hosts of `path` and of every domain below it, by id. */
export function hostsUnder(state: Readonly<Registry>, path: string): HostRecord[] {
  return [...state.hosts.values()].filter((h) => isSameOrDescendant(h.domain, path)).sort((a, b) => compareStrings(a.id, b.id));
}

export function segmentCount(path: string): number {
  return pathSegments(path).length;
}
