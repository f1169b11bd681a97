import { notFound } from "../errors.js";
import { countsInShare, unavailableReason } from "./availability.js";
import { DomainNode, DomainTree, inconsistent, type Entry } from "./domain-tree.js";
import { bestOfChildren, domainOrder, nearestElsewhere } from "./domain-order.js";
import {
  applyOps,
  cloneRegistry,
  compareSegments,
  compareStrings,
  endpointOf,
  minHealthyOf,
  packageOf,
  policyOf,
  parentPath,
  type HostRecord,
  type Op,
  type PackageRecord,
  type Policy,
  type Registry,
} from "../registry/model.js";
import { completeSteps, SliceCounter, type Steps } from "../registry/steps.js";
import { rendezvousScore } from "./rendezvous.js";
import type { Route, RouteCandidate, SkippedPackage, Tier } from "./route.js";
import { meets, spillRoute, type WeighedTier } from "./spill.js";

export interface RouteOptions {
  /**
   * List the unavailable packages of the type, with their reasons, and,
   * when the type's min_healthy is above 0, which tiers yielded and why.
   */
  explain?: boolean;
}

/**
 * The registry with routes precomputed for speed (SPEC 4). Per type and per
 * domain it keeps the available packages sorted by `(priority, host id)`, and
 * per subtree the nearest occupied domain, so the first candidate costs a
 * walk up the origin's chain of domains, and one change costs the hosts it
 * touches plus a walk up their chains. `apply` keeps it current under a
 * stream of changes; a route after any sequence of `apply` equals the route
 * of an index built from scratch on the same registry.
 *
 * A type with min_healthy F > 0 spills (SPEC 13): each domain's slot also
 * counts the packages that weigh in a tier's share, and `totals` sums both
 * counts per type, so a tier's share costs the walk up the origin's chain
 * (the `elsewhere` tier is the type's totals minus the chain's counts).
 */
export class RouteIndex {
  private readonly state: Registry;
  private readonly tree = new DomainTree();
  /** Hosts carrying a package of each type, available or not (for explanations). */
  private readonly carriers = new Map<string, Set<string>>();
  /** Domains holding at least one available package of each type. */
  private readonly occupied = new Map<string, Set<DomainNode>>();
  /**
   * Per type, over the whole registry: the packages that count in a spill
   * share (countsInShare) and the available ones; the sums of the slots'
   * `enabled` and `entries.length`. A type with neither has no entry.
   */
  private readonly totals = new Map<string, { enabled: number; available: number }>();

  private constructor(registry: Registry) {
    this.state = registry;
  }

  /** An index over a copy of `registry`: the caller keeps its own maps. */
  static build(registry: Readonly<Registry>): RouteIndex {
    return RouteIndex.adopt(cloneRegistry(registry));
  }

  /** An index that takes `registry` over (no copy): the caller must not touch it again. */
  static adopt(registry: Registry): RouteIndex {
    return completeSteps(RouteIndex.adopting(registry));
  }

  /** `adopt` a slice of hosts per step (100,000 hosts take a few hundred ms), for a caller that yields between them. */
  static *adopting(registry: Registry): Steps<RouteIndex> {
    const index = new RouteIndex(registry);
    const slices = new SliceCounter();
    for (const path of registry.domains.keys()) {
      index.addDomain(path);
      if (slices.due()) yield;
    }
    for (const host of registry.hosts.values()) {
      index.indexHost(host);
      if (slices.due()) yield;
    }
    return index;
  }

  /**
   * `path` into the tree, its registered ancestors first. Not in path order:
   * sorting 10,000 paths took 12 to 26 ms, and no order but parents before
   * children shows in a route (a node's children are compared, not listed).
   */
  private addDomain(path: string): void {
    if (this.tree.get(path)) return;
    const parent = parentPath(path);
    if (parent !== undefined && this.state.domains.has(parent)) this.addDomain(parent);
    this.tree.add(path);
  }

  /** The registry as of the last applied change. Do not mutate it: use `apply`. */
  get registry(): Readonly<Registry> {
    return this.state;
  }

  apply(ops: readonly Op[]): void {
    for (const op of ops) {
      switch (op.kind) {
        case "put-domain":
          this.tree.add(op.domain.path);
          break;
        case "delete-domain":
          this.tree.remove(op.path);
          break;
        case "put-host": {
          // Checked before anything moves, so a bad op leaves the index as it was.
          if (!this.tree.get(op.host.domain)) throw inconsistent(`host ${op.host.id} placed in missing domain ${op.host.domain}`);
          const old = this.state.hosts.get(op.host.id);
          if (old) this.unindexHost(old);
          this.indexHost(op.host);
          break;
        }
        case "delete-host": {
          const old = this.state.hosts.get(op.id);
          if (old) this.unindexHost(old);
          break;
        }
        case "put-type":
        case "delete-type":
          // Policies apply at query time; nothing is precomputed from them.
          break;
      }
      applyOps(this.state, [op]);
    }
  }

  /** A type is known when a policy names it or a host carries it. */
  knowsType(type: string): boolean {
    return this.state.types.has(type) || (this.carriers.get(type)?.size ?? 0) > 0;
  }

  /** The first candidate of `route(from, type)`, without building the rest. */
  first(from: string, type: string): RouteCandidate | undefined {
    const { host, node } = this.origin(from);
    const minHealthy = this.state.types.get(type)?.minHealthy;
    if (minHealthy !== undefined && minHealthy > 0) {
      // Undefined on panic, where the route is the one of min_healthy 0, below.
      const head = this.firstMeeting(host, node, type, minHealthy);
      if (head) return head;
    }
    const own = packageOf(host, type);
    if (own && unavailableReason(host, own) === undefined) return localCandidate(host, own);

    const policy = policyOf(this.state, type);
    for (let n: DomainNode | undefined = node; n; n = n.parent) {
      const entries = n.slots.get(type)?.entries;
      if (entries && entries.length > 0) {
        return toCandidate(firstEntry(entries, from, policy), n === node ? "domain" : "ancestor");
      }
    }
    const nearest = nearestElsewhere(node, type);
    return nearest && toCandidate(firstEntry(nearest.slot(type).entries, from, policy), "elsewhere");
  }

  route(from: string, type: string, options: RouteOptions = {}): Route {
    const { host, node } = this.origin(from);
    if (!this.knowsType(type)) throw notFound(`unknown type "${type}": no host carries it and no policy names it`);
    const policy = policyOf(this.state, type);
    const minHealthy = minHealthyOf(this.state, type);
    if (minHealthy > 0) return this.spilledRoute(host, node, type, policy, minHealthy, options);
    const candidates: RouteCandidate[] = [];

    const own = packageOf(host, type);
    if (own && unavailableReason(host, own) === undefined) candidates.push(localCandidate(host, own));
    for (let n: DomainNode | undefined = node; n; n = n.parent) {
      const entries = n.slots.get(type)?.entries;
      if (!entries) continue;
      const tier: Tier = n === node ? "domain" : "ancestor";
      for (const entry of ordered(entries, from, policy)) {
        if (entry.host !== from) candidates.push(toCandidate(entry, tier));
      }
    }
    for (const x of this.elsewhereDomains(node, type)) {
      for (const entry of ordered(x.slot(type).entries, from, policy)) candidates.push(toCandidate(entry, "elsewhere"));
    }

    const route: Route = { from, type, candidates };
    if (options.explain) route.skipped = this.skipped(host, node, type);
    return route;
  }

  /**
   * The head of the spilled route: the first candidate of the first tier
   * that meets `minHealthy`, every tier before it having yielded; undefined
   * when no tier meets it (panic).
   */
  private firstMeeting(host: HostRecord, node: DomainNode, type: string, minHealthy: number): RouteCandidate | undefined {
    const own = packageOf(host, type);
    const ownOf = own && countsInShare(host, own) ? 1 : 0;
    const ownAvailable = own && unavailableReason(host, own) === undefined ? 1 : 0;
    // An available own package is a share of 1, which meets any min_healthy
    // of 0 to 1: past this line, unless nothing can meet it, the origin is in
    // no slot's entries.
    if (ownOf > 0 && meets(ownAvailable, ownOf, minHealthy)) return localCandidate(host, own!);

    const policy = policyOf(this.state, type);
    let chainEnabled = 0;
    let chainAvailable = 0;
    for (let n: DomainNode | undefined = node; n; n = n.parent) {
      const slot = n.slots.get(type);
      if (!slot) continue;
      chainEnabled += slot.enabled;
      chainAvailable += slot.entries.length;
      const of = n === node ? slot.enabled - ownOf : slot.enabled;
      const available = n === node ? slot.entries.length - ownAvailable : slot.entries.length;
      if (of > 0 && meets(available, of, minHealthy)) {
        return toCandidate(firstEntry(slot.entries, host.id, policy), n === node ? "domain" : "ancestor");
      }
    }
    const total = this.totals.get(type);
    const of = (total?.enabled ?? 0) - chainEnabled;
    const available = (total?.available ?? 0) - chainAvailable;
    if (of > 0 && meets(available, of, minHealthy)) {
      const nearest = nearestElsewhere(node, type);
      return nearest && toCandidate(firstEntry(nearest.slot(type).entries, host.id, policy), "elsewhere");
    }
    return undefined;
  }

  /** `route` for a type with min_healthy above 0: the section-4 route cut into tiers, then spilled. */
  private spilledRoute(host: HostRecord, node: DomainNode, type: string, policy: Policy, minHealthy: number, options: RouteOptions): Route {
    const from = host.id;
    const tiers: WeighedTier<RouteCandidate>[] = [];
    const own = packageOf(host, type);
    const ownOf = own && countsInShare(host, own) ? 1 : 0;
    const local = own && unavailableReason(host, own) === undefined ? [localCandidate(host, own)] : [];
    tiers.push({ name: "local", members: local, of: ownOf });
    let chainEnabled = 0;
    for (let n: DomainNode | undefined = node; n; n = n.parent) {
      const slot = n.slots.get(type);
      if (!slot) continue;
      chainEnabled += slot.enabled;
      const tier: Tier = n === node ? "domain" : "ancestor";
      const members: RouteCandidate[] = [];
      for (const entry of ordered(slot.entries, from, policy)) {
        if (entry.host !== from) members.push(toCandidate(entry, tier));
      }
      tiers.push({ name: n.path, members, of: n === node ? slot.enabled - ownOf : slot.enabled });
    }
    const elsewhere: RouteCandidate[] = [];
    for (const x of this.elsewhereDomains(node, type)) {
      for (const entry of ordered(x.slot(type).entries, from, policy)) elsewhere.push(toCandidate(entry, "elsewhere"));
    }
    tiers.push({ name: "elsewhere", members: elsewhere, of: (this.totals.get(type)?.enabled ?? 0) - chainEnabled });

    const { order, spill } = spillRoute(tiers, minHealthy);
    const route: Route = { from, type, candidates: order };
    if (options.explain) {
      route.skipped = this.skipped(host, node, type);
      route.spill = spill;
    }
    return route;
  }

  /** The occupied domains off the origin's chain, in route order. */
  private elsewhereDomains(origin: DomainNode, type: string): DomainNode[] {
    const keyed: { node: DomainNode; distance: number; lca: number }[] = [];
    for (const x of this.occupied.get(type) ?? []) {
      if (x.isAncestorOrSelfOf(origin)) continue;
      const lca = origin.commonDepth(x);
      keyed.push({ node: x, distance: x.depth - 2 * lca, lca });
    }
    keyed.sort((a, b) => a.distance - b.distance || b.lca - a.lca || compareSegments(a.node.segments, b.node.segments));
    return keyed.map((k) => k.node);
  }

  private skipped(origin: HostRecord, node: DomainNode, type: string): SkippedPackage[] {
    const placeOrder = domainOrder(node);
    const skipped: { host: HostRecord; pkg: PackageRecord; place: DomainNode; reason: SkippedPackage["reason"] }[] = [];
    for (const id of this.carriers.get(type) ?? []) {
      const host = this.state.hosts.get(id)!;
      const pkg = packageOf(host, type)!;
      const reason = unavailableReason(host, pkg);
      if (reason) skipped.push({ host, pkg, place: this.tree.get(host.domain)!, reason });
    }
    skipped.sort(
      (a, b) =>
        Number(b.host === origin) - Number(a.host === origin) ||
        placeOrder(a.place, b.place) ||
        a.pkg.priority - b.pkg.priority ||
        compareStrings(a.host.id, b.host.id),
    );
    return skipped.map((s) => ({ host: s.host.id, reason: s.reason }));
  }

  private origin(from: string): { host: HostRecord; node: DomainNode } {
    const host = this.state.hosts.get(from);
    if (!host) throw notFound(`unknown host "${from}"`);
    return { host, node: this.tree.get(host.domain)! };
  }

  private indexHost(host: HostRecord): void {
    const node = this.tree.get(host.domain);
    if (!node) throw inconsistent(`host ${host.id} placed in missing domain ${host.domain}`);
    node.hosts.add(host.id);
    for (const pkg of host.packages) {
      let carriers = this.carriers.get(pkg.type);
      if (!carriers) this.carriers.set(pkg.type, (carriers = new Set()));
      carriers.add(host.id);
      // Withdrawn or in maintenance: in no share, and unavailable too.
      if (!countsInShare(host, pkg)) continue;
      const slot = node.slot(pkg.type);
      slot.enabled++;
      const total = this.total(pkg.type);
      total.enabled++;
      if (unavailableReason(host, pkg) !== undefined) continue;
      total.available++;
      const entry: Entry = {
        host: host.id,
        domain: host.domain,
        endpoint: endpointOf(host.address, pkg.port),
        priority: pkg.priority,
      };
      slot.entries.splice(insertionPoint(slot.entries, entry), 0, entry);
      if (slot.entries.length === 1) this.occupancyChanged(node, pkg.type);
    }
  }

  private unindexHost(host: HostRecord): void {
    const node = this.tree.get(host.domain)!;
    node.hosts.delete(host.id);
    for (const pkg of host.packages) {
      const carriers = this.carriers.get(pkg.type)!;
      carriers.delete(host.id);
      if (carriers.size === 0) this.carriers.delete(pkg.type);
      if (!countsInShare(host, pkg)) continue;
      // indexHost gave this very record a slot and a total.
      const slot = node.slots.get(pkg.type)!;
      const total = this.totals.get(pkg.type)!;
      slot.enabled--;
      total.enabled--;
      const at = slot.entries.findIndex((e) => e.host === host.id);
      if (at >= 0) total.available--;
      if (total.enabled === 0) this.totals.delete(pkg.type);
      if (at < 0) continue;
      slot.entries.splice(at, 1);
      if (slot.entries.length === 0) this.occupancyChanged(node, pkg.type);
    }
  }

  private total(type: string): { enabled: number; available: number } {
    let total = this.totals.get(type);
    if (!total) this.totals.set(type, (total = { enabled: 0, available: 0 }));
    return total;
  }

  /** `node` gained its first or lost its last available package of `type`. */
  private occupancyChanged(node: DomainNode, type: string): void {
    let occupied = this.occupied.get(type);
    if (!occupied) this.occupied.set(type, (occupied = new Set()));
    if (node.slot(type).entries.length > 0) occupied.add(node);
    else occupied.delete(node);
    if (occupied.size === 0) this.occupied.delete(type);

    // A subtree's best depends only on its root and its children's bests, so
    // the walk up stops at the first ancestor whose best did not move.
    for (let n: DomainNode | undefined = node; n; n = n.parent) {
      const slot = n.slot(type);
      const best = slot.entries.length > 0 ? n : bestOfChildren(n, type, undefined);
      if (best === slot.best && n !== node) break;
      slot.best = best;
    }
  }
}

function localCandidate(host: HostRecord, pkg: PackageRecord): RouteCandidate {
  return { host: host.id, domain: host.domain, tier: "local", endpoint: endpointOf(host.address, pkg.port) };
}

function toCandidate(entry: Entry, tier: Tier): RouteCandidate {
  return { host: entry.host, domain: entry.domain, tier, endpoint: entry.endpoint };
}

function compareEntries(a: Entry, b: Entry): number {
  return a.priority - b.priority || compareStrings(a.host, b.host);
}

function insertionPoint(entries: readonly Entry[], entry: Entry): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(entries[mid]!, entry) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One domain's entries in route order for `origin`: as stored for `ordered`, re-ranked for `spread`. */
function ordered(entries: readonly Entry[], origin: string, policy: Policy): readonly Entry[] {
  if (policy === "ordered" || entries.length < 2) return entries;
  const scores = new Map(entries.map((e) => [e.host, rendezvousScore(origin, e.host)]));
  return [...entries].sort((a, b) => {
    if (a.priority !== b.priority) return a.priority - b.priority;
    const sa = scores.get(a.host)!;
    const sb = scores.get(b.host)!;
    return sa === sb ? compareStrings(a.host, b.host) : sa > sb ? -1 : 1;
  });
}

/** `ordered(entries, origin, policy)[0]`, scoring only the top priority group. */
function firstEntry(entries: readonly Entry[], origin: string, policy: Policy): Entry {
  let winner = entries[0]!;
  if (policy === "ordered" || entries[1]?.priority !== winner.priority) return winner;
  let winnerScore = rendezvousScore(origin, winner.host);
  for (let i = 1; i < entries.length && entries[i]!.priority === winner.priority; i++) {
    const entry = entries[i]!;
    const score = rendezvousScore(origin, entry.host);
    if (score > winnerScore) {
      winner = entry;
      winnerScore = score;
    }
  }
  return winner;
}
