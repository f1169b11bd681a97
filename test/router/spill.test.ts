import { describe, expect, it } from "vitest";
import type { PackageRecord } from "../../src/registry/model.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { percent, spillRoute } from "../../src/router/spill.js";
import { buildRegistry, type HostSpec } from "./registry-builder.js";

const cc = (fields: Partial<PackageRecord> = {}) => ({ type: "cc", ...fields });

function routeWith(hosts: Record<string, HostSpec & { domain: string }>, from: string, minHealthy: number) {
  const index = RouteIndex.build(buildRegistry(hosts, {}, { cc: minHealthy }));
  const route = index.route(from, "cc", { explain: true });
  expect(index.first(from, "cc")).toEqual(route.candidates[0]);
  expect(index.route(from, "cc").candidates).toEqual(route.candidates);
  return { order: route.candidates.map((c) => `${c.host}:${c.tier}`), spill: route.spill };
}

/** A domain with 1 of its 3 managers available, under a parent with one. */
const ONE_OF_THREE = {
  origin: { domain: "/subdomain-1" },
  "agent-1": { domain: "/subdomain-1", status: "down", packages: [cc()] },
  "agent-2": { domain: "/subdomain-1", packages: [cc({ health: "unhealthy" })] },
  "agent-5": { domain: "/subdomain-1", packages: [cc()] },
  "framework-manager": { domain: "/", packages: [cc()] },
} satisfies Record<string, HostSpec & { domain: string }>;

describe("health-threshold spill (SPEC 13)", () => {
  it("sends a domain with 1 of 3 available below 50% behind its parent, and says why", () => {
    const { order, spill } = routeWith(ONE_OF_THREE, "origin", 0.5);
    expect(order).toEqual(["framework-manager:ancestor", "agent-5:domain"]);
    expect(spill).toEqual({
      minHealthy: 0.5,
      yielded: [{ tier: "/subdomain-1", available: 1, of: 3, reason: "tier /subdomain-1: 1 of 3 available, below 50%" }],
      panic: false,
    });
  });

  it("does not yield a tier whose share equals min_healthy", () => {
    const { order, spill } = routeWith(ONE_OF_THREE, "origin", 1 / 3);
    expect(order).toEqual(["agent-5:domain", "framework-manager:ancestor"]);
    expect(spill).toEqual({ minHealthy: 1 / 3, yielded: [], panic: false });
  });

  it("routes as min_healthy 0 without an explanation of the spill when min_healthy is 0", () => {
    const { order, spill } = routeWith(ONE_OF_THREE, "origin", 0);
    expect(order).toEqual(["agent-5:domain", "framework-manager:ancestor"]);
    expect(spill).toBeUndefined();
  });

  it("counts down hosts and unhealthy packages in a share, not withdrawn packages or hosts in maintenance", () => {
    const hosts = {
      ...ONE_OF_THREE,
      "agent-6": { domain: "/subdomain-1", maintenance: true, packages: [cc()] },
      "agent-7": { domain: "/subdomain-1", packages: [cc({ state: "withdrawn" })] },
    } satisfies Record<string, HostSpec & { domain: string }>;
    expect(routeWith(hosts, "origin", 0.5).spill?.yielded).toEqual([
      { tier: "/subdomain-1", available: 1, of: 3, reason: "tier /subdomain-1: 1 of 3 available, below 50%" },
    ]);
  });

  it("names the local tier, and leaves out a tier with no package that counts", () => {
    const { order, spill } = routeWith(
      {
        origin: { domain: "/a", status: "down", packages: [cc()] },
        withdrawn: { domain: "/a", packages: [cc({ state: "withdrawn" })] },
        parent: { domain: "/", packages: [cc()] },
      },
      "origin",
      0.5,
    );
    expect(order).toEqual(["parent:ancestor"]);
    expect(spill).toEqual({
      minHealthy: 0.5,
      yielded: [{ tier: "local", available: 0, of: 1, reason: "tier local: 0 of 1 available, below 50%" }],
      panic: false,
    });
  });

  it("puts several yielding tiers, in their order, right after the next meeting tier; later ones stay where they are", () => {
    const { order, spill } = routeWith(
      {
        origin: { domain: "/a/b/c" },
        d1: { domain: "/a/b/c", packages: [cc()] },
        d2: { domain: "/a/b/c", status: "down", packages: [cc()] },
        d3: { domain: "/a/b/c", status: "down", packages: [cc()] },
        p1: { domain: "/a/b", packages: [cc()] },
        p2: { domain: "/a/b", status: "down", packages: [cc()] },
        p3: { domain: "/a/b", status: "down", packages: [cc()] },
        g1: { domain: "/a", packages: [cc()] },
        r1: { domain: "/", packages: [cc()] },
        r2: { domain: "/", status: "down", packages: [cc()] },
        r3: { domain: "/", status: "down", packages: [cc()] },
        e1: { domain: "/x", packages: [cc()] },
        e2: { domain: "/y", packages: [cc({ health: "unhealthy" })] },
        e3: { domain: "/y", packages: [cc({ health: "unhealthy" })] },
      },
      "origin",
      0.5,
    );
    expect(order).toEqual(["g1:ancestor", "d1:domain", "p1:ancestor", "r1:ancestor", "e1:elsewhere"]);
    expect(spill?.yielded.map((y) => y.reason)).toEqual([
      "tier /a/b/c: 1 of 3 available, below 50%",
      "tier /a/b: 1 of 3 available, below 50%",
      "tier /: 1 of 3 available, below 50%",
      "tier elsewhere: 1 of 3 available, below 50%",
    ]);
    expect(spill?.panic).toBe(false);
  });

  it("routes as with min_healthy 0 when no tier meets it (panic)", () => {
    const hosts = {
      origin: { domain: "/a" },
      a1: { domain: "/a", packages: [cc()] },
      a2: { domain: "/a", status: "down", packages: [cc()] },
      r1: { domain: "/", packages: [cc()] },
      r2: { domain: "/", packages: [cc({ health: "unhealthy" })] },
    } satisfies Record<string, HostSpec & { domain: string }>;
    const plain = routeWith(hosts, "origin", 0);
    const { order, spill } = routeWith(hosts, "origin", 0.75);
    expect(order).toEqual(plain.order);
    expect(spill).toEqual({
      minHealthy: 0.75,
      yielded: [
        { tier: "/a", available: 1, of: 2, reason: "tier /a: 1 of 2 available, below 75%" },
        { tier: "/", available: 1, of: 2, reason: "tier /: 1 of 2 available, below 75%" },
      ],
      panic: true,
      reason: "no tier has 75% available: routed as with min_healthy 0",
    });
  });

  it("keeps its counts through changes: a host coming back up ends the spill", () => {
    const index = RouteIndex.build(buildRegistry(ONE_OF_THREE, {}, { cc: 0.5 }));
    expect(index.first("origin", "cc")?.host).toBe("framework-manager");
    const down = index.registry.hosts.get("agent-1")!;
    index.apply([{ kind: "put-host", host: { ...down, status: "up" } }]);
    expect(index.first("origin", "cc")?.host).toBe("agent-1");
    expect(index.route("origin", "cc", { explain: true }).spill?.yielded).toEqual([]);
  });
});

describe("spillRoute and its reason text", () => {
  it("prints min_healthy as a whole percentage when it is one, else to one decimal", () => {
    expect(percent(0.5)).toBe("50%");
    expect(percent(1)).toBe("100%");
    expect(percent(0.07)).toBe("7%");
    expect(percent(1 / 3)).toBe("33.3%");
    expect(percent(0.125)).toBe("12.5%");
    expect(percent(0.9999)).toBe("100%");
  });

  it("skips tiers with nothing that counts", () => {
    const { order, spill } = spillRoute(
      [
        { name: "local", members: [], of: 0 },
        { name: "/a", members: ["a1"], of: 4 },
        { name: "/", members: ["r1"], of: 1 },
      ],
      0.5,
    );
    expect(order).toEqual(["r1", "a1"]);
    expect(spill.yielded.map((y) => y.tier)).toEqual(["/a"]);
  });
});
