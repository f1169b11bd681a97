/**
 * The console's view of the domain tree, kept current change by change so
 * that no request walks the whole registry: for every domain, the hosts of
 * its subtree by liveness and maintenance, its subdomains and its own hosts
 * (sorted on demand, a page at a time), and the package types in use.
 *
 * Invariant (tested against a rebuild): after `apply` of every change up to
 * `revision`, the model equals `TreeModel.build` of the registry at that
 * revision. It relies on the records being immutable (model.ts): the record
 * it counted a host by is the one to uncount when a change puts another.
 */
import {
  compareStrings,
  comparePaths,
  parentPath,
  ROOT_PATH,
  type ChangeRecord,
  type HostRecord,
  type Liveness,
  type Registry,
} from "../registry/model.js";

/** Hosts of a domain's subtree (the domain included). */
export interface Counts {
  hosts: number;
  up: number;
  down: number;
  unknown: number;
  maintenance: number;
}

export interface DomainRow {
  path: string;
  counts: Counts;
  /** Direct subdomains. */
  subdomains: number;
  /** Hosts directly in the domain. */
  hosts: number;
}

/** What one change did to the model, for the event that tells the pages. */
export interface ChangeEffect {
  /** The hosts the change put, as they are after it. */
  hosts: HostRecord[];
  /** The hosts the change removed. */
  removed: string[];
  /** Domains whose own lists moved (a subdomain or a host came or went): a page showing them fetches them again. */
  lists: string[];
  /** Domains whose counts moved, each with its counts after the change. */
  counted: string[];
  /** The set of package types or type policies moved. */
  types: boolean;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface SearchResult {
  hosts: HostRecord[];
  domains: DomainRow[];
  /** How many matched in all, beyond those returned. */
  totalHosts: number;
  totalDomains: number;
}

const zero = (): Counts => ({ hosts: 0, up: 0, down: 0, unknown: 0, maintenance: 0 });
const COUNT_KEYS = ["hosts", "up", "down", "unknown", "maintenance"] as const satisfies readonly (keyof Counts)[];

export class TreeModel {
  private readonly subtree = new Map<string, Counts>();
  private readonly childrenOf = new Map<string, Set<string>>();
  private readonly hostsIn = new Map<string, Set<string>>();
  /** Sorted copies of the sets above, dropped when their set changes. */
  private readonly sortedChildren = new Map<string, string[]>();
  private readonly sortedHosts = new Map<string, string[]>();
  /** Every host id, sorted; dropped when a host comes or goes. */
  private everyHost: string[] | undefined;
  /** Each host as it is counted. */
  private readonly counted = new Map<string, HostRecord>();
  private readonly packageTypes = new Map<string, number>();
  private at: number;

  private constructor(
    /** The registry the model follows (the same object, changed in place by its owner). */
    readonly registry: Readonly<Registry>,
    revision: number,
  ) {
    this.at = revision;
  }

  /**
   * One pass over the hosts, each counted in its own domain only, then the
   * counts rolled up children first: 100,000 hosts cost 100,000 steps, not
   * one per ancestor of each.
   */
  static build(registry: Readonly<Registry>, revision: number): TreeModel {
    const model = new TreeModel(registry, revision);
    const paths = [...registry.domains.keys()].sort(comparePaths);
    for (const path of paths) model.addDomain(path);
    for (const host of registry.hosts.values()) {
      model.counted.set(host.id, host);
      model.hostsIn.get(host.domain)?.add(host.id);
      model.countOne(model.subtree.get(host.domain)!, host, 1);
      model.tally(host, 1);
    }
    for (let i = paths.length - 1; i > 0; i--) {
      const own = model.subtree.get(paths[i]!)!;
      const parent = model.subtree.get(parentPath(paths[i]!)!)!;
      for (const key of COUNT_KEYS) parent[key] += own[key];
    }
    return model;
  }

  get revision(): number {
    return this.at;
  }

  /** Applies one committed change (its ops keep the registry whole after each op: mutation.ts). */
  apply(change: ChangeRecord): ChangeEffect {
    const put = new Map<string, HostRecord>();
    const removed = new Set<string>();
    const lists = new Set<string>();
    const counted = new Set<string>();
    let types = false;
    for (const op of change.ops) {
      switch (op.kind) {
        case "put-domain": {
          if (this.childrenOf.has(op.domain.path)) break;
          this.addDomain(op.domain.path);
          lists.add(parentPath(op.domain.path) ?? ROOT_PATH);
          break;
        }
        case "delete-domain": {
          this.removeDomain(op.path);
          lists.add(parentPath(op.path) ?? ROOT_PATH);
          break;
        }
        case "put-host": {
          const old = this.counted.get(op.host.id);
          if (!old || old.domain !== op.host.domain) {
            lists.add(op.host.domain);
            if (old) lists.add(old.domain);
          }
          const sameTypes = old !== undefined && samePackageTypes(old, op.host);
          types ||= !sameTypes;
          if (old) this.replaceHost(old, op.host, counted, sameTypes);
          else this.addHost(op.host, counted);
          put.set(op.host.id, op.host);
          removed.delete(op.host.id);
          break;
        }
        case "delete-host": {
          const old = this.counted.get(op.id);
          if (!old) break;
          this.removeHost(old, counted);
          lists.add(old.domain);
          types ||= old.packages.length > 0;
          put.delete(op.id);
          removed.add(op.id);
          break;
        }
        case "put-type":
        case "delete-type":
          types = true;
          break;
      }
    }
    this.at = change.revision;
    const live = [...counted].filter((path) => this.subtree.has(path));
    return { hosts: [...put.values()], removed: [...removed], lists: [...lists], counted: live, types };
  }

  counts(path: string): Counts | undefined {
    const counts = this.subtree.get(path);
    return counts && { ...counts };
  }

  domain(path: string): DomainRow | undefined {
    const counts = this.subtree.get(path);
    if (!counts) return undefined;
    return { path, counts: { ...counts }, subdomains: this.childrenOf.get(path)?.size ?? 0, hosts: this.hostsIn.get(path)?.size ?? 0 };
  }

  /** A page of `path`'s subdomains, by path; undefined when there is no such domain. */
  children(path: string, offset: number, limit: number): Page<DomainRow> | undefined {
    const set = this.childrenOf.get(path);
    if (!set) return undefined;
    const sorted = cached(this.sortedChildren, path, set, comparePaths);
    return { rows: sorted.slice(offset, offset + limit).map((p) => this.domain(p)!), total: sorted.length };
  }

  /** Every host id, sorted (the fleet view pages through it). */
  allHosts(): readonly string[] {
    this.everyHost ??= [...this.counted.keys()].sort(compareStrings);
    return this.everyHost;
  }

  host(id: string): HostRecord | undefined {
    return this.counted.get(id);
  }

  /** A page of the hosts directly in `path`, by id; undefined when there is no such domain. */
  hosts(path: string, offset: number, limit: number): Page<HostRecord> | undefined {
    const set = this.hostsIn.get(path);
    if (!set) return undefined;
    const sorted = cached(this.sortedHosts, path, set, compareStrings);
    return { rows: sorted.slice(offset, offset + limit).map((id) => this.counted.get(id)!), total: sorted.length };
  }

  /**
   * Hosts whose id contains `query` (or whose address starts with it, or
   * that carry the label `k=v` it names) and domains whose path contains
   * it, case-insensitively: the first `limit` of each, exact matches first,
   * then by id or path. One pass over the hosts; only `limit` are kept.
   */
  search(query: string, limit: number): SearchResult {
    const q = query.trim().toLowerCase();
    if (!q) return { hosts: [], domains: [], totalHosts: 0, totalDomains: 0 };
    const [labelKey, labelValue] = q.includes("=") ? q.split("=", 2) : [undefined, undefined];
    // Host ids and domain paths are lower case by their syntax (names.ts): only the query is folded.
    const hosts = new TopN<HostRecord>(limit);
    for (const host of this.counted.values()) {
      const matches =
        host.id.includes(q) ||
        host.address.startsWith(q) ||
        (labelKey !== undefined && labelValue !== undefined && host.labels[labelKey]?.toLowerCase() === labelValue);
      if (matches) hosts.offer(host, grade(host.id, q), host.id);
    }
    const domains = new TopN<string>(limit);
    for (const path of this.childrenOf.keys()) if (path.includes(q)) domains.offer(path, grade(path, q), path);
    return { hosts: hosts.sorted(), domains: domains.sorted().map((p) => this.domain(p)!), totalHosts: hosts.seen, totalDomains: domains.seen };
  }

  /** Every package type deployed, and every type with a policy, sorted. */
  types(): string[] {
    return [...new Set([...this.packageTypes.keys(), ...this.registry.types.keys()])].sort(compareStrings);
  }

  private addDomain(path: string): void {
    this.childrenOf.set(path, new Set());
    this.hostsIn.set(path, new Set());
    if (!this.subtree.has(path)) this.subtree.set(path, zero());
    const parent = parentPath(path);
    if (parent === undefined) return;
    this.childrenOf.get(parent)?.add(path);
    this.sortedChildren.delete(parent);
  }

  private removeDomain(path: string): void {
    this.childrenOf.delete(path);
    this.hostsIn.delete(path);
    this.subtree.delete(path);
    this.sortedChildren.delete(path);
    this.sortedHosts.delete(path);
    const parent = parentPath(path);
    if (parent === undefined) return;
    this.childrenOf.get(parent)?.delete(path);
    this.sortedChildren.delete(parent);
  }

  private addHost(host: HostRecord, counted?: Set<string>): void {
    if (!this.counted.has(host.id)) this.everyHost = undefined;
    this.counted.set(host.id, host);
    const own = this.hostsIn.get(host.domain);
    if (own && !own.has(host.id)) {
      own.add(host.id);
      this.sortedHosts.delete(host.domain);
    }
    this.count(host, 1, counted);
    this.tally(host, 1);
  }

  private removeHost(host: HostRecord, counted?: Set<string>): void {
    if (this.counted.delete(host.id)) this.everyHost = undefined;
    if (this.hostsIn.get(host.domain)?.delete(host.id)) this.sortedHosts.delete(host.domain);
    this.count(host, -1, counted);
    this.tally(host, -1);
  }

  /**
   * `next` in the place of `old`, touching only what moved: most changes
   * are a liveness or a package's health, and leave the host where it was
   * (its domain's sorted hosts stay valid).
   */
  private replaceHost(old: HostRecord, next: HostRecord, counted: Set<string>, sameTypes: boolean): void {
    if (old.domain !== next.domain) {
      this.removeHost(old, counted);
      this.addHost(next, counted);
      return;
    }
    this.counted.set(next.id, next);
    if (countsMoved(old, next)) {
      this.count(old, -1, counted);
      this.count(next, 1, counted);
    }
    if (sameTypes) return;
    this.tally(old, -1);
    this.tally(next, 1);
  }

  /** Adds `sign` × `host`'s packages to the types in use. */
  private tally(host: HostRecord, sign: 1 | -1): void {
    for (const pkg of host.packages) {
      const n = (this.packageTypes.get(pkg.type) ?? 0) + sign;
      if (n > 0) this.packageTypes.set(pkg.type, n);
      else this.packageTypes.delete(pkg.type);
    }
  }

  /** Adds `sign` × `host` to its domain and every ancestor; `counted` collects the paths touched. */
  private count(host: HostRecord, sign: 1 | -1, counted: Set<string> | undefined): void {
    for (let path: string | undefined = host.domain; path !== undefined; path = parentPath(path)) {
      let counts = this.subtree.get(path);
      if (!counts) this.subtree.set(path, (counts = zero()));
      this.countOne(counts, host, sign);
      counted?.add(path);
    }
  }

  private countOne(counts: Counts, host: HostRecord, sign: 1 | -1): void {
    counts.hosts += sign;
    counts[host.status satisfies Liveness] += sign;
    if (host.maintenance) counts.maintenance += sign;
  }
}

function countsMoved(a: HostRecord, b: HostRecord): boolean {
  return a.domain !== b.domain || a.status !== b.status || a.maintenance !== b.maintenance;
}

function samePackageTypes(a: HostRecord, b: HostRecord): boolean {
  return a.packages.length === b.packages.length && a.packages.every((p, i) => p.type === b.packages[i]!.type);
}

function cached(cache: Map<string, string[]>, key: string, set: ReadonlySet<string>, compare: (a: string, b: string) => number): string[] {
  let sorted = cache.get(key);
  if (!sorted) cache.set(key, (sorted = [...set].sort(compare)));
  return sorted;
}

/** How well `name` matches: 0 exactly, 1 by its start, 2 anywhere. */
function grade(name: string, q: string): number {
  return name === q ? 0 : name.startsWith(q) ? 1 : 2;
}

/** The `limit` first items offered, by (grade, key), and how many were offered. */
class TopN<T> {
  private readonly kept: { item: T; grade: number; key: string }[] = [];
  seen = 0;

  constructor(private readonly limit: number) {}

  offer(item: T, grade: number, key: string): void {
    this.seen++;
    if (this.limit <= 0) return;
    const entry = { item, grade, key };
    const last = this.kept[this.kept.length - 1];
    if (this.kept.length === this.limit && before(last!, entry)) return;
    let lo = 0;
    let hi = this.kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(this.kept[mid]!, entry)) lo = mid + 1;
      else hi = mid;
    }
    this.kept.splice(lo, 0, entry);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  sorted(): T[] {
    return this.kept.map((e) => e.item);
  }
}

function before(a: { grade: number; key: string }, b: { grade: number; key: string }): boolean {
  return a.grade < b.grade || (a.grade === b.grade && a.key < b.key);
}
