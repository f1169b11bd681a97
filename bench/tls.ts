/**
 * The cost of mTLS (SPEC 16: the 64-writer throughput and the 1,000-watcher
 * fan-out with mTLS on at most 1.3 of the same without), against two REAL
 * `cairn manager start` processes up side by side: one insecure, one with
 * mTLS (a CA made in a temp folder, the manager as manager/framework-manager,
 * writers as admin/bench, watchers as host/bench-watcher).
 *
 * The machine is shared and its speed drifts over tens of seconds, so the
 * two are measured in alternation (insecure, mTLS, insecure, mTLS, …) with
 * the same loads as bench/manager.ts, and each ratio is of the pooled
 * figures: throughput as insecure ÷ mTLS (how many times slower mTLS is),
 * fan-out as mTLS p99 ÷ insecure p99.
 */
import os from "node:os";
import type { TlsFiles } from "../src/security/tls-files.js";
import { TestRegistryClient } from "../test/support/manager.js";
import { TestCa } from "../test/support/tls.js";
import { checkBuild, Cleanup, startManagerProcess, withManagerState, type ManagerProcess } from "./lib/cairn-process.js";
import { report, summarize, type PartReport, type Row } from "./lib/stats.js";
import { fanOutInfo, fanOutNote, round3 } from "./manager.js";
import { fanOut, toggler, type FanOut } from "./manager-fan-out.js";
import { sum, writeLoad, type WriteLoad } from "./manager-write-load.js";

export interface TlsBenchOptions {
  /** Alternations: each runs the insecure manager, then the mTLS one. */
  rounds?: number;
  writers?: number;
  writeWarmUpMs?: number;
  writeWindowMs?: number;
  watchers?: number;
  watcherProcesses?: number;
  watchChanges?: number;
  watchWarmUp?: number;
}

/** SPEC 16: with mTLS on, at most this many times the cost of the same without. */
const MTLS_BUDGET = 1.3;

interface Side {
  name: "insecure" | "mTLS";
  manager: ManagerProcess;
  client: TestRegistryClient;
  writerTls?: TlsFiles;
  watcherTls?: TlsFiles;
}

export async function benchTls(options: TlsBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const rounds = options.rounds ?? 3;
  const writers = options.writers ?? 64;
  const watchers = options.watchers ?? 1_000;
  const cleanup = new Cleanup();
  const rows: Row[] = [];
  const info: Record<string, unknown> = { rounds, cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  const nodeArgs = (process.env.CAIRN_BENCH_MANAGER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  try {
    const ca = await TestCa.make(cleanup.tempDir("cairn-bench-ca-"));
    const plain = await startManagerProcess(cleanup, { nodeArgs });
    const secure = await startManagerProcess(cleanup, { nodeArgs, args: await ca.flags("manager/framework-manager") });
    const sides: Side[] = [
      { name: "insecure", manager: plain, client: new TestRegistryClient(plain.address) },
      {
        name: "mTLS",
        manager: secure,
        client: new TestRegistryClient(secure.address, (await ca.transport("admin/bench")).channel({ kind: "manager" })),
        writerTls: await ca.files("admin/bench"),
        watcherTls: await ca.files("host/bench-watcher"),
      },
    ];
    for (const side of sides) cleanup.add(() => side.client.close());
    info.managers = Object.fromEntries(sides.map((s) => [s.name, s.manager.args.join(" ")]));

    info.writes = await guarded(sides, () => writeRounds(cleanup, rows, sides, { rounds, writers, ...options }));
    info.watch = await guarded(sides, () => watchRounds(cleanup, rows, sides, { rounds, watchers, ...options }));
  } finally {
    const problems = await cleanup.run();
    if (problems.length > 0) console.error(`tls bench clean-up: ${problems.join("; ")}`);
  }
  return report("tls", "the cost of mTLS (SPEC 16: real managers, insecure and mTLS, measured in alternation)", rows, info);
}

async function writeRounds(
  cleanup: Cleanup,
  rows: Row[],
  sides: Side[],
  options: { rounds: number; writers: number; writeWarmUpMs?: number; writeWindowMs?: number },
): Promise<Record<string, unknown>> {
  const windowMs = options.writeWindowMs ?? 3_000;
  const runs = new Map<Side, WriteLoad[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Fresh hosts each round, registered with maintenance off: every toggle changes something.
    const hosts = Array.from({ length: options.writers }, (_, i) => `bench-writer-${round}-${String(i).padStart(3, "0")}`);
    for (const side of sides) for (const id of hosts) await side.client.call("RegisterHost", { id, domain: "/", address: "127.0.0.1" });
    for (const side of sides) {
      const before = (await side.client.call("GetStatus", {})).revision;
      const run = await writeLoad(cleanup, side.manager, {
        hosts,
        processes: 1,
        warmUpMs: options.writeWarmUpMs ?? 1_000,
        windowMs,
        client: "http2",
        tls: side.writerTls,
      });
      const after = (await side.client.call("GetStatus", {})).revision;
      if (run.unchanged > 0 || after - before !== run.acknowledged) {
        throw new Error(`${side.name}: ${run.acknowledged} writes acknowledged (${run.unchanged} unchanged) but the revision moved by ${after - before}`);
      }
      runs.get(side)!.push(run);
    }
  }
  const rate = (side: Side) => sum(runs.get(side)!.map((r) => r.counted)) / ((windowMs / 1000) * options.rounds);
  for (const side of sides) {
    const each = runs.get(side)!.map((r) => Math.round(r.counted / (windowMs / 1000)));
    rows.push({
      name: `${options.writers} writers, ${side.name}: durable mutations`,
      unit: "/s",
      value: rate(side),
      note:
        `${options.rounds} windows of ${windowMs / 1000} s (${each.join(", ")}/s), lean HTTP/2 gRPC client, SetMaintenance toggles; ` +
        `manager CPU ${runs.get(side)!.map((r) => `${Math.round((r.managerCpuS / (windowMs / 1000)) * 100)}%`).join(", ")} of one core`,
    });
    rows.push({ name: `${options.writers} writers, ${side.name}: write latency`, unit: "ms", summary: summarize(runs.get(side)!.flatMap((r) => r.latencyMs)) });
  }
  const [plain, secure] = sides as [Side, Side];
  rows.push({
    name: `${options.writers} writers: insecure ÷ mTLS throughput`,
    unit: "×",
    value: rate(plain) / rate(secure),
    budget: { text: `≤ ${MTLS_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: MTLS_BUDGET }] },
    note: "how many times slower writes are with mTLS; 1 is free",
  });
  return Object.fromEntries(
    sides.map((side) => [side.name, runs.get(side)!.map((r) => ({ counted: r.counted, managerCpuSeconds: round3(r.managerCpuS), quiet: r.quiet }))]),
  );
}

async function watchRounds(
  cleanup: Cleanup,
  rows: Row[],
  sides: Side[],
  options: { rounds: number; watchers: number; watcherProcesses?: number; watchChanges?: number; watchWarmUp?: number },
): Promise<Record<string, unknown>> {
  const changes = await Promise.all(sides.map((side) => toggler(side.client, "bench-watch-target")));
  const runs = new Map<Side, FanOut[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, side] of sides.entries()) {
      const run = await fanOut(cleanup, side.manager, side.client, changes[i]!, {
        watchers: options.watchers,
        processes: options.watcherProcesses ?? 2,
        changes: options.watchChanges ?? 30,
        warmUp: options.watchWarmUp ?? 3,
        tls: side.watcherTls,
      });
      runs.get(side)!.push(run);
    }
  }
  const label = `${options.watchers.toLocaleString("en-US")} watchers`;
  const pooled = (side: Side) => summarize(runs.get(side)!.flatMap((r) => r.times.latencies));
  for (const side of sides) {
    rows.push({
      name: `${label}, ${side.name}: change → watcher`,
      unit: "ms",
      summary: pooled(side),
      note: `${options.rounds} runs pooled; the last: ${fanOutNote(runs.get(side)!.at(-1)!)}`,
    });
    rows.push({ name: `${label}, ${side.name}: open, first change`, unit: "ms", value: Math.max(...runs.get(side)!.map((r) => r.setUpMs)) });
  }
  const [plain, secure] = sides as [Side, Side];
  rows.push({
    name: `${label}: mTLS p99 ÷ insecure p99`,
    unit: "×",
    value: pooled(secure).p99 / pooled(plain).p99,
    budget: { text: `≤ ${MTLS_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: MTLS_BUDGET }] },
    note: "how many times later the 99th-percentile watcher has a change with mTLS; 1 is free",
  });
  return Object.fromEntries(sides.map((side) => [side.name, runs.get(side)!.map(fanOutInfo)]));
}

/** Runs a phase; a failure says which managers are still running, and how the others ended. */
async function guarded<T>(sides: Side[], phase: () => Promise<T>): Promise<T> {
  try {
    return await phase();
  } catch (error) {
    let annotated = error;
    for (const side of sides) annotated = withManagerState(annotated, side.manager);
    throw annotated;
  }
}
