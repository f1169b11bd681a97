/**
 * Disks that lie and starts that fail (SPEC 12, 15; issue scenarios 3, 4,
 * 7, 8), with real processes and damaged LevelDB files: a manager never
 * silently serves an older revision, damage is named with the store and the
 * remedy, an agent rebuilds its replica, and a failed start leaves nothing
 * behind.
 */
import { createServer, type Server } from "node:net";
import { existsSync, readdirSync, statSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Level } from "level";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { agentClient, FAST_LIVENESS, registryClient, startAgent } from "../support/fleet.js";
import { Managers, promote, status, type Manager } from "../support/managers.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const managers = new Managers(defer, tempDir);

/** LevelDB's write-ahead log files in `dir`, newest last. */
function levelLogs(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /^\d+\.log$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** The one `error:` line a failed start printed; fails when there is more, or a stack. */
function oneErrorLine(stderr: string): string {
  const lines = stderr.trim().split("\n").filter((line) => !line.startsWith("{"));
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

async function writeHosts(manager: Manager, prefix: string, count: number): Promise<number> {
  let revision = 0;
  for (let i = 0; i < count; i++) revision = (await manager.client.call("RegisterHost", { id: `${prefix}-${i}`, domain: "/" })).revision;
  return revision;
}

function managerStart(host: string, data: string, ...flags: string[]) {
  return runCli(["manager", "start", "--host", host, "--data", data, "--listen", "127.0.0.1:0", ...FAST_LIVENESS, ...flags]);
}

describe("a manager whose disk lies", () => {
  const damages: [string, (dir: string) => void][] = [
    ["LevelDB's log truncated", (dir) => {
      const log = levelLogs(dir).at(-1)!;
      truncateSync(log, Math.floor(statSync(log).size / 2));
    }],
    ["LevelDB's log deleted", (dir) => unlinkSync(levelLogs(dir).at(-1)!)],
  ];

  it.each(damages)("refuses to start alone when %s, saying what it lost and what to do, instead of serving an older revision", async (_what, damage) => {
    const m1 = await managers.start("m1");
    const acknowledged = await writeHosts(m1, "h", 40);
    await m1.process.kill();
    damage(m1.data);

    const restart = await managerStart("m1", m1.data);
    expect(restart.code).toBe(1);
    expect(restart.stdout).toBe("");
    const line = oneErrorLine(restart.stderr);
    expect(line).toContain(`the store in ${m1.data} `);
    // LevelDB itself saw the damage, or the head mark did: never a silent start at an older revision.
    expect(line).toMatch(
      new RegExp(
        `lost writes it had acknowledged: it held revision ${acknowledged} \\(epoch 1\\) when it stopped and now holds \\d+; no other manager answers with those writes` +
          `|held registry \\S+ at revision ${acknowledged} \\(epoch 1\\) when it stopped and now holds nothing` +
          `|is damaged: LevelDB`,
      ),
    );
  });

  it("names the backup that holds the lost writes, and its promotion repairs the registry", async () => {
    const m1 = await managers.start("m1", { syncBackups: 1 });
    const m2 = await managers.start("m2", { join: m1, syncBackups: 1 });
    await until(async () => (await status(m1)).backups.some((b) => b.connected), "m2 following");
    const acknowledged = await writeHosts(m1, "h", 40);
    await Promise.all([m1.process.kill(), m2.process.kill()]);
    const log = levelLogs(m1.data).at(-1)!;
    truncateSync(log, Math.floor(statSync(log).size / 2));

    const backup = await managers.restart(m2, { syncBackups: 1 });
    const restart = await managerStart("m1", m1.data, "--sync-backups", "1");
    expect(restart.code).toBe(1);
    const line = oneErrorLine(restart.stderr);
    expect(line).toContain(`m2 at ${backup.address} holds revision ${acknowledged}: promote it (cairn promote-manager m2 --manager ${backup.address})`);

    // Done as it says, no acknowledged write is lost: once a backup of the new reign holds them (--sync-backups 1), readers see them all.
    expect((await promote(backup, "m2")).code).toBe(0);
    await managers.start("m1", { join: backup, syncBackups: 1 });
    await until(async () => (await backup.client.call("GetHost", { id: "h-39" }).catch(() => undefined))?.host, "the last acknowledged write readable");
    for (let i = 0; i < 40; i++) expect((await backup.client.call("GetHost", { id: `h-${i}` })).host?.id).toBe(`h-${i}`);
  });

  it("says another process holds the store, in one line, when it is in use", async () => {
    const m1 = await managers.start("m1");
    const second = await managerStart("m1", m1.data);
    expect(second.code).toBe(1);
    expect(oneErrorLine(second.stderr)).toBe(
      `error: the store in ${m1.data} is in use by another process (LevelDB's LOCK is held): stop that one first, or give this one another folder`,
    );
  });

  it("names the store and the remedy when LevelDB cannot open it", async () => {
    const m1 = await managers.start("m1");
    await writeHosts(m1, "h", 5);
    await m1.process.kill();
    const manifest = readdirSync(m1.data).find((name) => name.startsWith("MANIFEST-"))!;
    writeFileSync(join(m1.data, manifest), Buffer.alloc(4_096, 0x5a));
    const restart = await managerStart("m1", m1.data);
    expect(restart.code).toBe(1);
    expect(oneErrorLine(restart.stderr)).toMatch(
      new RegExp(`^error: the store in ${m1.data} is damaged: LevelDB cannot open it \\(.+\\); move the folder aside and start this manager with an empty --data and --join PRIMARY`),
    );
  });
});

describe("an agent whose replica is damaged", () => {
  /** Each damage, and whether LevelDB must notice it (a truncated or lost log may just leave an older replica, which is consistent). */
  const damages: [string, boolean, (dir: string) => Promise<void> | void][] = [
    ["LevelDB's log truncated", false, (dir) => {
      const log = levelLogs(dir).at(-1);
      if (log) truncateSync(log, Math.floor(statSync(log).size / 3));
    }],
    ["LevelDB's log deleted", false, (dir) => {
      for (const log of levelLogs(dir)) unlinkSync(log);
    }],
    ["its MANIFEST overwritten", true, (dir) => {
      const manifest = readdirSync(dir).find((name) => name.startsWith("MANIFEST-"))!;
      writeFileSync(join(dir, manifest), Buffer.alloc(2_048, 0x33));
    }],
    ["CURRENT overwritten", true, (dir) => writeFileSync(join(dir, "CURRENT"), "MANIFEST-999999\n")],
    ["its position key deleted, the entities left", true, async (dir) => {
      const db = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
      await db.del("!meta!position");
      await db.close();
    }],
  ];

  it.each(damages)("starts all the same when %s, and rebuilds from a manager to the manager's digest", async (_what, noticed, damage) => {
    const manager = await managers.start("m1");
    await writeHosts(manager, "h", 30);
    const data = tempDir();
    let agent = await startAgent(defer, "agent-1", data, manager.address);
    let client = agentClient(defer, agent.address);
    const head = async () => Buffer.from((await status(manager)).digest).toString("hex");
    await until(async () => Buffer.from((await client.status()).digest).toString("hex") === (await head()), "the agent at the head");
    await agent.kill();
    await damage(data);

    agent = await startAgent(defer, "agent-1", data, manager.address);
    client = agentClient(defer, agent.address);
    const first = await client.status();
    expect(["rebuilding", "empty", "verified"]).toContain(first.replica);
    // Damage LevelDB notices, or entities that cannot be verified: discarded, and said so.
    if (noticed) expect(agent.stderr()).toMatch(/the replica on disk is damaged; discarding it and rebuilding from a registry manager/);
    await until(async () => {
      const now = await client.status();
      return now.replica === "verified" && Buffer.from(now.digest).toString("hex") === (await head());
    }, "the agent rebuilt to the manager's digest");
    expect((await client.resolve("", "registry")).candidates[0]?.host).toBe("m1");
  });
});

describe("a start that fails leaves nothing behind", () => {
  it("a --bootstrap that cannot listen writes no registry to --data", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    defer(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const data = join(tempDir(), "m1");
    const start = await runCli(["manager", "start", "--host", "m1", "--data", data, "--listen", `127.0.0.1:${port}`, "--bootstrap"]);
    expect(start.code).toBe(1);
    expect(oneErrorLine(start.stderr)).toMatch(new RegExp(`^error: cannot listen on 127.0.0.1:${port}`));
    expect(existsSync(data)).toBe(false);
  });

  it("a --join that never answers fails after --join-timeout, and leaves --data as it was", async () => {
    const nobody: Server = createServer();
    await new Promise<void>((resolve) => nobody.listen(0, "127.0.0.1", resolve));
    const port = (nobody.address() as { port: number }).port;
    await new Promise<void>((resolve) => nobody.close(() => resolve()));
    const data = join(tempDir(), "m2");
    const startedAt = performance.now();
    const start = await managerStart("m2", data, "--join", `127.0.0.1:${port}`, "--join-timeout", "1s");
    expect(start.code).toBe(1);
    expect(performance.now() - startedAt).toBeLessThan(10_000);
    expect(oneErrorLine(start.stderr)).toBe(
      `error: no registry manager answered at 127.0.0.1:${port} within 1000 ms (--join-timeout); nothing was written to ${data}`,
    );
    expect(existsSync(data)).toBe(false);
  });

  it("refuses --join on a --data that holds another registry, naming both", async () => {
    const a = await managers.start("m1");
    const b = await managers.start("m2");
    const own = (await status(b)).cluster_id;
    await b.process.kill();
    const start = await managerStart("m2", b.data, "--join", a.address);
    expect(start.code).toBe(1);
    expect(oneErrorLine(start.stderr)).toBe(
      `error: ${b.data} holds registry ${own}, but the manager at ${a.address} serves registry ${(await status(a)).cluster_id}: start without --join to resume this one, or with an empty --data to join that one`,
    );
  });

  it("registers a backup started with a --domain that does not exist yet, domain and all", async () => {
    const m1 = await managers.start("m1");
    const m2 = await managers.start("m2", { join: m1, flags: ["--domain", "/emea/paris"] });
    const client = registryClient(defer, m1.address);
    await until(async () => (await client.call("GetHost", { id: "m2" }).catch(() => undefined))?.host?.domain === "/emea/paris", "m2 registered in /emea/paris");
    const host = (await client.call("GetHost", { id: "m2" })).host!;
    expect(host.packages.find((p) => p.type === "registry")).toMatchObject({ role: "MANAGER_ROLE_BACKUP", port: Number(m2.address.split(":")[1]) });
  });
});
