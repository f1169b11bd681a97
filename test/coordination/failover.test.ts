/**
 * Automatic failover on etcd (SPEC 12, second part), with a real etcd,
 * real managers, writers running, SIGKILL and SIGSTOP: a new primary within
 * the lease TTL + 2 s, no acknowledged write lost, no acknowledgement from
 * an old primary once a new one exists, none while no lease can be proven,
 * and never a backup that lacks acknowledged writes as the winner.
 */
import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import { startEtcd, type EtcdProcess } from "../support/etcd.js";
import { Managers, promote, roleOf, status, writer, type Acknowledgement, type Manager } from "../support/managers.js";
import { available, ETCD } from "../support/system-packages.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const managers = new Managers(defer, tempDir);
const TTL_MS = 2_000;
const PRIMARY = "MANAGER_ROLE_PRIMARY";
const BACKUP = "MANAGER_ROLE_BACKUP";

/** m1 (bootstrapped, elected first), m2 and m3 joined, --sync-backups 1, a lease of TTL_MS, all on `etcd`. */
async function cluster(etcd: EtcdProcess): Promise<[Manager, Manager, Manager]> {
  const flags = ["--coordinator", etcd.url, "--lease-ttl", `${TTL_MS / 1000}s`];
  const m1 = await managers.start("m1", { syncBackups: 1, flags });
  await until(async () => (await roleOf(m1)) === PRIMARY, "m1 elected");
  const [m2, m3] = await Promise.all(["m2", "m3"].map((host) => managers.start(host, { join: m1, syncBackups: 1, flags })));
  await until(async () => (await status(m1)).coordinator?.in_sync.length === 2, "a backup in sync");
  return [m1, m2!, m3!];
}

/** A writer on every manager: only the primary acknowledges, the others refuse (and their writer retries). */
function writersOn(all: readonly Manager[]) {
  const writers = all.map((m) => writer(m.client, `w-${m.host}`));
  return {
    acknowledged: () => writers.flatMap((w) => w.acknowledged),
    count: () => writers.reduce((n, w) => n + w.acknowledged.length, 0),
    stop: () => Promise.all(writers.map((w) => w.stop())),
  };
}

async function primaryOf(candidates: readonly Manager[], timeoutMs: number): Promise<Manager> {
  return until(async () => {
    for (const m of candidates) if ((await roleOf(m)) === PRIMARY) return m;
    return undefined;
  }, "a new primary", timeoutMs, 50);
}

/**
 * Every acknowledged write is on `primary`, and no revision was acknowledged for two writes. Readers see
 * a new primary's inherited tail once a backup holds it too (--sync-backups 1): given a few seconds.
 */
async function nothingLost(primary: Manager, acks: readonly Acknowledgement[]): Promise<void> {
  const missing = async () => {
    const hosts = new Set((await primary.client.call("ListHosts", {})).hosts.map((h) => h.id));
    return acks.filter((a) => !hosts.has(a.id)).map((a) => `${a.id} (epoch ${a.epoch}, revision ${a.revision})`);
  };
  await until(async () => (await missing()).length === 0, "every acknowledged write visible on the primary").catch(() => undefined);
  expect(await missing()).toEqual([]);
  const byRevision = new Map<string, string>();
  for (const a of acks) {
    const key = `${a.revision}`;
    expect([key, byRevision.get(key) ?? a.id]).toEqual([key, a.id]);
    byRevision.set(key, a.id);
  }
}

/**
 * Acknowledgements of `epoch` for writes sent after `since` (when its primary froze). An answer decided
 * just before the freeze may still reach its writer after it, as with any server: those are checked to be
 * on the new primary, with the rest.
 */
function lateFromOldEpoch(acks: readonly Acknowledgement[], epoch: number, since: number): Acknowledgement[] {
  return acks.filter((a) => a.epoch === epoch && a.sentAt > since);
}

describe.skipIf(!available(ETCD))("automatic failover on etcd", () => {
  it("the primary SIGKILLed under load: a new one within the TTL + 2 s, nothing acknowledged lost", async () => {
    const etcd = await startEtcd(defer, tempDir());
    const [m1, m2, m3] = await cluster(etcd);
    const load = writersOn([m1, m2, m3]);
    await until(() => load.count() >= 100, "100 writes acknowledged");
    const epoch = Number((await status(m1)).epoch);

    await m1.process.kill();
    const killedAt = performance.now();
    const next = await primaryOf([m2, m3], TTL_MS + 2_000);
    expect(performance.now() - killedAt).toBeLessThan(TTL_MS + 2_000);
    const before = load.count();
    await until(() => load.count() >= before + 50, "writes acknowledged by the new primary");
    await load.stop();

    expect(Number((await status(next)).epoch)).toBeGreaterThan(epoch);
    await nothingLost(next, load.acknowledged());
  });

  it("the primary SIGSTOPped past the TTL: a new one takes over; resumed, the old one acknowledges nothing and is a backup within 2 s", async () => {
    const etcd = await startEtcd(defer, tempDir());
    const [m1, m2, m3] = await cluster(etcd);
    const load = writersOn([m1, m2, m3]);
    await until(() => load.count() >= 100, "100 writes acknowledged");
    const epoch = Number((await status(m1)).epoch);

    m1.process.server.signal("SIGSTOP");
    const stoppedAt = performance.now();
    const next = await primaryOf([m2, m3], TTL_MS + 2_000);
    expect(performance.now() - stoppedAt).toBeLessThan(TTL_MS + 2_000);
    const before = load.count();
    await until(() => load.count() >= before + 50, "writes acknowledged by the new primary");

    m1.process.server.signal("SIGCONT");
    const resumedAt = performance.now();
    await until(async () => (await roleOf(m1)) === BACKUP, "the old primary a backup", 2_000, 20);
    expect(performance.now() - resumedAt).toBeLessThan(2_000);
    const after = load.count();
    await until(() => load.count() >= after + 50, "writes go on");
    await load.stop();

    const acks = load.acknowledged();
    expect(lateFromOldEpoch(acks, epoch, stoppedAt)).toEqual([]);
    await nothingLost(next, acks);
    await until(async () => (await status(m1)).primary_host === next.host, "m1 following the new primary");
  });

  it("etcd SIGKILLed under load: no write acknowledged while no lease can be proven, and service resumes once it is back", async () => {
    const etcd = await startEtcd(defer, tempDir());
    const managersNow = await cluster(etcd);
    const load = writersOn(managersNow);
    await until(() => load.count() >= 100, "100 writes acknowledged");

    await etcd.kill();
    const killedAt = performance.now();
    // Past the TTL no lease is proven: nothing may be acknowledged until etcd is back.
    await new Promise<void>((resolve) => setTimeout(resolve, TTL_MS + 1_000));
    const restartAt = performance.now();
    await etcd.restart();
    const before = load.count();
    await until(() => load.count() >= before + 50, "writes acknowledged again", 15_000);
    await load.stop();

    const acks = load.acknowledged();
    const unproven = acks.filter((a) => a.answeredAt > killedAt + TTL_MS && a.answeredAt < restartAt);
    expect(unproven.map((a) => `${a.id} at +${Math.round(a.answeredAt - killedAt)} ms`)).toEqual([]);
    await nothingLost(await primaryOf(managersNow, 5_000), acks);
  });

  it("promote-manager is a switchover under load: the primary resigns, HOST takes over, nothing lost or acknowledged twice", async () => {
    const etcd = await startEtcd(defer, tempDir());
    const [m1, m2, m3] = await cluster(etcd);
    const inSync = (await status(m1)).coordinator!.in_sync.find((h) => h !== "m1")!;
    const target = [m2, m3].find((m) => m.host === inSync)!;
    const outside = [m2, m3].find((m) => m !== target)!;
    const load = writersOn([m1, m2, m3]);
    await until(() => load.count() >= 100, "100 writes acknowledged");

    // Not to a backup outside the sync record: it may lack acknowledged writes.
    const refused = await promote(m1, outside.host);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^error: ${outside.host} may not take over: it may lack acknowledged writes`));
    expect((await status(m1)).role).toBe(PRIMARY);

    const promoted = await promote(m1, target.host);
    expect([promoted.code, promoted.stderr]).toEqual([0, ""]);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ host: target.host });
    expect((await status(target)).role).toBe(PRIMARY);
    const before = load.count();
    await until(() => load.count() >= before + 50, "writes acknowledged by the new primary");
    await load.stop();
    await nothingLost(target, load.acknowledged());
    await until(async () => (await roleOf(m1)) === BACKUP, "m1 a backup");
  });

  it("a backup behind the primary never wins: with the in-sync ones gone, nobody is elected until one is back", async () => {
    const etcd = await startEtcd(defer, tempDir());
    const [m1, m2, m3] = await cluster(etcd);
    const inSync = (await status(m1)).coordinator!.in_sync.find((h) => h !== "m1")!;
    const [synced, behind] = inSync === "m2" ? [m2, m3] : [m3, m2];
    // `behind` misses writes while frozen; the in-sync backup and the primary hold them.
    behind.process.server.signal("SIGSTOP");
    const load = writersOn([m1]);
    await until(() => load.count() >= 50, "50 writes acknowledged");
    await load.stop();
    await Promise.all([m1.process.kill(), synced.process.kill()]);
    behind.process.server.signal("SIGCONT");

    // Well past the TTL: `behind` is not in etcd's sync record, so it never campaigns.
    await new Promise<void>((resolve) => setTimeout(resolve, TTL_MS * 2));
    expect(await roleOf(behind)).toBe(BACKUP);
    expect((await status(behind)).coordinator).toMatchObject({ holder_host: "", in_sync: expect.not.arrayContaining([behind.host]) });

    const back = await managers.restart(synced, { syncBackups: 1, flags: ["--coordinator", etcd.url, "--lease-ttl", `${TTL_MS / 1000}s`] });
    await until(async () => (await roleOf(back)) === PRIMARY, "the in-sync backup elected", TTL_MS + 5_000);
    await nothingLost(back, load.acknowledged());
  });
});
