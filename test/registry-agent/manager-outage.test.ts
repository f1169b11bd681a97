import { describe, expect, it } from "vitest";
import type { AgentClient } from "../../src/client/agent-client.js";
import { StateDigest } from "../../src/registry/digest.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useDefer } from "../support/defer.js";
import {
  agentClient,
  importRegistry,
  portOf,
  registryClient,
  setPort,
  startAgent,
  startCommandControl,
  startManagerProcess,
} from "../support/fleet.js";
import type { TestRegistryClient } from "../support/manager.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const CC = "command-control";
const snapshotsIn = (log: string) => log.split("\n").filter((line) => line.includes('"msg":"installed a snapshot"')).length;

/** The agent's replica is at the manager's revision, with its digest. */
async function caughtUp(agent: AgentClient, registry: TestRegistryClient): Promise<boolean> {
  const [status, position] = await Promise.all([agent.status(), registry.call("GetStatus", {})]);
  return status.revision === position.revision && Buffer.from(status.digest).equals(Buffer.from(position.digest));
}

async function fleet() {
  const managerData = tempDir();
  const manager = await startManagerProcess(defer, managerData);
  const cc = await startCommandControl(defer, "agent-1");
  const seed = loadSeed();
  setPort(seed, "agent-1", CC, portOf(cc.address));
  const registry = registryClient(defer, manager.address);
  await importRegistry(registry, seed);
  const agentData = tempDir();
  const agent = await startAgent(defer, "agent-2", agentData, manager.address);
  const client = agentClient(defer, agent.address);
  await until(() => caughtUp(client, registry).catch(() => false), "the agent caught up");
  return { manager, managerData, registry, agent, agentData, client };
}

describe("a registry manager outage", () => {
  it("leaves agents routing and authorizing from their replicas, also after an agent restart, and they catch up without a snapshot", async () => {
    const { manager, managerData, agent, agentData, client } = await fleet();
    const routeBefore = await client.resolve("agent-2", CC);
    await manager.kill();

    expect((await client.resolve("agent-2", CC)).candidates).toEqual(routeBefore.candidates);
    expect((await client.authorize("ops", "uptime")).served_by).toBe("agent-1");

    // A restarted agent routes at once from its disk while no manager answers.
    await agent.stop();
    const again = await startAgent(defer, "agent-2", agentData, manager.address);
    const againClient = agentClient(defer, again.address);
    expect((await againClient.resolve("agent-2", CC)).candidates).toEqual(routeBefore.candidates);
    expect((await againClient.authorize("ops", "uptime")).served_by).toBe("agent-1");
    expect((await againClient.status()).connected).toBe(false);

    // The manager returns on its address; a change made then reaches the agent through the log.
    const back = await startManagerProcess(defer, managerData, manager.address);
    const backRegistry = registryClient(defer, back.address);
    await backRegistry.call("SetMaintenance", { id: "agent-4", maintenance: true });
    await until(() => caughtUp(againClient, backRegistry), "the restarted agent caught up", 15_000);
    expect(snapshotsIn(again.stderr())).toBe(0);
  });

  it("resyncs from a snapshot when its replica was corrupted", async () => {
    const { registry, agent, agentData } = await fleet();
    await agent.stop();

    // Damage the replica consistently (its own digest agrees), so only the manager can tell.
    const db = await RegistryDb.open(agentData);
    const { registry: replica, position } = await db.load();
    const host = replica.hosts.get("agent-4")!;
    const damaged = { ...host, labels: { damaged: "yes" } };
    replica.hosts.set("agent-4", damaged);
    await db.write({
      changes: [{ epoch: position!.epoch, revision: position!.revision, digest: Buffer.alloc(32), ops: [{ kind: "put-host", host: damaged }], timeUnixMs: 0, cause: "damage" }],
      position: { ...position!, digest: StateDigest.of(replica).hex() },
      log: false,
    });
    await db.close();

    const again = await startAgent(defer, "agent-2", agentData, (await registry.call("GetStatus", {})).address);
    const againClient = agentClient(defer, again.address);
    await until(() => snapshotsIn(again.stderr()) === 1, "a snapshot resync");
    await until(() => caughtUp(againClient, registry), "the manager's digest");
  });
});
