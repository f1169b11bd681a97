import { describe, expect, it } from "vitest";
import { formatRoute, routeToJson } from "../../src/cli/route-format.js";
import type { Route } from "../../src/router/route.js";
import { routeFromWire, routeToWire } from "../../src/wire/convert.js";
import { registryService } from "../../src/wire/proto-loader.js";

const resolve = registryService.Resolve;
const throughWire = (r: Route) => resolve.responseDeserialize(resolve.responseSerialize(routeToWire(r, { revision: 7, epoch: 2 })));

const spilled: Route = {
  from: "origin",
  type: "command-control",
  candidates: [
    { host: "framework-manager", domain: "/", tier: "ancestor", endpoint: "127.0.0.1:7601" },
    { host: "agent-5", domain: "/subdomain-1", tier: "domain", endpoint: "127.0.0.1:7615" },
  ],
  skipped: [
    { host: "agent-1", reason: "host down" },
    { host: "agent-2", reason: "package unhealthy" },
  ],
  spill: {
    minHealthy: 0.5,
    yielded: [{ tier: "/subdomain-1", available: 1, of: 3, reason: "tier /subdomain-1: 1 of 3 available, below 50%" }],
    panic: false,
  },
};

const panicked: Route = {
  from: "origin",
  type: "command-control",
  candidates: [{ host: "agent-5", domain: "/subdomain-1", tier: "domain", endpoint: "127.0.0.1:7615" }],
  skipped: [{ host: "agent-1", reason: "host down" }],
  spill: {
    minHealthy: 0.75,
    yielded: [{ tier: "/subdomain-1", available: 1, of: 2, reason: "tier /subdomain-1: 1 of 2 available, below 75%" }],
    panic: true,
    reason: "no tier has 75% available: routed as with min_healthy 0",
  },
};

describe("a spilled route on the wire and in the CLI (SPEC 13)", () => {
  it("round-trips the spill, with and without panic", () => {
    expect(throughWire(spilled).spill).toMatchObject({ min_healthy: 0.5, panic: false, reason: "" });
    expect(routeFromWire(throughWire(spilled))).toStrictEqual({ ...spilled, revision: 7, epoch: 2 });
    expect(routeFromWire(throughWire(panicked))).toStrictEqual({ ...panicked, revision: 7, epoch: 2 });
  });

  it("carries no spill for a route without one", () => {
    const { spill: _, ...plain } = spilled;
    expect(throughWire(plain).spill).toBeNull();
    expect(routeFromWire(throughWire(plain))).toStrictEqual({ ...plain, revision: 7, epoch: 2 });
  });

  it("prints spill in JSON only when the route has one, after skipped", () => {
    const { spill: _, ...plain } = spilled;
    expect(JSON.stringify(routeToJson(plain))).toBe(
      '{"from":"origin","type":"command-control","candidates":[' +
        '{"host":"framework-manager","domain":"/","tier":"ancestor","endpoint":"127.0.0.1:7601"},' +
        '{"host":"agent-5","domain":"/subdomain-1","tier":"domain","endpoint":"127.0.0.1:7615"}],' +
        '"skipped":[{"host":"agent-1","reason":"host down"},{"host":"agent-2","reason":"package unhealthy"}]}',
    );
    expect(JSON.stringify((routeToJson(spilled) as { spill: unknown }).spill)).toBe(
      '{"min_healthy":0.5,"yielded":[{"tier":"/subdomain-1","available":1,"of":3,' +
        '"reason":"tier /subdomain-1: 1 of 3 available, below 50%"}],"panic":false}',
    );
    expect(Object.keys(routeToJson(spilled) as object)).toEqual(["from", "type", "candidates", "skipped", "spill"]);
    expect((routeToJson(panicked) as { spill: unknown }).spill).toEqual({
      min_healthy: 0.75,
      yielded: [{ tier: "/subdomain-1", available: 1, of: 2, reason: "tier /subdomain-1: 1 of 2 available, below 75%" }],
      panic: true,
      reason: "no tier has 75% available: routed as with min_healthy 0",
    });
  });

  it("prints the reasons under the candidates for people", () => {
    const lines = formatRoute(spilled).split("\n");
    expect(lines.slice(4)).toEqual(["yielded: tier /subdomain-1: 1 of 3 available, below 50%", "skipped", ...lines.slice(6)]);
    expect(formatRoute(panicked).split("\n").slice(3, 5)).toEqual([
      "yielded: tier /subdomain-1: 1 of 2 available, below 75%",
      "panic: no tier has 75% available: routed as with min_healthy 0",
    ]);
  });
});
