/**
 * The console's tree model (src/console/tree-model.ts): kept change by
 * change, it must equal a model built from scratch on the same registry,
 * whatever the changes (property test over the real mutations); pages and
 * search are bounded and ordered.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { liveEvent, MAX_EVENT_HOSTS } from "../../src/console/change-events.js";
import { TreeModel } from "../../src/console/tree-model.js";
import { applyOps, cloneRegistry, emptyRegistry, newHost, newPackage, type ChangeRecord, type Registry } from "../../src/registry/model.js";
import { createDomain, deleteDomain, moveDomain } from "../../src/registry-manager/mutations/domains.js";
import { setHostStatus } from "../../src/registry-manager/mutations/heartbeat.js";
import { moveHost, registerHost, removeHost, setMaintenance } from "../../src/registry-manager/mutations/hosts.js";
import type { Mutation } from "../../src/registry-manager/mutations/mutation.js";
import { deployPackage, removePackage } from "../../src/registry-manager/mutations/packages.js";

const DOMAINS = ["/a", "/a/b", "/a/b/c", "/d", "/d/e"];
const HOSTS = ["h1", "h2", "h3", "h4", "h5", "h6"];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...DOMAINS).map((p) => createDomain(p)),
  fc.constantFrom(...DOMAINS).map((p) => deleteDomain(p, true)),
  fc.tuple(fc.constantFrom(...DOMAINS), fc.constantFrom("/", ...DOMAINS)).map(([p, to]) => moveDomain(p, to)),
  fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom("/", ...DOMAINS)).map(([id, domain]) => registerHost({ id, domain })),
  fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom("/", ...DOMAINS)).map(([id, domain]) => moveHost(id, domain)),
  fc.constantFrom(...HOSTS).map((id) => removeHost(id)),
  fc.tuple(fc.constantFrom(...HOSTS), fc.boolean()).map(([id, on]) => setMaintenance(id, on)),
  fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom("up", "down", "unknown" as const)).map(([id, s]) => setHostStatus(id, s)),
  fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom("cc", "logs")).map(([id, t]) => deployPackage(id, t, 7000)),
  fc.tuple(fc.constantFrom(...HOSTS), fc.constantFrom("cc", "logs")).map(([id, t]) => removePackage(id, t)),
);

/** Everything the model answers, for comparing two models. */
function observe(model: TreeModel, registry: Registry) {
  const paths = [...registry.domains.keys()].sort();
  return {
    domains: paths.map((p) => model.domain(p)),
    children: paths.map((p) => model.children(p, 0, 100)!.rows.map((r) => r.path)),
    hosts: paths.map((p) => model.hosts(p, 0, 100)!.rows.map((h) => h.id)),
    types: model.types(),
  };
}

describe("the console's tree model", () => {
  it("kept change by change equals a model built from the registry at the same revision", () => {
    fc.assert(
      fc.property(fc.array(mutationArb, { maxLength: 60 }), (mutations) => {
        // Built from a registry that holds something already, so that most mutations apply.
        const registry = emptyRegistry();
        for (const path of DOMAINS) registry.domains.set(path, { path });
        HOSTS.slice(0, 3).forEach((id, i) => registry.hosts.set(id, newHost(id, DOMAINS[i]!, { packages: [newPackage("cc", 7000)] })));
        const model = TreeModel.build(registry, 0);
        let revision = 0;
        for (const mutation of mutations) {
          let ops;
          try {
            ops = mutation(registry);
          } catch {
            continue; // refused (a missing host, a cycle…): nothing written, as the store does
          }
          if (ops.length === 0) continue;
          applyOps(registry, ops);
          const change: ChangeRecord = { epoch: 1, revision: ++revision, digest: new Uint8Array(), ops, timeUnixMs: 0, cause: "test" };
          const effect = model.apply(change);
          // The event's counts are the model's after the change, for exactly the domains that moved.
          const event = liveEvent(change, effect, model);
          for (const [path, counts] of Object.entries(event.counts ?? {})) expect(counts).toEqual(model.counts(path));
          // Read after every change too: the sorted pages are cached between reads.
          expect(observe(model, registry)).toEqual(observe(TreeModel.build(cloneRegistry(registry), revision), registry));
        }
        expect(model.revision).toBe(revision);
      }),
      { numRuns: 500 },
    );
  });

  it("counts a subtree's hosts by liveness and maintenance, and tells only the domains whose counts moved", () => {
    const registry = emptyRegistry();
    for (const path of ["/a", "/a/b", "/z"]) registry.domains.set(path, { path });
    registry.hosts.set("x", newHost("x", "/a/b", { status: "up" }));
    registry.hosts.set("y", newHost("y", "/a", { status: "down", maintenance: true }));
    registry.hosts.set("z", newHost("z", "/z"));
    const model = TreeModel.build(registry, 7);
    expect(model.counts("/")).toEqual({ hosts: 3, up: 1, down: 1, unknown: 1, maintenance: 1 });
    expect(model.counts("/a")).toEqual({ hosts: 2, up: 1, down: 1, unknown: 0, maintenance: 1 });

    const ops = setHostStatus("x", "down")(registry);
    applyOps(registry, ops);
    const effect = model.apply({ epoch: 1, revision: 8, digest: new Uint8Array(), ops, timeUnixMs: 0, cause: "heartbeat silence" });
    expect(effect.counted.sort()).toEqual(["/", "/a", "/a/b"]);
    expect(effect.lists).toEqual([]);
    expect(model.counts("/a/b")).toEqual({ hosts: 1, up: 0, down: 1, unknown: 0, maintenance: 0 });

    // A package's health moves no count: no domain is told.
    const health = [{ kind: "put-host" as const, host: { ...registry.hosts.get("z")!, packages: [newPackage("cc", 1, { health: "unhealthy" })] } }];
    applyOps(registry, health);
    expect(model.apply({ epoch: 1, revision: 9, digest: new Uint8Array(), ops: health, timeUnixMs: 0, cause: "health" }).counted).toEqual([]);
  });

  it("pages a domain's hosts and subdomains in order, and searches with a bound, exact matches first", () => {
    const registry = emptyRegistry();
    registry.domains.set("/site", { path: "/site" });
    registry.domains.set("/site/host-5", { path: "/site/host-5" });
    for (let i = 0; i < 250; i++) registry.hosts.set(`host-${i}`, newHost(`host-${i}`, "/site", { labels: { rack: `r${i % 10}` } }));
    const model = TreeModel.build(registry, 1);
    const page = model.hosts("/site", 100, 50)!;
    expect(page.total).toBe(250);
    expect(page.rows.map((h) => h.id)).toEqual([...registry.hosts.keys()].sort().slice(100, 150));
    expect(model.hosts("/nowhere", 0, 10)).toBeUndefined();

    const found = model.search("host-5", 5);
    expect(found.hosts.map((h) => h.id)).toEqual(["host-5", "host-50", "host-51", "host-52", "host-53"]);
    expect(found.totalHosts).toBe(11);
    expect(found.domains.map((d) => d.path)).toEqual(["/site/host-5"]);
    expect(model.search("rack=r3", 100).totalHosts).toBe(25);
    expect(model.search("  ", 10).hosts).toEqual([]);
  });

  it("tells a change of more than MAX_EVENT_HOSTS hosts as a reload, not host by host", () => {
    const registry = emptyRegistry();
    const model = TreeModel.build(registry, 0);
    const ops = Array.from({ length: MAX_EVENT_HOSTS + 1 }, (_, i) => ({ kind: "put-host" as const, host: newHost(`h${i}`, "/") }));
    applyOps(registry, ops);
    const change: ChangeRecord = { epoch: 1, revision: 1, digest: new Uint8Array(), ops, timeUnixMs: 0, cause: "import" };
    const event = liveEvent(change, model.apply(change), model);
    expect(event.reload).toBe(true);
    expect(event.hosts).toEqual([]);
    expect(model.counts("/")!.hosts).toBe(MAX_EVENT_HOSTS + 1);
  });
});
