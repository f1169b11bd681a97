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
import { TIER_ORDER } from "../../src/router/route.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { referenceRoute } from "./reference-route.js";

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

const arbPaths = fc
  .uniqueArray(fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }), { maxLength: 10 })
  .map((segmentLists) => {
    const paths = new Set(["/"]);
    for (const segments of segmentLists) {
      for (let i = 1; i <= segments.length; i++) paths.add("/" + segments.slice(0, i).join("/"));
    }
    return [...paths];
  });

const arbRegistry = fc
  .tuple(
    arbPaths,
    fc.uniqueArray(fc.constantFrom(...HOST_IDS), { minLength: 1, maxLength: HOST_IDS.length }),
    fc.record({ t1: fc.constantFrom("ordered", "spread" as const), t2: fc.constantFrom("ordered", "spread" as const) }),
  )
  .chain(([paths, ids, policies]) =>
    fc
      .tuple(...ids.map(() => fc.tuple(fc.constantFrom(...paths), arbHostFields)))
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

function knownTypes(registry: Registry): string[] {
  return TYPES.filter((t) => registry.types.has(t) || [...registry.hosts.values()].some((h) => packageOf(h, t)));
}

function expectSameRoutes(index: RouteIndex, registry: Registry): void {
  const fresh = RouteIndex.build(registry);
  for (const from of registry.hosts.keys()) {
    for (const type of knownTypes(registry)) {
      const route = index.route(from, type, { explain: true });
      expect(route).toEqual(fresh.route(from, type, { explain: true }));
      expect(route.candidates).toEqual(referenceRoute(registry, from, type));
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
      case "set-policy":
        return [{ kind: "put-type", type: { name: m.type, policy: m.policy } }];
    }
  }

  it("after any sequence of apply(change) routes as an index built from scratch", () => {
    fc.assert(
      fc.property(arbRegistry, fc.array(arbMutation, { maxLength: 25 }), (start, mutations) => {
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

