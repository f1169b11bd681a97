import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import {
  agentClient,
  dropPackage,
  importRegistry,
  portOf,
  registryClient,
  setPort,
  startAgent,
  startCommandControl,
  startManagerProcess,
} from "../support/fleet.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const CC = "command-control";

describe("routed calls with failover", () => {
  it("loses no call while the preferred manager is killed under load, and goes back to it when it returns", async () => {
    // agent-1 and agent-2 both prefer agent-1's manager; framework-manager's is next in line.
    const manager = await startManagerProcess(defer, tempDir());
    const [preferred, fallback] = await Promise.all([startCommandControl(defer, "agent-1"), startCommandControl(defer, "framework-manager")]);
    const seed = loadSeed();
    setPort(seed, "agent-1", CC, portOf(preferred.address));
    setPort(seed, "framework-manager", CC, portOf(fallback.address));
    dropPackage(seed, "agent-3", CC);
    await importRegistry(registryClient(defer, manager.address), seed);
    const agents = await Promise.all(["agent-1", "agent-2"].map((host) => startAgent(defer, host, tempDir(), manager.address)));
    const clients = agents.map((agent) => agentClient(defer, agent.address));
    for (const client of clients) {
      await until(async () => (await client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "agent-1", "agent-1 serving");
    }

    // Two steady streams of authorizations; the preferred manager dies in the middle.
    const served: string[][] = [[], []];
    const failures: unknown[] = [];
    let running = true;
    const streams = clients.map(async (client, i) => {
      while (running) {
        try {
          served[i]!.push((await client.authorize("ops", "uptime")).served_by);
        } catch (error) {
          failures.push(error);
        }
      }
    });
    await until(() => served.every((s) => s.length >= 50), "50 calls each before the kill");
    const killedAt = served.map((s) => s.length);
    await preferred.kill();
    await until(() => served.every((s, i) => s.length >= killedAt[i]! + 100), "100 calls each after the kill");

    // Back on the same port: the agents' probes find it and calls return to it.
    const restarted = await startCommandControl(defer, "agent-1", preferred.address);
    const restartedAt = served.map((s) => s.length);
    await until(() => served.every((s, i) => s.slice(restartedAt[i]!).includes("agent-1")), "calls back on agent-1", 15_000);
    running = false;
    await Promise.all(streams);
    await restarted.stop();

    expect(failures).toEqual([]);
    for (const [i, calls] of served.entries()) {
      expect(calls.slice(0, killedAt[i]).every((host) => host === "agent-1")).toBe(true);
      expect(calls.slice(killedAt[i]! + 5, restartedAt[i])).not.toContain("agent-1");
      expect(calls.slice(killedAt[i], restartedAt[i])).toContain("framework-manager");
    }
  });

  it("passes an application error through without marking the manager suspect or trying another", async () => {
    const manager = await startManagerProcess(defer, tempDir());
    const [first, second] = await Promise.all([startCommandControl(defer, "agent-1"), startCommandControl(defer, "framework-manager")]);
    const seed = loadSeed();
    setPort(seed, "agent-1", CC, portOf(first.address));
    setPort(seed, "framework-manager", CC, portOf(second.address));
    await importRegistry(registryClient(defer, manager.address), seed);
    const agent = await startAgent(defer, "agent-2", tempDir(), manager.address);
    const client = agentClient(defer, agent.address);
    await until(async () => (await client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "agent-1", "agent-1 serving");

    // The agent passes any non-empty user on; the Command Control manager refuses one this long.
    await expect(client.authorize("u".repeat(5_000), "uptime")).rejects.toMatchObject({ code: 3, message: expect.stringMatching(/user/) });
    expect((await client.status()).suspects).toEqual([]);
    expect((await client.authorize("ops", "uptime")).tried).toEqual(["agent-1"]);
  });
});
