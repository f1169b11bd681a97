import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/clock.js";
import { StateDigest } from "../../src/registry/digest.js";
import { cloneRegistry, emptyRegistry, newHost, newPackage, packageOf, REGISTRY_TYPE, type Op, type Registry } from "../../src/registry/model.js";
import { completeSteps, ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import { WorkingState } from "../../src/registry-manager/working-state.js";

/** The hosts with a registry package, found the slow way. */
const scanned = (registry: Readonly<Registry>) => new Set([...registry.hosts.values()].filter((h) => packageOf(h, REGISTRY_TYPE)).map((h) => h.id));

function randomOps(random: () => number, count: number): Op[] {
  return Array.from({ length: count }, (): Op => {
    const id = `h${Math.floor(random() * 40)}`;
    const roll = random();
    if (roll < 0.25) return { kind: "delete-host", id };
    const packages = roll < 0.6 ? [newPackage(REGISTRY_TYPE, 7000)] : roll < 0.8 ? [newPackage("command-control", 7100)] : [];
    return { kind: "put-host", host: newHost(id, "/", { packages }) };
  });
}

function withManagers(ids: string[]): Registry {
  const registry = emptyRegistry();
  for (const id of ids) registry.hosts.set(id, newHost(id, "/", { packages: [newPackage(REGISTRY_TYPE, 7000)] }));
  registry.hosts.set("plain", newHost("plain", "/"));
  return registry;
}

describe("the working state's registry managers", () => {
  it("are the hosts with a registry package after every change applied, replicated or installed", () => {
    const random = seededRandom(11);
    const start = withManagers(["m1", "m2"]);
    const state = new WorkingState(cloneRegistry(start), StateDigest.of(start), 0);
    expect(state.managerHosts).toEqual(new Set(["m1", "m2"]));
    for (let round = 0; round < 30; round++) {
      // Some changes are big enough to be applied over several steps.
      const ops = randomOps(random, round % 10 === 9 ? ITEMS_PER_SLICE * 2 + 3 : 1 + Math.floor(random() * 5));
      const digested = completeSteps(state.digestAfter(ops));
      completeSteps(state.apply(ops, digested, 1, "test", 0));
      expect(state.managerHosts).toEqual(scanned(state.registry));
    }
    const replica = new WorkingState(cloneRegistry(state.registry), StateDigest.of(state.registry), state.revision);
    const ops = randomOps(random, 20);
    const digested = completeSteps(state.digestAfter(ops));
    const change = completeSteps(state.apply(ops, digested, 1, "test", 0));
    replica.replicate(change, 1);
    expect(replica.managerHosts).toEqual(scanned(replica.registry));
    const snapshot = withManagers(["m9"]);
    replica.install(snapshot, { clusterId: "c", epoch: 1, revision: 99, digest: StateDigest.of(snapshot).bytes() } as never, StateDigest.of(snapshot));
    expect(replica.managerHosts).toEqual(new Set(["m9"]));
  });
});
