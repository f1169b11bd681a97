/**
 * No split brain, no lost acknowledgement (SPEC 12, first part), tried with
 * real processes, SIGKILL and SIGSTOP: two primaries that can reach each
 * other resolve within 2 s, and with --sync-backups K no write is
 * acknowledged, and no reader sees one, before K backups hold it.
 */
import { describe, expect, it } from "vitest";
import { Code } from "../../src/errors.js";
import { registryFromSnapshot } from "../../src/wire/snapshot.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { digestOf, everyKnowsTheOthers, Managers, promote, roleOf, status, writer, type Manager } from "../support/managers.js";
import { registryClient } from "../support/fleet.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const managers = new Managers(defer, tempDir);

/** Two managers, m1 primary and m2 following it, each knowing the other. */
async function pair(syncBackups = 0): Promise<[Manager, Manager]> {
  const m1 = await managers.start("m1", { syncBackups });
  const m2 = await managers.start("m2", { join: m1, syncBackups });
  await everyKnowsTheOthers([m1, m2]);
  return [m1, m2];
}

/** m2 promoted while m1 is frozen (SIGSTOP): m1's GetPosition times out, so the check lets it through. */
async function promoteWhileFrozen(m1: Manager, m2: Manager): Promise<number> {
  m1.process.server.signal("SIGSTOP");
  const promoted = await promote(m2, "m2");
  expect(promoted.stderr).toBe("");
  return JSON.parse(promoted.stdout).epoch as number;
}

describe("fencing that converges", () => {
  it("a primary restarted alone at a lower epoch steps down as soon as the higher one exists: no write sent after that is acknowledged by it", async () => {
    const [m1, m2] = await pair();
    const epoch = await promoteWhileFrozen(m1, m2);
    expect(epoch).toBe(2);
    await Promise.all([m1.process.kill(), m2.process.kill()]);

    // Alone, with --sync-backups 0, m1 cannot know it was replaced: it acknowledges (SPEC 7 says so; the README too).
    const old = await managers.restart(m1);
    expect((await status(old)).role).toBe("MANAGER_ROLE_PRIMARY");
    expect((await old.client.call("RegisterHost", { id: "deposed-write", domain: "/" })).epoch).toBe(1);
    const hammer = writer(registryClient(defer, old.address), "split");
    await until(() => hammer.acknowledged.length >= 5, "writes acknowledged by the lone old primary");

    const restartedAt = performance.now();
    const current = await managers.restart(m2);
    const listeningAt = performance.now();
    // The new primary announced itself before it said it listens: the old one is fenced already.
    await until(async () => (await roleOf(old)) === "MANAGER_ROLE_BACKUP", "the old primary a backup", 2_000);
    const convergedAt = performance.now();
    await hammer.stop();

    expect((await status(current)).role).toBe("MANAGER_ROLE_PRIMARY");
    expect(convergedAt - restartedAt).toBeLessThan(2_000 + (listeningAt - restartedAt));
    expect(hammer.acknowledged.filter((a) => a.sentAt >= listeningAt)).toEqual([]);
    expect(hammer.acknowledged.every((a) => a.epoch === 1)).toBe(true);
    expect(hammer.failures.every((f) => f.code === Code.FAILED_PRECONDITION || f.code === Code.UNAVAILABLE)).toBe(true);
    // What only the deposed primary had is gone: it resyncs to the new primary's history.
    await until(async () => (await digestOf(old)) === (await digestOf(current)), "the old primary converged");
    expect(registryFromSnapshot(await old.client.export()).hosts.has("deposed-write")).toBe(false);
  });

  it("a primary paused through a promotion steps down within 2 s of resuming, and acknowledges nothing after it resumed", async () => {
    const [m1, m2] = await pair();
    await promoteWhileFrozen(m1, m2);
    const hammer = writer(registryClient(defer, m1.address), "paused");
    const resumedAt = performance.now();
    m1.process.server.signal("SIGCONT");
    await until(async () => (await roleOf(m1)) === "MANAGER_ROLE_BACKUP", "the paused primary a backup", 2_000);
    await hammer.stop();
    expect(performance.now() - resumedAt).toBeLessThan(2_000);
    // Writes sent while it was frozen may have been queued in its socket; none sent after it resumed was acknowledged.
    expect(hammer.acknowledged.filter((a) => a.sentAt > resumedAt + 1)).toEqual([]);
    await until(async () => (await digestOf(m1)) === (await digestOf(m2)), "the paused primary converged");
  });

  it("SIGSTOP the old primary, promote, SIGKILL the new one, restart the old one, restart the new one: one primary within 2 s, no revision acknowledged twice once both are up", async () => {
    const [m1, m2] = await pair();
    await promoteWhileFrozen(m1, m2);
    await m2.process.kill();
    await m1.process.kill();
    const old = await managers.restart(m1);
    const oldWrites = writer(registryClient(defer, old.address), "old");
    await until(() => oldWrites.acknowledged.length >= 5, "the lone old primary acknowledging");

    const current = await managers.restart(m2);
    const bothUp = performance.now();
    const newWrites = writer(current.client, "new");
    await until(async () => (await roleOf(old)) === "MANAGER_ROLE_BACKUP", "one primary", 2_000);
    await until(() => newWrites.acknowledged.length >= 20, "writes on the one primary");
    await Promise.all([oldWrites.stop(), newWrites.stop()]);

    const afterBothUp = [...oldWrites.acknowledged, ...newWrites.acknowledged].filter((a) => a.sentAt >= bothUp);
    const revisions = afterBothUp.map((a) => a.revision);
    expect(new Set(revisions).size).toBe(revisions.length);
    expect(afterBothUp.every((a) => a.epoch === 2)).toBe(true);
    expect((await status(current)).role).toBe("MANAGER_ROLE_PRIMARY");
  });
});

describe("the sync gate", () => {
  it("with --sync-backups 1, a freshly promoted primary with no backup following acknowledges nothing, over 20 promotions under load", async () => {
    let [primary, backup] = await pair(1);
    for (let trial = 0; trial < 20; trial++) {
      const hammer = writer(backup.client, `t${trial}`);
      await primary.process.kill();
      const promoted = await promote(backup, backup.host);
      expect(promoted.stderr, `trial ${trial}`).toBe("");
      // Hammered from before the promotion until well after it, with nobody to hold the writes.
      await until(() => hammer.failures.length >= 50, `trial ${trial}: refusals after the promotion`);
      const beforeBackup = hammer.acknowledged.length;
      // The old primary comes back; it finds the later epoch and follows: now writes can be held.
      const rejoined = await managers.restart(primary, { syncBackups: 1 });
      await until(() => hammer.acknowledged.length >= 10, `trial ${trial}: writes acknowledged once a backup follows`);
      await hammer.stop();

      expect(beforeBackup, `trial ${trial}: acknowledgements with no backup`).toBe(0);
      // Every acknowledged write is on the backup's disk.
      const held = registryFromSnapshot(await rejoined.client.export());
      await until(async () => (await status(rejoined)).revision >= Math.max(...hammer.acknowledged.map((a) => a.revision)), `trial ${trial}: the backup caught up`);
      const caughtUp = registryFromSnapshot(await rejoined.client.export());
      for (const { id } of hammer.acknowledged) expect(caughtUp.hosts.has(id) || held.hosts.has(id), `trial ${trial}: ${id} on the backup`).toBe(true);
      [primary, backup] = [backup, rejoined];
    }
  });

  it("with --sync-backups 2 and one backup frozen, a write is answered UNAVAILABLE saying so, and no reader sees it until both backups hold it", async () => {
    const [m1, m2, m3] = await managers.cluster(2);
    const watch = spawnCli(["watch", "--manager", m1.address]);
    defer(() => watch.kill("SIGKILL"));
    // The watch is live once it prints a change made after it started.
    await until(async () => {
      await m1.client.call("SetLabels", { id: "m1", set: { probe: String(performance.now()) }, remove: [], replace: false });
      return watch.lines.some((line) => line.includes("host label m1"));
    }, "the watch live", 10_000, 200);
    m3.process.server.signal("SIGSTOP");

    const write = await runCli(["host", "add", "gated", "--domain", "/", "--manager", m1.address, "--timeout", "2s"]);
    expect(write.code).toBe(1);
    expect(write.stderr.trim().split("\n")).toHaveLength(1);
    expect(write.stderr).toMatch(/^error: revision \d+ is on the primary's disk but held by 1 of the 2 backups it waits for \(--sync-backups 2\) after \d+ ms: m2 at revision \d+, m3 at revision \d+; readers will see it once enough backups hold it\n$/);
    expect(write.stderr).not.toMatch(/Deadline exceeded/);

    // Not on the primary for readers, not on the backup that holds it, not in the watch.
    for (const manager of [m1, m2]) {
      expect((await manager.client.rejection("GetHost", { id: "gated" })).code).toBe(Code.NOT_FOUND);
    }
    expect(watch.lines.some((line) => line.includes("gated"))).toBe(false);

    m3.process.server.signal("SIGCONT");
    await until(async () => (await m1.client.call("GetHost", { id: "gated" }).catch(() => undefined))?.host?.id === "gated", "the write committed once m3 holds it");
    await until(() => watch.lines.some((line) => line.includes("host add gated")), "the watch printing it");
    await until(async () => (await m2.client.call("GetHost", { id: "gated" }).catch(() => undefined))?.host?.id === "gated", "the backup showing it");
  });
});
