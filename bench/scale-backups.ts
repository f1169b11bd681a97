/**
 * Row 2 of the scale bench (SPEC 16): backups as a fan-out tier. A primary
 * and four backups (real `cairn manager start` processes, the backups
 * joining the primary with --join), 10,000 Replication.Watch streams spread
 * evenly over the five (one watcher process per manager, each watcher its
 * own channel and TCP connection: bench/manager-fan-out.ts), and a few
 * changes committed on the primary one at a time, each timed from the write
 * until every watcher has it. Budget: p99 within 1 s.
 */
import { startManagerNode, until, type ManagerNode } from "./lib/fleet.js";
import type { Cleanup } from "./lib/cairn-process.js";
import { summarize, type Row } from "./lib/stats.js";
import { fanOutInfo, fanOutNote } from "./manager.js";
import { fanOutTo, toggler, watchedManager } from "./manager-fan-out.js";

export interface BackupsOptions {
  watchers: number;
  backups: number;
  /** Watcher processes, spread over the managers in turn. */
  processes: number;
  changes: number;
  warmUp: number;
  nodeArgs: readonly string[];
}

/** SPEC 16: one change reaches all of them, p99 within this. */
const P99_BUDGET_MS = 1_000;

export async function backupsRows(cleanup: Cleanup, rows: Row[], options: BackupsOptions): Promise<Record<string, unknown>> {
  const primary = await startManagerNode(cleanup, { host: "m1", nodeArgs: options.nodeArgs });
  const backups = await Promise.all(
    Array.from({ length: options.backups }, (_, i) => startManagerNode(cleanup, { host: `m${i + 2}`, join: primary.address, nodeArgs: options.nodeArgs })),
  );
  const managers: ManagerNode[] = [primary, ...backups];
  await until(
    `all ${options.backups} backups following`,
    async () => (await primary.client.call("GetStatus", {})).backups.filter((b) => b.connected).length === options.backups,
    30_000,
    50,
  );
  const change = await toggler(primary.client, "bench-watch-target");
  // Every watcher starts at the same revision: each backup has the primary's head first.
  const head = (await primary.client.call("GetStatus", {})).revision;
  await until("every backup at the primary's revision", async () => {
    const revisions = await Promise.all(backups.map(async (b) => (await b.client.call("GetStatus", {})).revision));
    return revisions.every((r) => r >= head);
  });
  const servers = await Promise.all(managers.map((m) => watchedManager(m, m.client)));
  const run = await fanOutTo(cleanup, servers, change, {
    watchers: options.watchers,
    processes: Math.max(options.processes, managers.length),
    changes: options.changes,
    warmUp: options.warmUp,
    quietWaitMs: 500,
    pauseMs: 50,
  });
  const label = `${options.watchers.toLocaleString("en-US")} watchers over a primary and ${options.backups} backups`;
  const memory = managers.map((m) => Math.round(m.memoryKiB().rss / 1024));
  rows.push({
    name: `${label}: change → watcher`,
    unit: "ms",
    summary: summarize(run.times.latencies),
    budget: { text: `p99 ≤ ${P99_BUDGET_MS} ms (SPEC 16)`, checks: [{ metric: "p99", atMost: P99_BUDGET_MS }] },
    note:
      `${options.changes} changes one at a time (SetMaintenance toggles on the primary, after ${options.warmUp} untimed), ` +
      `${options.watchers / managers.length} watchers on each of ${managers.length} managers (K = 0: a backup shows a change as soon as it has it); ` +
      `"manager" below is all ${managers.length} managers: ${fanOutNote(run)}; set-up (fork, ${options.watchers} channels, first change to all) ` +
      `${(run.setUpMs / 1000).toFixed(1)} s; managers' RSS ${memory.join(", ")} MiB`,
  });
  rows.push({ name: `${label}: change → last watcher`, unit: "ms", summary: summarize(run.times.last) });
  rows.push({ name: `${label}: write acknowledged`, unit: "ms", summary: summarize(run.times.acks) });
  return { ...fanOutInfo(run), managersRssMiB: memory, managers: managers.map((m) => m.args.join(" ")) };
}
