/**
 * What the console's pages are told of a change (the `change` event of the
 * stream, event-stream.ts) and how a host is shown: plain JSON, the same
 * shape in the API's pages and in the events, so the page patches a row
 * with what it would have fetched.
 */
import { parentPath, ROOT_PATH, type ChangeRecord, type HostRecord, type Liveness, type PackageHealth, type PackageState } from "../registry/model.js";
import type { ChangeEffect, Counts, TreeModel } from "./tree-model.js";

/** A change that puts or removes more hosts than this is told as "reload what you show", not host by host. */
export const MAX_EVENT_HOSTS = 200;
/** …and one that moves the counts of more domains than this. */
export const MAX_EVENT_COUNTS = 500;

export interface PackageRow {
  type: string;
  port: number;
  priority: number;
  state: PackageState;
  health: PackageHealth;
  role?: string;
}

export interface HostRow {
  id: string;
  domain: string;
  address: string;
  status: Liveness;
  maintenance: boolean;
  labels: Record<string, string>;
  packages: PackageRow[];
}

export interface ChangeEvent {
  revision: number;
  epoch: number;
  /** Milliseconds since the epoch, when the primary accepted it. */
  time: number;
  cause: string;
  /** The hosts the change put, as they are after it. */
  hosts: HostRow[];
  removed: string[];
  /** Domains whose subdomains or own hosts changed: a page that shows them fetches them again. */
  lists: string[];
  /** Counts after the change of every domain whose counts moved (absent on a replayed change: see event-stream.ts). */
  counts?: Record<string, Counts>;
  /** The types in use or their policies changed (the route explorer's list). */
  types: boolean;
  /** Too large to tell host by host: the page fetches again what it shows. */
  reload: boolean;
  /** Sent again on a reconnect (Last-Event-ID), not as it landed. */
  replayed?: boolean;
}

export function hostRow(host: HostRecord): HostRow {
  return {
    id: host.id,
    domain: host.domain,
    address: host.address,
    status: host.status,
    maintenance: host.maintenance,
    labels: host.labels,
    packages: host.packages.map((p) => ({
      type: p.type,
      port: p.port,
      priority: p.priority,
      state: p.state,
      health: p.health,
      ...(p.role ? { role: p.role } : {}),
    })),
  };
}

/** The event of a change as it lands, with the counts the model holds right after it. */
export function liveEvent(change: ChangeRecord, effect: ChangeEffect, model: TreeModel): ChangeEvent {
  const base = header(change);
  const hostCount = effect.hosts.length + effect.removed.length;
  if (hostCount > MAX_EVENT_HOSTS || effect.counted.length > MAX_EVENT_COUNTS) return reloadEvent(change);
  const counts: Record<string, Counts> = {};
  for (const path of effect.counted) counts[path] = model.counts(path)!;
  return { ...base, hosts: effect.hosts.map(hostRow), removed: effect.removed, lists: effect.lists, counts, types: effect.types, reload: false };
}

/** The event of a change too large to tell row by row: the page fetches again what it shows. */
export function reloadEvent(change: ChangeRecord): ChangeEvent {
  return { ...header(change), types: true, reload: true };
}

/**
 * The event of a change sent again from the log. The hosts are as that
 * change left them; which domains' counts it moved is not in the change
 * (a removed or moved host's old domain is not), so it carries none, and
 * the stream's `resumed` event tells the page to fetch the counts it shows.
 */
export function replayedEvent(change: ChangeRecord): ChangeEvent {
  const base = { ...header(change), replayed: true };
  const put = new Map<string, HostRecord>();
  const removed = new Set<string>();
  const lists = new Set<string>();
  let types = false;
  for (const op of change.ops) {
    if (op.kind === "put-host") {
      put.set(op.host.id, op.host);
      removed.delete(op.host.id);
      lists.add(op.host.domain);
    } else if (op.kind === "delete-host") {
      put.delete(op.id);
      removed.add(op.id);
    } else {
      types ||= op.kind === "put-type" || op.kind === "delete-type";
      // A domain came or went: its parent's list moved. Fetching the domain's own parent is enough.
      if (op.kind === "put-domain" || op.kind === "delete-domain") lists.add(parentPath(op.kind === "put-domain" ? op.domain.path : op.path) ?? ROOT_PATH);
    }
  }
  if (put.size + removed.size > MAX_EVENT_HOSTS || lists.size > MAX_EVENT_COUNTS) return { ...base, types: true, reload: true };
  // Packages may have come or gone with the hosts: the explorer's list of types is cheap to fetch again.
  return { ...base, hosts: [...put.values()].map(hostRow), removed: [...removed], lists: [...lists], types: types || put.size > 0, reload: false };
}

function header(change: ChangeRecord): Omit<ChangeEvent, "types" | "reload"> {
  return { revision: change.revision, epoch: change.epoch, time: change.timeUnixMs, cause: change.cause, hosts: [], removed: [], lists: [] };
}
