import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isAvailable } from "../../src/router/availability.js";
import {
  applyOps,
  cloneRegistry,
  emptyRegistry,
  joinPath,
  newHost,
  newPackage,
  packageOf,
  type Op,
  type Registry,
} from "../../src/registry/model.js";
import { TIER_ORDER, type RouteCandidate } from "../../src/router/route.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { yieldReason, panicReason } from "../../src/router/spill.js";
import { referenceRoute, referenceSpill } from "./reference-route.js";

const TYPES = ["t1", "t2"] as const;
// Few, clashing names so that ties, prefixes and '-' vs '/' orderings occur often.
const SEGMENTS = ["a", "b", "a-b", "c"];
const HOST_IDS = Array.from({ length: 10 }, (_, i) => `h${i}`);

const arbPackage = (type: string) =>
  fc.record({
    type: fc.constant(type),
    port: fc.integer({ min: 1, max: 65535 }),
    priority: fc.integer({ min: 0, max: 2 }),
    state: fc.constantFrom("enabled", "enabled", "withdrawn" as const),
    health: fc.constantFrom("healthy", "healthy", "unhealthy" as const),
  });

const arbHostFields = fc.record({
  status: fc.constantFrom("up", "unknown", "down" as const),
  maintenance: fc.constantFrom(false, false, false, true),
  packages: fc.subarray([...TYPES]).chain((types) => fc.tuple(...types.map(arbPackage))),
});

const arbPathsOf = (depth: number, lists: number) =>
  fc
    .uniqueArray(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: depth }), { maxLength: lists })
    .map((segmentLists) => {
      const paths = new Set(["/"]);
      for (const segments of segmentLists) {
        for (let i = 1; i <= segments.length; i++) paths.add("/" + segments.slice(0, i).join("/"));
      }
      return [...paths];
    });

const arbRegistryOf = (
  arbPaths: fc.Arbitrary<string[]>,
  hostIds: readonly string[],
  minHosts = 1,
  arbFields: typeof arbHostFields = arbHostFields,
) =>
  fc
    .tuple(
      arbPaths,
      fc.uniqueArray(fc.constantFrom(...hostIds), { minLength: minHosts, maxLength: hostIds.length }),
      fc.record({ t1: fc.constantFrom("ordered", "spread" as const), t2: fc.constantFrom("ordered", "spread" as const) }),
    )
    .chain(([paths, ids, policies]) =>
      fc
        .tuple(...ids.map(() => fc.tuple(fc.constantFrom(...paths), arbFields)))
        .map((placed) => {
          const registry = emptyRegistry();
          for (const path of paths) registry.domains.set(path, { path });
          placed.forEach(([domain, fields], i) => {
            registry.hosts.set(ids[i]!, newHost(ids[i]!, domain, { ...fields, packages: fields.packages.map((p) => newPackage(p.type, p.port, p)) }));
          });
          for (const [name, policy] of Object.entries(policies)) registry.types.set(name, { name, policy });
          return registry;
        }),
    );

const arbRegistry = arbRegistryOf(arbPathsOf(4, 10), HOST_IDS);

/** min_healthy values: the shares of small tiers (so equal shares occur often), the ends, and any. */
const arbMinHealthy = fc.oneof(
  fc.constantFrom(0, 1 / 4, 1 / 3, 1 / 2, 2 / 3, 3 / 4, 1),
  fc.double({ min: 0, max: 1, noNaN: true }),
);

/**
 * Random registries with a min_healthy on each type, with more hosts, more
 * of them available, in fewer and shallower domains than arbRegistry: tiers
 * of several packages, some available, are what make shares between 0 and 1
 * and managers that move.
 */
const SPILL_HOST_IDS = Array.from({ length: 24 }, (_, i) => `h${i}`);
const arbSpillHostFields = fc.record({
  status: fc.constantFrom("up", "up", "unknown", "down" as const),
  maintenance: fc.constantFrom(false, false, false, false, false, true),
  packages: fc.subarray([...TYPES], { minLength: 1 }).chain((types) =>
    fc.tuple(
      ...types.map((type) =>
        fc.record({
          type: fc.constant(type),
          port: fc.integer({ min: 1, max: 65535 }),
          priority: fc.integer({ min: 0, max: 2 }),
          state: fc.constantFrom("enabled", "enabled", "enabled", "enabled", "withdrawn" as const),
          health: fc.constantFrom("healthy", "healthy", "healthy", "unhealthy" as const),
        }),
      ),
    ),
  ),
});
const arbSpillRegistry = fc
  .tuple(arbRegistryOf(arbPathsOf(3, 4), SPILL_HOST_IDS, 6, arbSpillHostFields), arbMinHealthy, arbMinHealthy)
  .map(([registry, f1, f2]) => {
    withMinHealthy(registry, "t1", f1);
    withMinHealthy(registry, "t2", f2);
    return registry;
  });

function withMinHealthy(registry: Registry, type: string, minHealthy: number): void {
  registry.types.set(type, { name: type, policy: registry.types.get(type)?.policy ?? "ordered", minHealthy });
}

/** The same registry with min_healthy 0 on every type: the section-4 route. */
function withoutSpill(registry: Registry): Registry {
  const copy = cloneRegistry(registry);
  for (const type of TYPES) withMinHealthy(copy, type, 0);
  return copy;
}

function knownTypes(registry: Registry): string[] {
  return TYPES.filter((t) => registry.types.has(t) || [...registry.hosts.values()].some((h) => packageOf(h, t)));
}

function expectSameRoutes(index: RouteIndex, registry: Registry): void {
  const fresh = RouteIndex.build(registry);
  for (const from of registry.hosts.keys()) {
    for (const type of knownTypes(registry)) {
      const route = index.route(from, type, { explain: true });
      expect(route).toEqual(fresh.route(from, type, { explain: true }));
      expect(route.candidates).toEqual(referenceSpill(registry, from, type).candidates);
      expect(index.first(from, type)).toEqual(route.candidates[0]);
    }
  }
}

describe("route properties on random trees", () => {
  it("matches the spec's order exactly, and the first candidate is the route's first", () => {
    fc.assert(
      fc.property(arbRegistry, (registry) => expectSameRoutes(RouteIndex.build(registry), registry)),
      { numRuns: 300 },
    );
  });

  // Tiers never decrease with min_healthy 0 (arbRegistry sets none); a spill is what breaks it (below).
  it("lists only available packages, each once, with tiers that never decrease", () => {
    fc.assert(
      fc.property(arbRegistry, (registry) => {
        const index = RouteIndex.build(registry);
        for (const from of registry.hosts.keys()) {
          for (const type of knownTypes(registry)) {
            const { candidates, skipped } = index.route(from, type, { explain: true });
            const hosts = candidates.map((c) => c.host);
            expect(new Set(hosts).size).toBe(hosts.length);
            for (const c of candidates) {
              const host = registry.hosts.get(c.host)!;
              expect(isAvailable(host, packageOf(host, type)!)).toBe(true);
            }
            for (let i = 1; i < candidates.length; i++) {
              expect(TIER_ORDER[candidates[i]!.tier]).toBeGreaterThanOrEqual(TIER_ORDER[candidates[i - 1]!.tier]);
            }
            const carriers = [...registry.hosts.values()].filter((h) => packageOf(h, type)).length;
            expect(candidates.length + skipped!.length).toBe(carriers);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  /** A mutation, resolved against the registry as it is when it is applied. */
  const arbMutation = fc.oneof(
    fc.record({ kind: fc.constant("put-host" as const), id: fc.constantFrom(...HOST_IDS), pick: fc.nat(), fields: arbHostFields }),
    fc.record({ kind: fc.constant("delete-host" as const), id: fc.constantFrom(...HOST_IDS) }),
    fc.record({ kind: fc.constant("add-domain" as const), pick: fc.nat(), segment: fc.constantFrom(...SEGMENTS) }),
    fc.record({ kind: fc.constant("delete-domain" as const), pick: fc.nat() }),
    fc.record({ kind: fc.constant("move-domain" as const), pick: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant("set-policy" as const), type: fc.constantFrom(...TYPES), policy: fc.constantFrom("ordered", "spread" as const) }),
    fc.record({ kind: fc.constant("set-min-healthy" as const), type: fc.constantFrom(...TYPES), minHealthy: arbMinHealthy }),
  );
  type Mutation = typeof arbMutation extends fc.Arbitrary<infer M> ? M : never;

  function opsFor(registry: Registry, m: Mutation): Op[] {
    const paths = [...registry.domains.keys()].sort();
    const pick = (n: number) => paths[n % paths.length]!;
    switch (m.kind) {
      case "put-host": {
        const packages = m.fields.packages.map((p) => newPackage(p.type, p.port, p));
        return [{ kind: "put-host", host: newHost(m.id, pick(m.pick), { ...m.fields, packages }) }];
      }
      case "delete-host":
        return registry.hosts.has(m.id) ? [{ kind: "delete-host", id: m.id }] : [];
      case "add-domain": {
        const path = joinPath(pick(m.pick), m.segment);
        return registry.domains.has(path) || path.split("/").length > 6 ? [] : [{ kind: "put-domain", domain: { path } }];
      }
      case "delete-domain": {
        const path = pick(m.pick);
        const busy =
          path === "/" ||
          paths.some((p) => p.startsWith(path + "/")) ||
          [...registry.hosts.values()].some((h) => h.domain === path);
        return busy ? [] : [{ kind: "delete-domain", path }];
      }
      case "move-domain": {
        const from = pick(m.pick);
        const to = pick(m.to);
        if (from === "/" || to === from || to.startsWith(from + "/")) return [];
        const target = joinPath(to, from.slice(from.lastIndexOf("/") + 1));
        if (registry.domains.has(target)) return [];
        const rename = (p: string) => target + p.slice(from.length);
        const subtree = paths.filter((p) => p === from || p.startsWith(from + "/"));
        return [
          ...subtree.map((p): Op => ({ kind: "put-domain", domain: { path: rename(p) } })),
          ...[...registry.hosts.values()]
            .filter((h) => subtree.includes(h.domain))
            .map((h): Op => ({ kind: "put-host", host: { ...h, domain: rename(h.domain) } })),
          ...subtree.reverse().map((p): Op => ({ kind: "delete-domain", path: p })),
        ];
      }
      case "set-policy": {
        const minHealthy = registry.types.get(m.type)?.minHealthy;
        return [{ kind: "put-type", type: minHealthy === undefined ? { name: m.type, policy: m.policy } : { name: m.type, policy: m.policy, minHealthy } }];
      }
      case "set-min-healthy":
        return [{ kind: "put-type", type: { name: m.type, policy: registry.types.get(m.type)?.policy ?? "ordered", minHealthy: m.minHealthy } }];
    }
  }

  it("after any sequence of apply(change) routes as an index built from scratch, spilled or not", () => {
    fc.assert(
      fc.property(fc.oneof(arbRegistry, arbSpillRegistry), fc.array(arbMutation, { maxLength: 25 }), (start, mutations) => {
        const registry = cloneRegistry(start);
        const index = RouteIndex.build(registry);
        for (const mutation of mutations) {
          const ops = opsFor(registry, mutation);
          applyOps(registry, ops);
          index.apply(ops);
        }
        expect(index.registry).toEqual(registry);
        expectSameRoutes(index, registry);
      }),
      { numRuns: 300 },
    );
  });
});

describe("health-threshold spill on random trees (SPEC 13)", () => {
  const hostsOf = (candidates: readonly RouteCandidate[]) => candidates.map((c) => c.host);

  /** Runs `check` on every origin and known type of random registries with random min_healthy. */
  function forEveryRoute(
    check: (c: { registry: Registry; index: RouteIndex; plain: RouteIndex; from: string; type: string }) => void,
    numRuns = 300,
  ): void {
    fc.assert(
      fc.property(arbSpillRegistry, (registry) => {
        const index = RouteIndex.build(registry);
        const plain = RouteIndex.build(withoutSpill(registry));
        for (const from of registry.hosts.keys()) {
          for (const type of knownTypes(registry)) check({ registry, index, plain, from, type });
        }
      }),
      { numRuns },
    );
  }

  it("routes as the reference spill, and first() is the route's head", () => {
    forEveryRoute(({ registry, index, from, type }) => {
      const route = index.route(from, type);
      expect(route.candidates).toEqual(referenceSpill(registry, from, type).candidates);
      expect(index.first(from, type)).toEqual(route.candidates[0]);
    });
  });

  it("with min_healthy 0 gives exactly the section-4 order, without a spill explanation", () => {
    forEveryRoute(({ registry, plain, from, type }) => {
      const route = plain.route(from, type, { explain: true });
      expect(route.candidates).toEqual(referenceRoute(registry, from, type));
      expect(route.spill).toBeUndefined();
    });
  });

  it("lists every available manager exactly once, whatever min_healthy", () => {
    forEveryRoute(({ index, plain, from, type }) => {
      const hosts = hostsOf(index.route(from, type).candidates);
      expect(new Set(hosts).size).toBe(hosts.length);
      expect([...hosts].sort()).toEqual(hostsOf(plain.route(from, type).candidates).sort());
    });
  });

  it("never moves a tier that meets min_healthy: its managers stay together, in place among the meeting tiers", () => {
    forEveryRoute(({ registry, index, plain, from, type }) => {
      const { meeting, tierOf } = referenceSpill(registry, from, type);
      const spilled = index.route(from, type).candidates;
      const ofMeeting = (cs: readonly RouteCandidate[]) => hostsOf(cs.filter((c) => meeting.has(tierOf(c))));
      expect(ofMeeting(spilled)).toEqual(ofMeeting(plain.route(from, type).candidates));
      for (const tier of meeting) {
        const at = spilled.flatMap((c, i) => (tierOf(c) === tier ? [i] : []));
        if (at.length > 0) expect(at[at.length - 1]! - at[0]!).toBe(at.length - 1);
      }
    });
  });

  it("on panic routes as with min_healthy 0; tiers decrease only where a tier yielded", () => {
    forEveryRoute(({ index, plain, from, type }) => {
      const route = index.route(from, type, { explain: true });
      const spill = route.spill;
      if (!spill) return;
      if (spill.panic) expect(route.candidates).toEqual(plain.route(from, type).candidates);
      if (spill.panic || spill.yielded.every((y) => y.available === 0)) {
        for (let i = 1; i < route.candidates.length; i++) {
          expect(TIER_ORDER[route.candidates[i]!.tier]).toBeGreaterThanOrEqual(TIER_ORDER[route.candidates[i - 1]!.tier]);
        }
      }
    });
  });

  it("explains which tiers yielded and why, and skips what min_healthy 0 skips", () => {
    forEveryRoute(({ registry, index, plain, from, type }) => {
      const route = index.route(from, type, { explain: true });
      const { tiers, meeting, minHealthy } = referenceSpill(registry, from, type);
      expect(route.skipped).toEqual(plain.route(from, type, { explain: true }).skipped);
      if (!(minHealthy > 0)) {
        expect(route.spill).toBeUndefined();
        return;
      }
      const below = tiers.filter((t) => !meeting.has(t.name));
      expect(route.spill).toEqual({
        minHealthy,
        yielded: below.map((t) => ({ tier: t.name, available: t.available, of: t.of, reason: yieldReason(t.name, t.available, t.of, minHealthy) })),
        panic: meeting.size === 0,
        ...(meeting.size === 0 && { reason: panicReason(minHealthy) }),
      });
      expect(index.route(from, type).spill).toBeUndefined();
    });
  });
});

describe("spread policy", () => {
  const ORIGINS = 10_000;

  function spreadRegistry(managers: string[]): Registry {
    const registry = emptyRegistry();
    registry.domains.set("/edge", { path: "/edge" });
    registry.types.set("cc", { name: "cc", policy: "spread" });
    for (const id of managers) registry.hosts.set(id, newHost(id, "/", { packages: [newPackage("cc", 7600)] }));
    for (let i = 0; i < ORIGINS; i++) registry.hosts.set(`agent-${i}`, newHost(`agent-${i}`, "/edge"));
    return registry;
  }

  function assignments(index: RouteIndex): Map<string, string> {
    const chosen = new Map<string, string>();
    for (let i = 0; i < ORIGINS; i++) chosen.set(`agent-${i}`, index.first(`agent-${i}`, "cc")!.host);
    return chosen;
  }

  it("shares 10,000 origins among 4 equal managers within 10% of a quarter, and removing one moves only its own", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/), { minLength: 4, maxLength: 4 }), (managers) => {
        fc.pre(!managers.some((m) => m.startsWith("agent-")));
        const index = RouteIndex.build(spreadRegistry(managers));
        const before = assignments(index);
        for (const manager of managers) {
          const load = [...before.values()].filter((m) => m === manager).length;
          expect(Math.abs(load - ORIGINS / 4)).toBeLessThanOrEqual(ORIGINS / 40);
        }
        const removed = managers[0]!;
        index.apply([{ kind: "delete-host", id: removed }]);
        const after = assignments(index);
        for (const [origin, manager] of before) {
          if (manager === removed) expect(after.get(origin)).not.toBe(removed);
          else expect(after.get(origin)).toBe(manager);
        }
      }),
      { numRuns: 5 },
    );
  });
});

