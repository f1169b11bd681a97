/**
 * The manager bench (SPEC 5 and 10), against REAL `cairn manager start`
 * processes started from the compiled tree (`npm run bench` builds first):
 *
 * 1. durable mutations per second with 1 and 64 concurrent writers (budget:
 *    64 writers at least 5,000/s), and their write latency: each writer
 *    toggles SetMaintenance on its own host, so every write changes
 *    something and adds a revision (checked against the manager's revision
 *    afterwards); acknowledgements are counted over a fixed window after a
 *    warm-up. The writers run in a child process (bench/manager-writers.ts)
 *    with a lean HTTP/2 gRPC client, because on 2 cores a grpc-js client
 *    saturates its core near 5,000 calls/s and would cap the figure; the 64
 *    writers are also run with grpc-js clients, and against a bare grpc-js
 *    server (bench/grpc-echo-server.ts) as the reference of what loopback
 *    gRPC manages here;
 * 2. the time one change takes to reach 100 and 1,000 watchers, each on its
 *    own gRPC channel and TCP connection (counted in /proc/net/tcp), all
 *    watching from the head; changes are committed one at a time and timed
 *    from sending the mutation to each watcher's receipt (budget: 1,000
 *    watchers, p99 under 120 ms). The watchers live in child processes
 *    (bench/manager-watchers.ts) that stamp receipts with the same wall
 *    clock as the sender (performance.timeOrigin + performance.now());
 * 3. the import of 100,000 hosts (10,000 domains, depth 8) as YAML into an
 *    empty manager through the Registry Import stream: total time and the
 *    manager's resident memory (/proc/<pid>/status). No budget.
 *
 * Everything shares the machine's cores: every note says where the CPU went
 * during its window (the manager, the client processes, this process, and
 * the rest of the machine), and each timed window waits up to 10 s for the
 * machine to be quiet first (another session's build would land in it).
 * Every process is stopped and every temp folder removed at the end, also
 * on failure.
 *
 * Env knobs: CAIRN_BENCH_MANAGER_NODE_ARGS (node flags for every manager,
 * e.g. `--cpu-prof --cpu-prof-dir /tmp/prof`: one profile per manager,
 * written when it stops), CAIRN_BENCH_CHILD_NODE_ARGS (the same for the
 * writer and watcher processes), CAIRN_BENCH_WRITER_PROCS (default 1),
 * CAIRN_BENCH_WATCHER_PROCS (default 2).
 */
import os from "node:os";
import { fileURLToPath } from "node:url";
import type { MutationReply__Output } from "../src/generated/cairn/v1/MutationReply.js";
import { formatFixture } from "../src/fixture/format.js";
import { TestRegistryClient } from "../test/support/manager.js";
import {
  awaitQuiet,
  checkBuild,
  Cleanup,
  machineCpuSeconds,
  startManagerProcess,
  startServerProcess,
  withManagerState,
  type ManagerProcess,
  pct,
  quietNote,
  type Quiet,
} from "./lib/cairn-process.js";
import { describeRegistry, generateRegistry, SPEC_SIZE } from "./lib/generate.js";
import { nowNs, report, summarize, timeMs, type PartReport, type Row } from "./lib/stats.js";
import { fanOut, toggler, type FanOut } from "./manager-fan-out.js";
import { QUIET_WAIT_MS, sleep, writeLoad } from "./manager-write-load.js";
import type { WriterClient } from "./manager-writers.js";

export interface ManagerBenchOptions {
  seed?: number;
  /** Warm-up and counted window of each write phase. */
  writeWarmUpMs?: number;
  writeWindowMs?: number;
  writerCounts?: readonly number[];
  /** Child processes the writers are spread over. */
  writerProcesses?: number;
  watcherCounts?: readonly number[];
  /** Child processes the watchers are spread over. */
  watcherProcesses?: number;
  /** Changes timed per watcher count, after `watchWarmUp` untimed ones. */
  watchChanges?: number;
  watchWarmUp?: number;
  importHosts?: number;
}

const MB = 1024; // KiB per MiB, for /proc figures
const ECHO_SCRIPT = fileURLToPath(new URL("./grpc-echo-server.ts", import.meta.url));

export async function benchManager(options: ManagerBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const seed = options.seed ?? 20_251_122;
  const cleanup = new Cleanup();
  const nodeArgs = (process.env.CAIRN_BENCH_MANAGER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  const rows: Row[] = [];
  const info: Record<string, unknown> = { seed, cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  if (stale) info.staleBuild = stale;
  try {
    const writerCounts = options.writerCounts ?? [1, 64];
    if (writerCounts.length > 0) {
      info.writes = await writePhases(cleanup, rows, {
        warmUpMs: options.writeWarmUpMs ?? 1_000,
        windowMs: options.writeWindowMs ?? 3_000,
        writerCounts,
        processes: options.writerProcesses ?? Number(process.env.CAIRN_BENCH_WRITER_PROCS ?? 1),
        nodeArgs,
      });
    }
    const watcherCounts = options.watcherCounts ?? [100, 1_000];
    if (watcherCounts.length > 0) {
      info.watch = await watchPhases(cleanup, rows, {
        counts: watcherCounts,
        processes: options.watcherProcesses ?? Number(process.env.CAIRN_BENCH_WATCHER_PROCS ?? 2),
        changes: options.watchChanges ?? 30,
        warmUp: options.watchWarmUp ?? 3,
        nodeArgs,
      });
    }
    const importHosts = options.importHosts ?? SPEC_SIZE.hosts;
    if (importHosts > 0) info.import = await importPhase(cleanup, rows, { seed, hosts: importHosts, nodeArgs });
  } finally {
    const problems = await cleanup.run();
    if (problems.length > 0) console.error(`manager bench clean-up: ${problems.join("; ")}`);
  }
  return report("manager", "registry manager (SPEC 5, 10: a real `cairn manager start` process)", rows, info);
}

// ---------------------------------------------------------------- writes

async function writePhases(
  cleanup: Cleanup,
  rows: Row[],
  options: { warmUpMs: number; windowMs: number; writerCounts: readonly number[]; processes: number; nodeArgs: string[] },
): Promise<Record<string, unknown>> {
  const most = Math.max(...options.writerCounts);
  /** What runs: the writer counts with the lean client, then the most writers with grpc-js as clients. */
  const runs: { writers: number; client: WriterClient; hosts: string[] }[] = [
    ...options.writerCounts.map((writers) => ({ writers, client: "http2" as const, hosts: [] })),
    { writers: most, client: "grpc-js", hosts: [] },
  ];
  // Each run toggles its own hosts, registered with maintenance off: every write changes something.
  runs.forEach((run, r) => (run.hosts = Array.from({ length: run.writers }, (_, i) => `bench-writer-${r}-${String(i).padStart(3, "0")}`)));

  const manager = await startManagerProcess(cleanup, { nodeArgs: options.nodeArgs });
  const phases: Record<string, unknown> = await guarded(manager, async () => {
    const client = new TestRegistryClient(manager.address);
    cleanup.add(() => client.close());
    for (const run of runs) for (const id of run.hosts) await client.call("RegisterHost", { id, domain: "/", address: "127.0.0.1" });

    const phases: Record<string, unknown> = { manager: manager.args.join(" ") };
    for (const { writers, client: writerClient, hosts } of runs) {
      const before = (await client.call("GetStatus", {})).revision;
      const run = await writeLoad(cleanup, manager, { ...options, hosts, client: writerClient });
      const after = (await client.call("GetStatus", {})).revision;
      // Nothing else writes (no agents, registered hosts stay `unknown`): every acknowledged write is one revision.
      if (run.unchanged > 0) throw new Error(`${writers} writers: ${run.unchanged} writes changed nothing`);
      if (after - before !== run.acknowledged) {
        throw new Error(`${writers} writers: ${run.acknowledged} writes acknowledged but the revision moved by ${after - before}`);
      }
      const label = `${writers === 1 ? "1 writer" : `${writers} writers`}${writerClient === "grpc-js" ? ", grpc-js clients" : ""}`;
      const budgeted = writers === 64 && writerClient === "http2";
      rows.push({
        name: `${label}: durable mutations`,
        unit: "/s",
        value: run.counted / (options.windowMs / 1000),
        ...(budgeted ? { budget: { text: "≥ 5,000/s", checks: [{ metric: "p50" as const, atLeast: 5_000 }] } } : {}),
        note:
          `${run.counted} SetMaintenance toggles acknowledged in ${options.windowMs / 1000} s after ${options.warmUpMs / 1000} s of ` +
          `warm-up, each writer on its own host, the writers in ${run.processes} child process(es) with one connection each, ` +
          `${writerClient === "http2" ? "lean HTTP/2 gRPC client" : "grpc-js client (TestRegistryClient)"}; CPU during the window: ` +
          cpuNote(run, options.windowMs, "manager"),
      });
      rows.push({ name: `${label}: write latency`, unit: "ms", summary: summarize(run.latencyMs) });
      phases[label] = {
        acknowledged: run.acknowledged,
        counted: run.counted,
        revisions: after - before,
        processes: run.processes,
        client: writerClient,
        managerCpuSeconds: round3(run.managerCpuS),
        writerProcessesCpuSeconds: round3(run.writersCpuS),
        benchCpuSeconds: round3(run.benchCpuS),
        otherProcessesCpuSeconds: round3(run.othersCpuS),
        quiet: run.quiet,
      };
    }
    client.close();
    await manager.stop();
    return phases;
  });

  // The reference: the same lean client and loops against a bare grpc-js server, no registry work at all.
  const echo = await startServerProcess(cleanup, { execArgv: ["--import", "tsx"], script: ECHO_SCRIPT, args: [], name: "the echo server" });
  const ref = await writeLoad(cleanup, echo, { ...options, hosts: runs[runs.length - 1]!.hosts, client: "http2", echo: true });
  await echo.stop();
  rows.push({
    name: `reference: bare grpc-js server, ${most} callers`,
    unit: "/s",
    value: ref.counted / (options.windowMs / 1000),
    note:
      `the same ${most} loops and lean client calling a grpc-js server that answers the request's bytes ` +
      `(bench/grpc-echo-server.ts): what loopback gRPC manages here before any registry work; CPU: ${cpuNote(ref, options.windowMs, "server")}`,
  });
  rows.push({ name: `reference: bare grpc-js server latency`, unit: "ms", summary: summarize(ref.latencyMs) });
  phases.reference = { counted: ref.counted, serverCpuSeconds: round3(ref.managerCpuS), quiet: ref.quiet };
  return phases;
}

// ---------------------------------------------------------------- watchers

async function watchPhases(
  cleanup: Cleanup,
  rows: Row[],
  options: { counts: readonly number[]; processes: number; changes: number; warmUp: number; nodeArgs: string[] },
): Promise<Record<string, unknown>> {
  const manager = await startManagerProcess(cleanup, { nodeArgs: options.nodeArgs });
  return guarded(manager, async () => {
    const client = new TestRegistryClient(manager.address);
    cleanup.add(() => client.close());
    const change = await toggler(client, "bench-watch-target");
    const phases: Record<string, unknown> = { manager: manager.args.join(" "), processes: options.processes };
    for (const watchers of options.counts) {
      const run = await fanOut(cleanup, manager, client, change, { ...options, watchers });
      const label = `${fmtCount(watchers)} watchers`;
      rows.push({
        name: `${label}: open, first change`,
        unit: "ms",
        value: run.setUpMs,
        note: `set-up: ${run.processes} processes forked, ${watchers} channels opened, and the first change received by all`,
      });
      rows.push({
        name: `${label}: change → watcher`,
        unit: "ms",
        summary: summarize(run.times.latencies),
        ...(watchers === 1_000 ? { budget: { text: "p99 < 120 ms", checks: [{ metric: "p99" as const, below: 120 }] } } : {}),
        note: `${options.changes} changes one at a time (SetMaintenance toggles) × ${watchers} watchers, from sending the mutation to each watcher's receipt; ${fanOutNote(run)}`,
      });
      rows.push({ name: `${label}: change → last watcher`, unit: "ms", summary: summarize(run.times.last) });
      rows.push({ name: `${label}: change → first watcher`, unit: "ms", summary: summarize(run.times.first) });
      rows.push({ name: `${label}: mutation acknowledged`, unit: "ms", summary: summarize(run.times.acks) });
      phases[label] = fanOutInfo(run);
    }
    client.close();
    await manager.stop();
    return phases;
  });
}

/** Where a fan-out's CPU went, for a row's note. */
export function fanOutNote(run: FanOut): string {
  return (
    `${run.connections} separate TCP connections; watchers in ${run.processes} child processes; during the changes ` +
    `manager ${run.managerCpuS.toFixed(2)} CPU s, watcher processes ${run.watcherProcessesCpuS.toFixed(2)} CPU s, bench process ` +
    `${run.benchCpuS.toFixed(2)} CPU s, other processes ${run.othersCpuS.toFixed(2)} CPU s ` +
    `in ${run.wallS.toFixed(2)} s on ${os.cpus().length} cores${quietNote(run.quiet)}`
  );
}

export function fanOutInfo(run: FanOut): Record<string, unknown> {
  return {
    connections: run.connections,
    processes: run.processes,
    managerCpuSeconds: round3(run.managerCpuS),
    watcherProcessesCpuSeconds: round3(run.watcherProcessesCpuS),
    benchCpuSeconds: round3(run.benchCpuS),
    otherProcessesCpuSeconds: round3(run.othersCpuS),
    wallSeconds: round3(run.wallS),
    quiet: run.quiet,
  };
}

// ---------------------------------------------------------------- import

async function importPhase(
  cleanup: Cleanup,
  rows: Row[],
  options: { seed: number; hosts: number; nodeArgs: string[] },
): Promise<Record<string, unknown>> {
  const shape = { ...SPEC_SIZE, hosts: options.hosts, seed: options.seed };
  const generated = timeMs(() => generateRegistry(shape));
  const registry = generated.result;
  const formatted = timeMs(() => Buffer.from(formatFixture(registry, "yaml")));
  const yaml = formatted.result;
  rows.push({ name: "generate + format YAML", unit: "ms", value: generated.ms + formatted.ms, note: "set-up in the bench process, not timed below" });

  // --down-after 60m: the imported hosts are `up` with no agent behind them; with the default 3 s the
  // manager would start marking all of them down (one change each) while the memory is read.
  const manager = await startManagerProcess(cleanup, { nodeArgs: options.nodeArgs, args: ["--down-after", "60m"] });
  return guarded(manager, async () => {
    const client = new TestRegistryClient(manager.address);
    cleanup.add(() => client.close());
    const quiet = await awaitQuiet(QUIET_WAIT_MS);
    const before = manager.memoryKiB();
    const cpu0 = manager.cpuSeconds();
    const machine0 = machineCpuSeconds();
    const bench0 = process.cpuUsage();
    const t0 = nowNs();
    const reply = await importYaml(client, yaml, "bench-100k.yaml");
    const ms = Number(nowNs() - t0) / 1e6;
    const after = manager.memoryKiB();
    const cpuS = manager.cpuSeconds() - cpu0;
    const benchUsage = process.cpuUsage(bench0);
    const othersCpuS = Math.max(0, machineCpuSeconds() - machine0 - cpuS - (benchUsage.user + benchUsage.system) / 1e6);
    if (!reply.changed) throw new Error("the import changed nothing");

    const domains = await client.call("ListDomains", {});
    const hostCount = domains.domains.reduce((sum, d) => sum + d.host_count, 0);
    if (domains.domains.length !== registry.domains.size || hostCount !== registry.hosts.size + 1) {
      throw new Error(
        `after the import the manager holds ${domains.domains.length} domains and ${hostCount} hosts, ` +
          `expected ${registry.domains.size} and ${registry.hosts.size} + its own`,
      );
    }
    await sleep(1_000);
    const settled = manager.memoryKiB();

    rows.push({
      name: `import ${fmtCount(options.hosts)} hosts (YAML)`,
      unit: "s",
      value: ms / 1000,
      note:
        `${(yaml.length / 2 ** 20).toFixed(1)} MiB of YAML streamed in 1 MiB chunks into an empty manager, until the reply ` +
        `(revision ${reply.revision}); manager ${cpuS.toFixed(2)} CPU s, other processes ${othersCpuS.toFixed(2)} CPU s; ` +
        `the bench process only streams the chunks${quietNote(quiet)}`,
    });
    rows.push({ name: "manager RSS before import", unit: "MiB", value: before.rss / MB });
    rows.push({ name: "manager RSS after import", unit: "MiB", value: after.rss / MB, note: "VmRSS right after the reply" });
    rows.push({ name: "manager RSS 1 s later", unit: "MiB", value: settled.rss / MB });
    rows.push({ name: "manager peak RSS (VmHWM)", unit: "MiB", value: settled.hwm / MB, note: "the high-water mark since the manager started" });
    client.close();
    await manager.stop();
    return {
      manager: manager.args.join(" "),
      registry: describeRegistry(registry),
      yamlBytes: yaml.length,
      revision: reply.revision,
      managerCpuSeconds: round3(cpuS),
      otherProcessesCpuSeconds: round3(othersCpuS),
      quiet,
    };
  });
}

/** Streams `data` in 1 MiB chunks (as `cairn import` does), with backpressure; resolves with the reply. */
function importYaml(client: TestRegistryClient, data: Buffer, fileName: string): Promise<MutationReply__Output> {
  const chunk = 1024 * 1024;
  return new Promise((resolve, reject) => {
    let answered = false;
    let onAnswer = () => {};
    const answer = new Promise<void>((done) => (onAnswer = done));
    const call = client.raw.Import({ deadline: Date.now() + 120_000 }, (error, reply) => {
      answered = true;
      onAnswer();
      if (error) reject(error);
      else resolve(reply!);
    });
    void (async () => {
      for (let at = 0; !answered && (at === 0 || at < data.length); at += chunk) {
        const piece = data.subarray(at, at + chunk);
        if (!call.write(at === 0 ? { format: "yaml", file_name: fileName, data: piece } : { data: piece })) {
          // An early refusal must not leave the sender waiting for a drain.
          await Promise.race([new Promise((done) => call.once("drain", done)), answer]);
        }
      }
      if (!answered) call.end();
    })();
  });
}

// ---------------------------------------------------------------- helpers

/** Runs a phase; a failure says whether its manager is still running, and how it ended if not. */
async function guarded<T>(manager: ManagerProcess, phase: () => Promise<T>): Promise<T> {
  try {
    return await phase();
  } catch (error) {
    throw withManagerState(error, manager);
  }
}

/** Where the CPU went during a write window, in % of one core. */
function cpuNote(
  run: { managerCpuS: number; writersCpuS: number; benchCpuS: number; othersCpuS: number; quiet: Quiet },
  windowMs: number,
  server: string,
): string {
  return (
    `${server} ${pct(run.managerCpuS, windowMs)}, writer processes ${pct(run.writersCpuS, windowMs)}, bench process ` +
    `${pct(run.benchCpuS, windowMs)}, other processes ${pct(run.othersCpuS, windowMs)} of one core, ${os.cpus().length} cores` +
    quietNote(run.quiet)
  );
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}
