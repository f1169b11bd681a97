/**
 * The scale bench (SPEC 16, issue 17), against REAL processes started from
 * the compiled tree (`npm run bench` builds first):
 *
 * 1. fan-out against peers in the same run (bench/scale-peers.ts): one
 *    change reaching 10, 100 and 1,000 watchers of etcd 3.4, cairn and a
 *    bare grpc-js broadcast, measured in rotated rounds; ratios of p99;
 * 2. 10,000 watchers over a primary and 4 backups (bench/scale-backups.ts):
 *    one change reaching all, p99;
 * 3. the manager's event loop during a 100,000-host import with 1,000 live
 *    agents (bench/scale-import.ts): the longest delay, and how many of the
 *    live agents' hosts were marked down;
 * 4. 20,000 agent sessions while nothing changes (bench/scale-sessions.ts):
 *    the primary's CPU and RSS, measured at two sizes for the per-agent
 *    cost, 100,000 agents projected from it, and a SIGKILLed agent
 *    process's hosts timed to down;
 * 5. the same with 4 backups relaying the agents' pulses
 *    (--relay-heartbeats), which is where SPEC 16's idle budget and the
 *    projection are checked: the primary then hears a report per relay,
 *    not a message per agent.
 *
 * A missed budget is reported, not thrown; a row that does not finish is
 * reported as missed, and thrown once every row has run (the error carries
 * the report). CAIRN_BENCH_SCALE_ROWS (e.g.
 * `peers,sessions`) runs only some rows; CAIRN_BENCH_MANAGER_NODE_ARGS adds
 * node flags to every manager (e.g. `--cpu-prof`).
 */
import os from "node:os";
import { raiseFdLimit } from "./lib/fd-limit.js";
import { checkBuild, Cleanup } from "./lib/cairn-process.js";
import { BadSetting } from "./lib/bad-setting.js";
import { report, type PartReport, type Row } from "./lib/stats.js";
import { backupsRows } from "./scale-backups.js";
import { importRows } from "./scale-import.js";
import { peersRows } from "./scale-peers.js";
import { sessionsRows } from "./scale-sessions.js";

const ROWS = ["peers", "backups", "import", "sessions", "relayed"] as const;
type RowName = (typeof ROWS)[number];

export interface ScaleBenchOptions {
  rows?: readonly RowName[];
}

export async function benchScale(options: ScaleBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const wanted = options.rows ?? selectedRows();
  const nodeArgs = (process.env.CAIRN_BENCH_MANAGER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const rows: Row[] = [];
  const info: Record<string, unknown> = { cores: os.cpus().length, loadAverageAtStart: os.loadavg(), fdLimit: raiseFdLimit() };
  // A row that fails is reported as such, and the rows measured before and after it still are.
  const failures: string[] = [];
  const phase = async (name: RowName, run: (cleanup: Cleanup) => Promise<Record<string, unknown>>) => {
    if (!wanted.includes(name)) return;
    const t0 = Date.now();
    const cleanup = new Cleanup();
    try {
      info[name] = await run(cleanup);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`scale ${name} failed:`, error);
      failures.push(name);
      info[name] = { error: message };
      // No figure meets a check: the table and the JSON count it as missed, not as "all met".
      rows.push({ name: `${name}: did not finish`, unit: "", budget: { text: "runs to its end", checks: [{ metric: "max", atMost: 0 }] }, note: message });
    } finally {
      const problems = await cleanup.run();
      if (problems.length > 0) console.error(`scale bench ${name} clean-up: ${problems.join("; ")}`);
      console.error(`scale ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  };
  await phase("peers", (cleanup) =>
    peersRows(cleanup, rows, {
      counts: [10, 100, 1_000],
      rounds: 3,
      changes: (n) => (n <= 10 ? 60 : n <= 100 ? 40 : 25),
      warmUp: 3,
      // This machine is never quiet (other sessions share it): a short look, noted with each run's figures.
      quietWaitMs: 500,
      nodeArgs,
    }),
  );
  await phase("backups", (cleanup) => backupsRows(cleanup, rows, { watchers: 10_000, backups: 4, processes: 5, changes: 10, warmUp: 2, nodeArgs }));
  await phase("import", (cleanup) => importRows(cleanup, rows, { hosts: 100_000, agents: 1_000, seed: 17, nodeArgs }));
  const sessions = { sizes: [10_000, 20_000], processes: 4, windowMs: 15_000, project: 100_000, nodeArgs };
  await phase("sessions", (cleanup) => sessionsRows(cleanup, rows, { ...sessions, relays: 0, budgeted: false }));
  await phase("relayed", (cleanup) => sessionsRows(cleanup, rows, { ...sessions, relays: 4, budgeted: true }));
  const doc = report("scale", "scale (SPEC 16: peers in the same run, backups as a fan-out tier, an import under load, idle agent sessions)", rows, info);
  if (failures.length > 0) {
    // Each failure was logged whole as it came: this names them, and carries the report to the summary.
    throw Object.assign(new Error(`scale rows that did not finish: ${failures.join(", ")} (the others are reported above)`), { report: doc });
  }
  return doc;
}

function selectedRows(): RowName[] {
  const env = process.env.CAIRN_BENCH_SCALE_ROWS;
  if (!env) return [...ROWS];
  const names = env.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ROWS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new BadSetting(`CAIRN_BENCH_SCALE_ROWS: unknown row(s) ${unknown.join(", ")}; known: ${ROWS.join(", ")}`);
  return names as RowName[];
}
