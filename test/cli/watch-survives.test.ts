/**
 * `cairn watch` as an operator runs it, against real managers (SPEC 15):
 * it survives a manager's restart and a failover, printing every committed
 * change once, in order, with no gap; and `--from` beyond the head says it
 * waits, then prints from there.
 */
import { describe, expect, it } from "vitest";
import { spawnCli, type CliProcess } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { Managers, mostUpToDate, promote, status, writer, type Acknowledgement } from "../support/managers.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const managers = new Managers(defer, tempDir);

interface Printed {
  revision: number;
  epoch: number;
  cause: string;
}

/** The changes a `watch --json` printed (a snapshot's summary line has no ops). */
function printed(watch: CliProcess): Printed[] {
  return watch.lines.map((line) => JSON.parse(line) as Printed & { ops?: unknown }).filter((c) => c.ops !== undefined);
}

function startWatch(args: readonly string[]): CliProcess {
  const watch = spawnCli(["watch", ...args]);
  defer(() => watch.kill("SIGKILL"));
  return watch;
}

/** Every revision from the first printed on, once, in order; every acknowledged write among them. */
function expectContiguousCovering(watch: CliProcess, first: number, acknowledged: readonly Acknowledgement[]): void {
  const revisions = printed(watch).map((c) => c.revision);
  expect(revisions[0]).toBe(first);
  expect(revisions, watch.stderr()).toEqual(revisions.map((_, i) => first + i));
  const seen = new Set(revisions);
  for (const ack of acknowledged) expect(seen.has(ack.revision), `acknowledged ${ack.id} at revision ${ack.revision}`).toBe(true);
}

async function stopWatch(watch: CliProcess): Promise<void> {
  watch.kill("SIGINT");
  expect(await watch.exited).toBe(0);
}

describe("cairn watch survives", () => {
  it("a manager killed and restarted on its folder and address: it reconnects, resumes after the last revision printed, skips and repeats nothing", async () => {
    let manager = await managers.start("m1");
    const first = (await status(manager)).revision + 1;
    const watch = startWatch(["--json", "--from", String(first), "--manager", manager.address]);
    const before = writer(manager.client, "before");
    await until(() => before.acknowledged.length >= 20 && printed(watch).length >= 10, "writes acknowledged and printed");

    await manager.process.kill();
    await until(() => watch.stderr().includes(`watch: lost ${manager.address} (`), "the lost line");
    manager = await managers.restart(manager);
    // The writer's channel reconnects by itself: writes go on against the restarted manager.
    const count = before.acknowledged.length;
    await until(() => before.acknowledged.length >= count + 20, "writes acknowledged after the restart");
    await before.stop();

    const last = Math.max(...before.acknowledged.map((a) => a.revision));
    await until(() => printed(watch).some((c) => c.revision >= last), `the watch printing revision ${last}`, 15_000);
    await stopWatch(watch);
    expectContiguousCovering(watch, first, before.acknowledged);
    expect(watch.stderr()).toMatch(new RegExp(`^watch: lost ${manager.address} \\(.+\\); retrying$`, "m"));
    expect(watch.stderr()).toMatch(new RegExp(`^watch: reconnected to ${manager.address} after revision \\d+$`, "m"));
    // It resumed where it was: no snapshot was needed.
    expect(watch.stderr()).not.toMatch(/resynced/);
  });

  it("a failover: the primary killed and a backup promoted, it moves to the managers the registry names and prints every acknowledged write once", async () => {
    const [primary, m2, m3] = await managers.cluster(1);
    const first = (await status(primary)).revision + 1;
    // Only the primary is given: the backups come from the registry.
    const watch = startWatch(["--json", "--from", String(first), "--manager", primary.address]);
    const before = writer(primary.client, "before");
    await until(() => before.acknowledged.length >= 20 && printed(watch).length >= 10, "writes acknowledged and printed");

    await primary.process.kill();
    await before.stop();
    const [best, other] = await mostUpToDate(m2, m3);
    const promoted = await promote(best, best.host);
    expect(promoted.stderr).toBe("");
    expect(promoted.code).toBe(0);
    // With --sync-backups 1 the new primary takes writes once the other backup follows it.
    await until(async () => (await status(best)).backups.some((b) => b.host === other.host && b.connected), "the other backup following the new primary");
    const after = writer(best.client, "after");
    await until(() => after.acknowledged.length >= 20, "writes acknowledged by the new primary");
    await after.stop();

    const last = Math.max(...after.acknowledged.map((a) => a.revision));
    await until(() => printed(watch).some((c) => c.revision >= last), `the watch printing revision ${last}`, 20_000);
    await stopWatch(watch);
    expectContiguousCovering(watch, first, [...before.acknowledged, ...after.acknowledged]);
    expect(printed(watch).some((c) => c.epoch === 2)).toBe(true);
    expect(watch.stderr()).toMatch(new RegExp(`^watch: lost ${primary.address} \\(.+\\); retrying$`, "m"));
    expect(watch.stderr()).toMatch(/^watch: reconnected to \S+ after revision \d+$/m);
  });
});

describe("cairn watch --from beyond the head", () => {
  it("says which revision it waits for and where the registry is, then prints from that revision with the change's time", async () => {
    const manager = await managers.start("m1");
    const head = (await status(manager)).revision;
    const from = head + 5;
    const watch = startWatch(["--from", String(from), "--manager", manager.address]);
    await until(() => watch.stderr().includes("\n"), "the waiting line");
    expect(watch.stderr()).toBe(`watch: waiting for revision ${from} (the registry is at ${head})\n`);

    let revision = head;
    for (let i = 0; revision < from + 1; i++) revision = (await manager.client.call("RegisterHost", { id: `h-${i}`, domain: "/" })).revision;
    await until(() => watch.lines.length >= 2, "two changes printed");
    const [line, next] = watch.lines;
    const match = /^(\S+) r(\d+) e1 host add (\S+): put-host \3$/.exec(line!);
    expect(match, line).not.toBeNull();
    expect(Number(match![2])).toBe(from);
    // The change's own time, ISO-8601 in UTC.
    expect(new Date(match![1]!).toISOString()).toBe(match![1]);
    expect(Math.abs(Date.parse(match![1]!) - Date.now())).toBeLessThan(60_000);
    expect(next).toMatch(new RegExp(`^\\S+ r${from + 1} e1 `));
    await stopWatch(watch);
  });
});
