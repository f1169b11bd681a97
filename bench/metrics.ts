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
import { performance } from "node:perf_hooks";
import { TestRegistryClient } from "../test/support/manager.js";
import { guarded, rotated, setUp, watchRounds, writeRounds, type AlternatingOptions, type Side, type WatchRuns, type WriteRuns } from "./lib/alternating-rounds.js";
import { startManagerProcess } from "./lib/cairn-process.js";
import { report, summarize, type PartReport, type Row } from "./lib/stats.js";
import type { FanOut } from "./manager-fan-out.js";
import { sum, type WriteLoad } from "./manager-write-load.js";

export interface MetricsBenchOptions extends AlternatingOptions {
  /** Alternations: each runs both managers, in turned order. */
  rounds?: number;
  scrapeIntervalMs?: number;
}

/** SPEC 16: at most 5% off. */
const THROUGHPUT_BUDGET = 0.95;
const FAN_OUT_BUDGET = 1.05;
const SCRAPE_INTERVAL_MS = 1_000;

interface MetricsSide extends Side {
  name: "without --http" | "control, without --http" | "--http, scraped";
}

export async function benchMetrics(options: MetricsBenchOptions = {}): Promise<PartReport> {
  const { rounds, writers, watchers, cleanup, rows, info, nodeArgs } = setUp(options, 10);
  try {
    const plain = await startManagerProcess(cleanup, { nodeArgs });
    const control = await startManagerProcess(cleanup, { nodeArgs });
    const served = await startManagerProcess(cleanup, { nodeArgs, args: ["--http", "127.0.0.1:0"] });
    const sides: MetricsSide[] = [
      { name: "without --http", manager: plain, client: new TestRegistryClient(plain.address) },
      { name: "control, without --http", manager: control, client: new TestRegistryClient(control.address) },
      { name: "--http, scraped", manager: served, client: new TestRegistryClient(served.address) },
    ];
    for (const side of sides) cleanup.add(() => side.client.close());
    info.managers = Object.fromEntries(sides.map((s) => [s.name, s.manager.args.join(" ")]));
    const scraper = scrapeEvery(`${served.server.httpAddress}/metrics`, options.scrapeIntervalMs ?? SCRAPE_INTERVAL_MS);
    cleanup.add(() => void scraper.stop());

    info.writes = await guarded(sides, () =>
      writeRounds(cleanup, rows, sides, { rounds, writers, ...options }, { order: rotated, sideRows: cpuPerWriteRow, comparisons: writeComparisons }),
    );
    info.watch = await guarded(sides, () =>
      watchRounds(cleanup, rows, sides, { rounds, watchers, ...options }, { order: rotated, sideRows: cpuPerChangeRow, comparisons: watchComparisons }),
    );
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

/** Each round's `figure` of `side` ÷ the same of `base`. */
function roundRatios<R>(runs: Map<MetricsSide, R[]>, side: MetricsSide, base: MetricsSide, figure: (run: R) => number): number[] {
  return runs.get(side)!.map((run, round) => figure(run) / figure(runs.get(base)![round]!));
}

const listed = (ratios: number[]) => ratios.map((r) => r.toFixed(2)).join(", ");

function cpuPerWriteRow(side: MetricsSide, { runs, writers }: WriteRuns<MetricsSide>): Row[] {
  const cpuPerWriteUs = (sum(runs.get(side)!.map((r) => r.managerCpuS)) / sum(runs.get(side)!.map((r) => r.counted))) * 1e6;
  return [
    {
      name: `${writers} writers, ${side.name}: manager CPU per write`,
      unit: "µs",
      value: cpuPerWriteUs,
      note: "the manager's CPU seconds in the windows ÷ the writes counted in them: what a shared machine's drift moves least",
    },
  ];
}

function writeComparisons({ sides, runs, writers, rate }: WriteRuns<MetricsSide>): Row[] {
  const [plain, control, served] = sides as [MetricsSide, MetricsSide, MetricsSide];
  const counted = (run: WriteLoad) => run.counted;
  const ratios = roundRatios(runs, served, plain, counted);
  const floor = roundRatios(runs, control, plain, counted);
  return [
    {
      name: `${writers} writers: control ÷ without throughput, by round`,
      unit: "×",
      summary: summarize(floor),
      note: `the noise floor: two managers alike, measured as the two below are; rounds ${listed(floor)}; pooled ${(rate(control) / rate(plain)).toFixed(3)}`,
    },
    {
      name: `${writers} writers: with ÷ without --http throughput, by round`,
      unit: "×",
      summary: summarize(ratios),
      budget: { text: `median ≥ ${THROUGHPUT_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atLeast: THROUGHPUT_BUDGET }] },
      note: `the share of the throughput kept with metrics on, 1 is free; rounds ${listed(ratios)}; pooled ${(rate(served) / rate(plain)).toFixed(3)}`,
    },
  ];
}

function cpuPerChangeRow(side: MetricsSide, { runs, rounds, changes, label }: WatchRuns<MetricsSide>): Row[] {
  return [
    {
      name: `${label}, ${side.name}: manager CPU per change`,
      unit: "ms",
      value: (sum(runs.get(side)!.map((r) => r.managerCpuS)) / (changes * rounds)) * 1e3,
      note: `the manager's CPU while the timed changes went out, ÷ the changes (each to every watcher)`,
    },
  ];
}

function watchComparisons({ sides, runs, label, pooled }: WatchRuns<MetricsSide>): Row[] {
  const [plain, control, served] = sides as [MetricsSide, MetricsSide, MetricsSide];
  const p99 = (run: FanOut) => summarize(run.times.latencies).p99;
  const ratios = roundRatios(runs, served, plain, p99);
  const floor = roundRatios(runs, control, plain, p99);
  return [
    {
      name: `${label}: control ÷ without p99, by round`,
      unit: "×",
      summary: summarize(floor),
      note: `the noise floor: two managers alike; rounds ${listed(floor)}; pooled ${(pooled(control).p99 / pooled(plain).p99).toFixed(3)}`,
    },
    {
      name: `${label}: with ÷ without --http p99, by round`,
      unit: "×",
      summary: summarize(ratios),
      budget: { text: `median ≤ ${FAN_OUT_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: FAN_OUT_BUDGET }] },
      note:
        `how many times later the 99th-percentile watcher has a change with metrics on, 1 is free; ` +
        `rounds ${listed(ratios)}; pooled ${(pooled(served).p99 / pooled(plain).p99).toFixed(3)}`,
    },
  ];
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
