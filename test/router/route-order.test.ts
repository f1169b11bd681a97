import { describe, expect, it } from "vitest";
import { RouteIndex } from "../../src/router/route-index.js";
import { rendezvousScore } from "../../src/router/rendezvous.js";
import type { PackageRecord } from "../../src/registry/model.js";
import { buildRegistry } from "./registry-builder.js";

const cc = (fields: Partial<PackageRecord> = {}) => ({ type: "cc", ...fields });

function order(hosts: Parameters<typeof buildRegistry>[0], from: string, policies = {}) {
  const index = RouteIndex.build(buildRegistry(hosts, policies));
  const route = index.route(from, "cc");
  expect(index.first(from, "cc")).toEqual(route.candidates[0]);
  return route.candidates.map((c) => `${c.host}:${c.tier}`);
}

describe("route order tie-breaks", () => {
  it("puts the origin itself first, then its domain, then ancestors nearest first", () => {
    expect(
      order(
        {
          origin: { domain: "/a/b", packages: [cc()] },
          sibling: { domain: "/a/b", packages: [cc()] },
          parent: { domain: "/a", packages: [cc()] },
          root: { domain: "/", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["origin:local", "sibling:domain", "parent:ancestor", "root:ancestor"]);
  });

  it("puts every ancestor before any other domain, even a nearer one", () => {
    expect(
      order(
        {
          origin: { domain: "/a/b" },
          child: { domain: "/a/b/c", packages: [cc()] },
          cousin: { domain: "/a/x", packages: [cc()] },
          root: { domain: "/", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["root:ancestor", "child:elsewhere", "cousin:elsewhere"]);
  });

  it("orders other domains by tree distance", () => {
    expect(
      order(
        {
          origin: { domain: "/a/b" },
          far: { domain: "/z/y/x", packages: [cc()] },
          child: { domain: "/a/b/c", packages: [cc()] },
          uncle: { domain: "/q", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["child:elsewhere", "uncle:elsewhere", "far:elsewhere"]);
  });

  it("prefers the deeper common ancestor at equal distance", () => {
    // Both at distance 2: the grandchild through /a/b, the cousin through /a.
    expect(
      order(
        {
          origin: { domain: "/a/b" },
          cousin: { domain: "/a/c", packages: [cc()] },
          grandchild: { domain: "/a/b/c/d", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["grandchild:elsewhere", "cousin:elsewhere"]);
    // Both at distance 3: one through the origin itself, one through the root.
    expect(
      order(
        {
          origin: { domain: "/a" },
          viaRoot: { domain: "/q/r", packages: [cc()] },
          deep: { domain: "/a/x/y/z", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["deep:elsewhere", "viaRoot:elsewhere"]);
  });

  it("compares paths segment by segment, not as strings", () => {
    // As strings "/a-b/x" < "/a/b" ('-' sorts before '/'); by segments "a" < "a-b".
    expect(
      order(
        {
          origin: { domain: "/q" },
          dash: { domain: "/a-b/x", packages: [cc()] },
          slash: { domain: "/a/b", packages: [cc()] },
        },
        "origin",
      ),
    ).toEqual(["slash:elsewhere", "dash:elsewhere"]);
  });

  it("sorts within a domain by priority, then host id", () => {
    expect(
      order(
        {
          origin: { domain: "/" },
          "m-c": { domain: "/", packages: [cc({ priority: 0 })] },
          "m-a": { domain: "/", packages: [cc({ priority: 1 })] },
          "m-b": { domain: "/", packages: [cc({ priority: 0 })] },
        },
        "origin",
      ),
    ).toEqual(["m-b:domain", "m-c:domain", "m-a:domain"]);
  });

  it("with spread, orders equal priorities by rendezvous score (golden values from SHA-256)", () => {
    const managers = Object.fromEntries(["m-a", "m-b", "m-c", "m-d"].map((id) => [id, { domain: "/", packages: [cc()] }]));
    // First 8 bytes of sha256("agent-4\nm-d") = 0x511d5e9b0da2f4b5, the largest of the four.
    expect(rendezvousScore("agent-4", "m-d")).toBe(0x511d5e9b0da2f4b5n);
    expect(order({ ...managers, "agent-4": { domain: "/" } }, "agent-4", { cc: "spread" })).toEqual([
      "m-d:domain",
      "m-a:domain",
      "m-b:domain",
      "m-c:domain",
    ]);
    expect(order({ ...managers, "origin-x": { domain: "/" } }, "origin-x", { cc: "spread" })).toEqual([
      "m-b:domain",
      "m-d:domain",
      "m-c:domain",
      "m-a:domain",
    ]);
  });

  it("with spread, still puts a lower priority first", () => {
    expect(
      order(
        {
          "agent-4": { domain: "/" },
          "m-d": { domain: "/", packages: [cc({ priority: 5 })] },
          "m-c": { domain: "/", packages: [cc()] },
        },
        "agent-4",
        { cc: "spread" },
      ),
    ).toEqual(["m-c:domain", "m-d:domain"]);
  });

  it("leaves out unavailable packages and explains each", () => {
    const index = RouteIndex.build(
      buildRegistry({
        origin: { domain: "/a", packages: [cc({ health: "unhealthy" })] },
        withdrawn: { domain: "/a", packages: [cc({ state: "withdrawn" })] },
        maintained: { domain: "/", maintenance: true, packages: [cc()] },
        down: { domain: "/b", status: "down", packages: [cc()] },
        up: { domain: "/b", status: "up", packages: [cc()] },
      }),
    );
    const route = index.route("origin", "cc", { explain: true });
    expect(route.candidates.map((c) => c.host)).toEqual(["up"]);
    expect(route.skipped).toEqual([
      { host: "origin", reason: "package unhealthy" },
      { host: "withdrawn", reason: "package withdrawn" },
      { host: "maintained", reason: "host in maintenance" },
      { host: "down", reason: "host down" },
    ]);
  });

  it("formats IPv6 endpoints with brackets", () => {
    const index = RouteIndex.build(buildRegistry({ m: { domain: "/", address: "::1", packages: [cc({ port: 7611 })] } }));
    expect(index.route("m", "cc").candidates[0]?.endpoint).toBe("[::1]:7611");
  });

  it("rejects an unknown host and an unknown type", () => {
    const index = RouteIndex.build(buildRegistry({ m: { domain: "/", packages: [cc()] } }));
    expect(() => index.route("nobody", "cc")).toThrow(/unknown host "nobody"/);
    expect(() => index.route("m", "dns")).toThrow(/unknown type "dns"/);
    expect(index.first("m", "dns")).toBeUndefined();
  });
});
