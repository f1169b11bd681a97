/**
 * The cost of metrics (SPEC 16: `/metrics` on and scraped every second at
 * most 5% off write throughput and fan-out), against REAL `cairn manager
 * start` processes up side by side: one without `--http`, one with it (its
 * /metrics fetched every second from the first round to the last, as
 * Prometheus would), and a control.
 *
 * The machine is shared and its speed drifts (the same manager's write
 * windows differ by 2× from one to the next when other sessions run tests),
 * so they are measured in alternation, the order rotated each round, with
 * the loads of bench/manager.ts; a third manager like the first, the
 * control, shows in the same run how far two managers alike differ.
 * Each round gives a ratio of two runs a few seconds apart: throughput as
 * with ÷ without (1 is free), fan-out as with p99 ÷ without p99; the budget
 * is checked on the median round, which a round that a neighbour's burst
 * hit does not move. The pooled ratio is noted beside it.
 */
import * as http from "node:http";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { TestRegistryClient } from "../test/support/manager.js";
import { checkBuild, Cleanup, startManagerProcess, withManagerState, type ManagerProcess } from "./lib/cairn-process.js";
import { report, summarize, type PartReport, type Row } from "./lib/stats.js";
import { fanOutInfo, fanOutNote, round3 } from "./manager.js";
import { fanOut, toggler, type FanOut } from "./manager-fan-out.js";
import { sum, writeLoad, type WriteLoad } from "./manager-write-load.js";

export interface MetricsBenchOptions {
  /** Alternations: each runs both managers, in turned order. */
  rounds?: number;
  writers?: number;
  writeWarmUpMs?: number;
  writeWindowMs?: number;
  watchers?: number;
  watcherProcesses?: number;
  watchChanges?: number;
  watchWarmUp?: number;
  scrapeIntervalMs?: number;
}

/** SPEC 16: at most 5% off. */
const THROUGHPUT_BUDGET = 0.95;
const FAN_OUT_BUDGET = 1.05;
const SCRAPE_INTERVAL_MS = 1_000;

interface Side {
  name: "without --http" | "control, without --http" | "--http, scraped";
  manager: ManagerProcess;
  client: TestRegistryClient;
}

export async function benchMetrics(options: MetricsBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const rounds = options.rounds ?? 10;
  const writers = options.writers ?? 64;
  const watchers = options.watchers ?? 1_000;
  const cleanup = new Cleanup();
  const rows: Row[] = [];
  const info: Record<string, unknown> = { rounds, cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  const nodeArgs = (process.env.CAIRN_BENCH_MANAGER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean);
  try {
    const plain = await startManagerProcess(cleanup, { nodeArgs });
    const control = await startManagerProcess(cleanup, { nodeArgs });
    const served = await startManagerProcess(cleanup, { nodeArgs, args: ["--http", "127.0.0.1:0"] });
    const sides: Side[] = [
      { name: "without --http", manager: plain, client: new TestRegistryClient(plain.address) },
      { name: "control, without --http", manager: control, client: new TestRegistryClient(control.address) },
      { name: "--http, scraped", manager: served, client: new TestRegistryClient(served.address) },
    ];
    for (const side of sides) cleanup.add(() => side.client.close());
    info.managers = Object.fromEntries(sides.map((s) => [s.name, s.manager.args.join(" ")]));
    const scraper = scrapeEvery(`${served.server.httpAddress}/metrics`, options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS);
    cleanup.add(() => void scraper.stop());

    info.writes = await guarded(sides, () => writeRounds(cleanup, rows, sides, { rounds, writers, ...options }));
    info.watch = await guarded(sides, () => watchRounds(cleanup, rows, sides, { rounds, watchers, ...options }));
    const scrapes = scraper.stop();
    if (scrapes.failures.length > 0) throw new Error(`${scrapes.failures.length} scrapes failed: ${scrapes.failures.slice(0, 3).join("; ")}`);
    const scrapeMs = summarize(scrapes.ms);
    rows.push({ name: "a scrape of /metrics (while loaded)", unit: "ms", summary: scrapeMs, note: `every ${(options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS) / 1000} s for the whole run; ${scrapes.bytes} bytes the last` });
    info.scrapes = { n: scrapes.ms.length, lastBytes: scrapes.bytes };
  } finally {
    const problems = await cleanup.run();
    if (problems.length > 0) console.error(`metrics bench clean-up: ${problems.join("; ")}`);
  }
  return report("metrics", "the cost of --http with /metrics scraped every second (SPEC 16: real managers, measured in alternation)", rows, info);
}

/** Round `round`'s order: rotated every round, so that no side always goes first or last. */
function ordered(sides: Side[], round: number): Side[] {
  const shift = round % sides.length;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}

/** Each round's `figure` of `side` ÷ the same of `base`. */
function roundRatios<R>(runs: Map<Side, R[]>, side: Side, base: Side, figure: (run: R) => number): number[] {
  return runs.get(side)!.map((run, round) => figure(run) / figure(runs.get(base)![round]!));
}

const listed = (ratios: number[]) => ratios.map((r) => r.toFixed(2)).join(", ");

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
    for (const side of ordered(sides, round)) {
      const before = (await side.client.call("GetStatus", {})).revision;
      const run = await writeLoad(cleanup, side.manager, { hosts, processes: 1, warmUpMs: options.writeWarmUpMs ?? 1_000, windowMs, client: "http2" });
      const after = (await side.client.call("GetStatus", {})).revision;
      if (run.unchanged > 0 || after - before !== run.acknowledged) {
        throw new Error(`${side.name}: ${run.acknowledged} writes acknowledged (${run.unchanged} unchanged) but the revision moved by ${after - before}`);
      }
      runs.get(side)!.push(run);
    }
  }
  const rate = (side: Side) => sum(runs.get(side)!.map((r) => r.counted)) / ((windowMs / 1000) * options.rounds);
  const cpuPerWriteUs = (side: Side) => (sum(runs.get(side)!.map((r) => r.managerCpuS)) / sum(runs.get(side)!.map((r) => r.counted))) * 1e6;
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
    rows.push({
      name: `${options.writers} writers, ${side.name}: manager CPU per write`,
      unit: "µs",
      value: cpuPerWriteUs(side),
      note: "the manager's CPU seconds in the windows ÷ the writes counted in them: what a shared machine's drift moves least",
    });
  }
  const [plain, control, served] = sides as [Side, Side, Side];
  const counted = (run: WriteLoad) => run.counted;
  const ratios = roundRatios(runs, served, plain, counted);
  const floor = roundRatios(runs, control, plain, counted);
  rows.push({
    name: `${options.writers} writers: control ÷ without throughput, by round`,
    unit: "×",
    summary: summarize(floor),
    note: `the noise floor: two managers alike, measured as the two below are; rounds ${listed(floor)}; pooled ${(rate(control) / rate(plain)).toFixed(3)}`,
  });
  rows.push({
    name: `${options.writers} writers: with ÷ without --http throughput, by round`,
    unit: "×",
    summary: summarize(ratios),
    budget: { text: `median ≥ ${THROUGHPUT_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atLeast: THROUGHPUT_BUDGET }] },
    note: `the share of the throughput kept with metrics on, 1 is free; rounds ${listed(ratios)}; pooled ${(rate(served) / rate(plain)).toFixed(3)}`,
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
  const changes = new Map(await Promise.all(sides.map(async (side) => [side, await toggler(side.client, "bench-watch-target")] as const)));
  const runs = new Map<Side, FanOut[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const side of ordered(sides, round)) {
      const run = await fanOut(cleanup, side.manager, side.client, changes.get(side)!, {
        watchers: options.watchers,
        processes: options.watcherProcesses ?? 2,
        changes: options.watchChanges ?? 30,
        warmUp: options.watchWarmUp ?? 3,
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
    const changes = options.watchChanges ?? 30;
    rows.push({
      name: `${label}, ${side.name}: manager CPU per change`,
      unit: "ms",
      value: (sum(runs.get(side)!.map((r) => r.managerCpuS)) / (changes * options.rounds)) * 1e3,
      note: `the manager's CPU while the timed changes went out, ÷ the changes (each to every watcher)`,
    });
  }
  const [plain, control, served] = sides as [Side, Side, Side];
  const p99 = (run: FanOut) => summarize(run.times.latencies).p99;
  const ratios = roundRatios(runs, served, plain, p99);
  const floor = roundRatios(runs, control, plain, p99);
  rows.push({
    name: `${label}: control ÷ without p99, by round`,
    unit: "×",
    summary: summarize(floor),
    note: `the noise floor: two managers alike; rounds ${listed(floor)}; pooled ${(pooled(control).p99 / pooled(plain).p99).toFixed(3)}`,
  });
  rows.push({
    name: `${label}: with ÷ without --http p99, by round`,
    unit: "×",
    summary: summarize(ratios),
    budget: { text: `median ≤ ${FAN_OUT_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: FAN_OUT_BUDGET }] },
    note:
      `how many times later the 99th-percentile watcher has a change with metrics on, 1 is free; ` +
      `rounds ${listed(ratios)}; pooled ${(pooled(served).p99 / pooled(plain).p99).toFixed(3)}`,
  });
  return Object.fromEntries(sides.map((side) => [side.name, runs.get(side)!.map(fanOutInfo)]));
}

/** GETs `url` every `intervalMs` (one at a time, as a Prometheus server does), timing each. */
function scrapeEvery(url: string, intervalMs: number): { stop(): { ms: number[]; bytes: number; failures: string[] } } {
  const ms: number[] = [];
  const failures: string[] = [];
  let bytes = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const once = () => {
    const t0 = performance.now();
    const request = http.get(url, (response) => {
      let size = 0;
      response.on("data", (chunk: Buffer) => (size += chunk.length));
      response.on("end", () => {
        if (response.statusCode === 200) {
          ms.push(performance.now() - t0);
          bytes = size;
        } else {
          failures.push(`status ${response.statusCode}`);
        }
        next();
      });
    });
    request.on("error", (error) => {
      if (!stopped) failures.push(error.message);
      next();
    });
  };
  const next = () => {
    if (!stopped) timer = setTimeout(once, intervalMs);
  };
  once();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
      return { ms, bytes, failures };
    },
  };
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
