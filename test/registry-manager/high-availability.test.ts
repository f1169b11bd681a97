import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/clock.js";
import { Code } from "../../src/errors.js";
import { registryFromSnapshot } from "../../src/wire/snapshot.js";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import {
  agentClient,
  dropPackage,
  portOf,
  registryClient,
  setPort,
  startAgent,
  startCommandControl,
  importRegistry,
} from "../support/fleet.js";
import { digestOf, Managers, mostUpToDate, promote, status, writer, type Manager, type ManagerStart } from "../support/managers.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

const managers = new Managers(defer, tempDir);
const startManager = (host: string, options?: ManagerStart) => managers.start(host, options);
const restartManager = (manager: Manager) => managers.restart(manager);
const cluster = (syncBackups = 0) => managers.cluster(syncBackups);

describe("a highly available registry", () => {
  it("loses no acknowledged write when the primary dies and the most up-to-date backup is promoted; agents keep answering and catch up", async () => {
    const [primary, m2, m3] = await cluster(1);
    const cc = await startCommandControl(defer, "agent-1");
    const seed = loadSeed();
    setPort(seed, "agent-1", "command-control", portOf(cc.address));
    dropPackage(seed, "agent-3", "command-control");
    await importRegistry(primary.client, seed);
    const agents = await Promise.all(["agent-1", "agent-2"].map((host) => startAgent(defer, host, tempDir(), primary.address)));
    const agentClients = agents.map((a) => agentClient(defer, a.address));
    for (const client of agentClients) {
      await until(async () => (await client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "agent-1", "agent authorizing");
    }

    const writes = writer(primary.client, "w");
    const killAfter = 20 + Math.floor(seededRandom(7)() * 60);
    await until(() => writes.acknowledged.length >= killAfter, `${killAfter} acknowledged writes`);
    await primary.process.kill();
    await writes.stop();

    // The agents answer from their replicas, and move their watch to a backup.
    for (const client of agentClients) {
      expect((await client.resolve("", "command-control")).candidates[0]?.host).toBe("agent-1");
      expect((await client.authorize("ops", "uptime")).served_by).toBe("agent-1");
    }
    await until(async () => {
      const statuses = await Promise.all(agentClients.map((c) => c.status()));
      return statuses.every((s) => s.connected && [m2.address, m3.address].includes(s.manager_address));
    }, "agents watching a backup");

    const [best, other] = await mostUpToDate(m2, m3);
    const promoted = await promote(best, best.host);
    expect(promoted.stderr).toBe("");
    expect(JSON.parse(promoted.stdout)).toMatchObject({ host: best.host, epoch: 2 });

    // With --sync-backups 1 the survivor must be able to take writes: the other backup follows it.
    await until(async () => (await status(best)).backups.some((b) => b.host === other.host && b.connected), "the other backup following the new primary");
    await best.client.call("RegisterHost", { id: "after-promotion", domain: "/" });
    // Every acknowledged write is on its disk; readers (Export) see those its predecessor had not yet
    // told it were committed once it commits a change of its own, which the write above is.
    const registry = registryFromSnapshot(await best.client.export());
    for (const id of writes.ids()) expect(registry.hosts.has(id), `acknowledged ${id}`).toBe(true);
    const target = await digestOf(best);
    await until(async () => (await digestOf(other)) === target, "the other backup converged");
    // The new primary's registry may move on meanwhile (the dead primary's host goes down): agents converge on where it is.
    let seen = "";
    await until(async () => {
      const [now, statuses] = await Promise.all([status(best), Promise.all(agentClients.map((c) => c.status()))]);
      const digest = (s: { digest: Uint8Array }) => Buffer.from(s.digest).toString("hex");
      seen = [`primary ${now.revision} ${digest(now).slice(0, 8)}`, ...statuses.map((s) => `${s.host} ${s.watch_state} ${s.manager_host} ${s.revision} ${digest(s).slice(0, 8)}`)].join("; ");
      return statuses.every((s) => digest(s) === digest(now));
    }, () => `every agent converged on the new primary's digest (last seen: ${seen})`);
  });

  it("makes a restarted old primary step down, drop what nobody else has, converge, and never acknowledge a write", async () => {
    let [primary, m2, m3] = await cluster(0);
    // The backups die; alone (no --sync-backups), the primary acknowledges writes they never see.
    await Promise.all([m2.process.kill(), m3.process.kill()]);
    const orphans = ["orphan-1", "orphan-2", "orphan-3"];
    for (const id of orphans) await primary.client.call("RegisterHost", { id, domain: "/" });
    await primary.process.kill();
    [m2, m3] = await Promise.all([restartManager(m2), restartManager(m3)]);

    expect((await promote(m2, "m2")).code).toBe(0);
    const newWrites = writer(m2.client, "new");
    await until(() => newWrites.acknowledged.length >= 10, "writes on the new primary");

    // The old primary comes back on its address while a client keeps writing to it directly.
    const restart = startManager("m1", { data: primary.data, listen: primary.address });
    const splitBrain = writer(registryClient(defer, primary.address), "split");
    const old = await restart;
    await until(async () => (await status(old).catch(() => undefined))?.role === "MANAGER_ROLE_BACKUP", "the old primary a backup");
    await newWrites.stop();
    await until(async () => (await digestOf(old)) === (await digestOf(m2)), "the old primary converged", 15_000);
    await splitBrain.stop();

    expect(splitBrain.acknowledged).toEqual([]);
    expect(splitBrain.failures.every((f) => f.code === Code.UNAVAILABLE || f.code === Code.FAILED_PRECONDITION)).toBe(true);
    const registry = registryFromSnapshot(await old.client.export());
    for (const id of orphans) expect(registry.hosts.has(id)).toBe(false);
    for (const id of newWrites.ids()) expect(registry.hosts.has(id)).toBe(true);

    const refused = await old.client.rejection("RegisterHost", { id: "direct", domain: "/" });
    expect(refused.code).toBe(Code.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/primary is m2 at /);
    // The admin CLI follows the refusal to the primary by itself.
    const viaCli = await runCli(["host", "add", "via-old", "--domain", "/", "--manager", old.address, "--json"]);
    expect(viaCli.code).toBe(0);
    expect((await m2.client.call("GetHost", { id: "via-old" })).host?.id).toBe("via-old");
  });

  it("refuses to promote while the primary answers, unless forced; the forced one deposes the old primary", async () => {
    const [primary, m2] = await cluster(0);
    const refused = await promote(m2, "m2");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: the primary m1 at .* still answers/);
    expect((await status(m2)).role).toBe("MANAGER_ROLE_BACKUP");

    // Sent to the primary, the request is passed on to m2's own manager.
    const forced = await promote(primary, "m2", "--force");
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).reason).toMatch(/promoted anyway \(--force\)/);
    await until(async () => (await status(primary)).role === "MANAGER_ROLE_BACKUP", "the old primary stepping down");
    expect((await primary.client.rejection("RegisterHost", { id: "x", domain: "/" })).details).toMatch(/primary is m2/);
  });

  it("refuses to promote a backup when another reachable backup is ahead, naming it, unless forced", async () => {
    let [primary, m2, m3] = await cluster(1);
    await m2.process.kill();
    // With --sync-backups 1, m3 confirms every one of these: it is ahead of m2.
    for (let i = 0; i < 3; i++) await primary.client.call("RegisterHost", { id: `ahead-${i}`, domain: "/" });
    await primary.process.kill();
    m2 = await restartManager(m2);

    const refused = await promote(m2, "m2");
    expect(refused.stdout + refused.stderr).toMatch(/^error: backup m3 at \S+ holds a later position/);
    const forced = await promote(m2, "m2", "--force");
    expect(forced.code).toBe(0);
    // m3 held entries the new primary lacks: it resyncs to the new primary.
    const target = await digestOf(m2);
    await until(async () => (await digestOf(m3)) === target, "m3 converged on m2");
  });
});
