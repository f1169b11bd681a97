import { describe, expect, it } from "vitest";
import { RouteIndex } from "../../src/router/route-index.js";
import { expectedFor, loadSeed, SEED_AGENTS, SEED_ROWS, seedRegistryFor } from "../support/seed.js";

describe("the seed table of SPEC section 4, through the library", () => {
  for (const row of SEED_ROWS) {
    it(row.situation, () => {
      const index = RouteIndex.build(seedRegistryFor(row));
      for (const agent of SEED_AGENTS) {
        expect({ agent, first: index.first(agent, "command-control")?.host }).toEqual({ agent, first: expectedFor(row, agent) });
        expect(index.route(agent, "command-control").candidates[0]?.host).toBe(expectedFor(row, agent));
      }
    });
  }

  it("gives the whole route of agent-4 with agent-3 down, with tiers and endpoints", () => {
    const registry = loadSeed();
    registry.hosts.set("agent-3", { ...registry.hosts.get("agent-3")!, status: "down" });
    expect(RouteIndex.build(registry).route("agent-4", "command-control", { explain: true })).toEqual({
      from: "agent-4",
      type: "command-control",
      candidates: [
        { host: "agent-1", domain: "/subdomain-1", tier: "ancestor", endpoint: "127.0.0.1:7611" },
        { host: "framework-manager", domain: "/", tier: "ancestor", endpoint: "127.0.0.1:7601" },
      ],
      skipped: [{ host: "agent-3", reason: "host down" }],
    });
  });

  it("keeps the seed route right as the table's changes are applied one by one", () => {
    // The agent's way: one index, kept current by apply(), never rebuilt.
    const index = RouteIndex.build(loadSeed());
    for (const row of SEED_ROWS) {
      const target = seedRegistryFor(row);
      const current = index.registry;
      const ops = [
        ...[...target.domains.values()].filter((d) => !current.domains.has(d.path)).map((domain) => ({ kind: "put-domain" as const, domain })),
        ...[...target.hosts.values()].map((host) => ({ kind: "put-host" as const, host })),
      ];
      index.apply(ops);
      for (const agent of SEED_AGENTS) expect(index.first(agent, "command-control")?.host).toBe(expectedFor(row, agent));
    }
  });
});
