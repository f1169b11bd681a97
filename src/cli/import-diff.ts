/**
 * What an import would change (`cairn import FILE --dry-run`, SPEC 15): the
 * manager's own import mutation run here on an export of the registry, so
 * the ops are exactly those the manager would commit, and nothing is sent
 * but reads.
 */
import type { HostRecord, Op, Registry, TypeRecord } from "../registry/model.js";
import { formatLabels, formatPackages, formatType, hostJson, typeJson } from "./registry-format.js";

export interface ImportDiff {
  domains: { added: string[]; removed: string[] };
  hosts: { added: HostRecord[]; removed: string[]; changed: { before: HostRecord; after: HostRecord }[] };
  types: { set: { before?: TypeRecord; after: TypeRecord }[]; removed: string[] };
}

export function importDiff(current: Readonly<Registry>, ops: readonly Op[]): ImportDiff {
  const diff: ImportDiff = { domains: { added: [], removed: [] }, hosts: { added: [], removed: [], changed: [] }, types: { set: [], removed: [] } };
  for (const op of ops) {
    switch (op.kind) {
      case "put-domain":
        diff.domains.added.push(op.domain.path);
        break;
      case "delete-domain":
        diff.domains.removed.push(op.path);
        break;
      case "put-host": {
        const before = current.hosts.get(op.host.id);
        if (before) diff.hosts.changed.push({ before, after: op.host });
        else diff.hosts.added.push(op.host);
        break;
      }
      case "delete-host":
        diff.hosts.removed.push(op.id);
        break;
      case "put-type":
        diff.types.set.push({ before: current.types.get(op.type.name), after: op.type });
        break;
      case "delete-type":
        diff.types.removed.push(op.name);
        break;
    }
  }
  return diff;
}

export function changeCount(diff: ImportDiff): number {
  const { domains, hosts, types } = diff;
  return domains.added.length + domains.removed.length + hosts.added.length + hosts.removed.length + hosts.changed.length + types.set.length + types.removed.length;
}

/**
 * ```
 * + domain /subdomain-1
 * + host agent-1 in /subdomain-1: command-control:7611
 * ~ host framework-manager: domain / -> /core
 * - host old-1
 * - domain /old
 * ~ type command-control: ordered -> spread
 * ```
 */
export function formatImportDiff(diff: ImportDiff): string[] {
  const lines: string[] = [];
  for (const path of diff.domains.added) lines.push(`+ domain ${path}`);
  for (const host of diff.hosts.added) lines.push(`+ host ${host.id} in ${host.domain}${host.packages.length > 0 ? `: ${formatPackages(host)}` : ""}`);
  for (const { before, after } of diff.hosts.changed) lines.push(`~ host ${after.id}: ${hostChanges(before, after).join("; ")}`);
  for (const id of diff.hosts.removed) lines.push(`- host ${id}`);
  for (const path of diff.domains.removed) lines.push(`- domain ${path}`);
  for (const { before, after } of diff.types.set) {
    lines.push(before ? `~ type ${after.name}: ${formatType(before).slice(before.name.length + 1)} -> ${formatType(after).slice(after.name.length + 1)}` : `+ type ${formatType(after)}`);
  }
  for (const name of diff.types.removed) lines.push(`- type ${name}`);
  return lines;
}

function hostChanges(before: HostRecord, after: HostRecord): string[] {
  const changes: string[] = [];
  const field = (name: string, a: string, b: string) => {
    if (a !== b) changes.push(`${name} ${a || '""'} -> ${b || '""'}`);
  };
  field("domain", before.domain, after.domain);
  field("address", before.address, after.address);
  field("labels", formatLabels(before.labels) || "none", formatLabels(after.labels) || "none");
  field("maintenance", before.maintenance ? "on" : "off", after.maintenance ? "on" : "off");
  field("status", before.status, after.status);
  field("packages", formatPackages(before) || "none", formatPackages(after) || "none");
  // A difference none of these words show (a check's timing): say that the packages differ.
  if (changes.length === 0) changes.push("packages (checks) differ");
  return changes;
}

/** `-o json`: the same, as data. */
export function importDiffJson(diff: ImportDiff): unknown {
  return {
    domains: diff.domains,
    hosts: {
      added: diff.hosts.added.map(hostJson),
      removed: diff.hosts.removed,
      changed: diff.hosts.changed.map(({ before, after }) => ({ id: after.id, before: hostJson(before), after: hostJson(after) })),
    },
    types: { set: diff.types.set.map(({ after }) => typeJson(after)), removed: diff.types.removed },
  };
}
