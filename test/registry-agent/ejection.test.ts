/**
 * Outlier ejection (SPEC 13) with real processes: a manager that hangs
 * (SIGSTOP) costs one attempt timeout per ejection, not one per call, and
 * comes back only once it answers again.
 */
import { describe, expect, it } from "vitest";
import { ATTEMPT_TIMEOUT_MS } from "../../src/registry-agent/routed-caller.js";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { agentClient, dropPackage, importRegistry, portOf, registryClient, setPort, startAgent, startCommandControl, startManagerProcess } from "../support/fleet.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const CC = "command-control";

describe("outlier ejection in routed calls", () => {
  it("one of two managers SIGSTOPped: 1,000 calls, none failed, none waiting for the attempt timeout after the first; back once it answers", async () => {
    const manager = await startManagerProcess(defer, tempDir());
    const [hung, other] = await Promise.all([startCommandControl(defer, "agent-1"), startCommandControl(defer, "framework-manager")]);
    const seed = loadSeed();
    setPort(seed, "agent-1", CC, portOf(hung.address));
    setPort(seed, "framework-manager", CC, portOf(other.address));
    dropPackage(seed, "agent-3", CC);
    await importRegistry(registryClient(defer, manager.address), seed);
    const agent = await startAgent(defer, "agent-2", tempDir(), manager.address);
    const client = agentClient(defer, agent.address);
    await until(async () => (await client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "agent-1", "agent-1 serving");

    // A route watched through the agent changes when the ejection does, not only when the registry does.
    const watched: { candidates: string[]; ejected: string[] }[] = [];
    const watch = client.watchRoute("agent-2", CC);
    defer(() => watch.cancel());
    watch.on("error", () => {});
    watch.on("data", (route: { candidates: { host: string }[]; skipped: { host: string; reason: string }[] }) =>
      watched.push({ candidates: route.candidates.map((c) => c.host), ejected: route.skipped.filter((s) => s.reason === "ejected").map((s) => s.host) }),
    );
    await until(async () => watched.length > 0, "the watched route");
    expect(watched[0]).toEqual({ candidates: ["agent-1", "framework-manager"], ejected: [] });

    hung.server.signal("SIGSTOP");
    defer(() => hung.server.signal("SIGCONT"));
    const latencies: number[] = [];
    const servedBy = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const t0 = performance.now();
      const reply = await client.authorize("ops", "uptime");
      latencies.push(performance.now() - t0);
      servedBy.add(reply.served_by);
    }
    expect(servedBy).toEqual(new Set(["framework-manager"]));
    expect(latencies[0]).toBeGreaterThanOrEqual(ATTEMPT_TIMEOUT_MS * 0.9);
    // The ejection is renewed in the background (a health probe that gets no answer): no call waits for it.
    expect(latencies.slice(1).filter((ms) => ms >= ATTEMPT_TIMEOUT_MS / 2)).toEqual([]);

    // What `route --agent` shows is what calls do: agent-1 skipped as ejected, with the time left.
    const route = await runCli(["route", "--agent", agent.address, "--from", "agent-2", "--type", CC, "--json"]);
    const shown = JSON.parse(route.stdout) as { candidates: { host: string }[]; skipped: { host: string; reason: string; ejected_for_ms?: number }[] };
    expect(shown.candidates.map((c) => c.host)).not.toContain("agent-1");
    expect(shown.skipped.find((s) => s.host === "agent-1")).toMatchObject({ reason: "ejected", ejected_for_ms: expect.any(Number) });
    const status = await client.status();
    expect(status.ejected.map((e) => e.host)).toEqual(["agent-1"]);
    expect(watched.at(-1)).toEqual({ candidates: ["framework-manager"], ejected: ["agent-1"] });

    hung.server.signal("SIGCONT");
    await until(async () => (await client.authorize("ops", "uptime")).served_by === "agent-1", "calls back on agent-1", 15_000, 50);
    expect((await client.status()).ejected).toEqual([]);
    await until(async () => watched.at(-1)!.ejected.length === 0, "the watched route with agent-1 back");
    expect(watched.at(-1)).toEqual({ candidates: ["agent-1", "framework-manager"], ejected: [] });
  });
});
