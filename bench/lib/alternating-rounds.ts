/**
 * Real managers up side by side, measured in alternation: every round runs
 * the write load, then (in a second phase) the fan-out, against each side in
 * turn, in the order a bench chooses, with the loads of bench/manager.ts.
 * The shared machine's speed drifts over tens of seconds, so comparing sides
 * measured one after the other in the same round is what keeps the drift out
 * of their ratios. The shared rows (each side's throughput, latency and
 * change → watcher) are made here; a bench adds its own rows for each side
 * and the rows that compare the sides.
 */
import os from "node:os";
import type { TlsFiles } from "../../src/security/tls-files.js";
import type { TestRegistryClient } from "../../test/support/manager.js";
import { fanOutInfo, fanOutNote, round3 } from "../manager.js";
import { fanOut, toggler, type FanOut } from "../manager-fan-out.js";
import { sum, writeLoad, type WriteLoad } from "../manager-write-load.js";
import { checkBuild, Cleanup, withManagerState, type ManagerProcess } from "./cairn-process.js";
import { summarize, type Row, type Summary } from "./stats.js";

/** The loads of the two phases, and how many rounds. */
export interface AlternatingOptions {
  rounds?: number;
  writers?: number;
  writeWarmUpMs?: number;
  writeWindowMs?: number;
  watchers?: number;
  watcherProcesses?: number;
  watchChanges?: number;
  watchWarmUp?: number;
}

/** What a bench starts with: the build checked, the loads' defaults, somewhere for rows, info and clean-up. */
export function setUp(options: AlternatingOptions, defaultRounds: number) {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const rounds = options.rounds ?? defaultRounds;
  const info: Record<string, unknown> = { rounds, cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  return {
    rounds,
    writers: options.writers ?? 64,
    watchers: options.watchers ?? 1_000,
    cleanup: new Cleanup(),
    rows: [] as Row[],
    info,
    nodeArgs: (process.env.CAIRN_BENCH_MANAGER_NODE_ARGS ?? "").split(/\s+/).filter(Boolean),
  };
}

export interface Side {
  name: string;
  manager: ManagerProcess;
  client: TestRegistryClient;
  /** The writers' client certificate, for a side that wants one (mTLS). */
  writerTls?: TlsFiles;
  /** The watchers' client certificate, for a side that wants one (mTLS). */
  watcherTls?: TlsFiles;
}

/** Round `round`'s order of the sides. */
export type Order<S> = (sides: S[], round: number) => S[];

/** The same order every round, as listed. */
export function asListed<S>(sides: S[]): S[] {
  return sides;
}

/** Round `round`'s order: rotated every round, so that no side always goes first or last. */
export function rotated<S>(sides: S[], round: number): S[] {
  const shift = round % sides.length;
  return [...sides.slice(shift), ...sides.slice(0, shift)];
}

/** What a bench adds to the shared rows of a phase. */
export interface Shape<S, M> {
  order: Order<S>;
  /** A side's own rows, after the shared ones of that side. */
  sideRows?: (side: S, measured: M) => Row[];
  /** The rows that compare the sides, after every side's. */
  comparisons: (measured: M) => Row[];
}

export interface WriteRuns<S extends Side> {
  sides: S[];
  runs: Map<S, WriteLoad[]>;
  rounds: number;
  writers: number;
  windowMs: number;
  /** Durable mutations a second, pooled over every window of `side`. */
  rate(side: S): number;
}

export async function writeRounds<S extends Side>(
  cleanup: Cleanup,
  rows: Row[],
  sides: S[],
  options: { rounds: number; writers: number; writeWarmUpMs?: number; writeWindowMs?: number },
  shape: Shape<S, WriteRuns<S>>,
): Promise<Record<string, unknown>> {
  const windowMs = options.writeWindowMs ?? 3_000;
  const runs = new Map<S, WriteLoad[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < options.rounds; round++) {
    // Fresh hosts each round, registered with maintenance off: every toggle changes something.
    const hosts = Array.from({ length: options.writers }, (_, i) => `bench-writer-${round}-${String(i).padStart(3, "0")}`);
    for (const side of sides) for (const id of hosts) await side.client.call("RegisterHost", { id, domain: "/", address: "127.0.0.1" });
    for (const side of shape.order(sides, round)) {
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
  const rate = (side: S) => sum(runs.get(side)!.map((r) => r.counted)) / ((windowMs / 1000) * options.rounds);
  const measured: WriteRuns<S> = { sides, runs, rounds: options.rounds, writers: options.writers, windowMs, rate };
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
    if (shape.sideRows) rows.push(...shape.sideRows(side, measured));
  }
  rows.push(...shape.comparisons(measured));
  return Object.fromEntries(
    sides.map((side) => [side.name, runs.get(side)!.map((r) => ({ counted: r.counted, managerCpuSeconds: round3(r.managerCpuS), quiet: r.quiet }))]),
  );
}

export interface WatchRuns<S extends Side> {
  sides: S[];
  runs: Map<S, FanOut[]>;
  rounds: number;
  /** The timed changes of each run. */
  changes: number;
  /** "1,000 watchers", to begin a row's name. */
  label: string;
  /** Change → watcher latencies, pooled over every run of `side`. */
  pooled(side: S): Summary;
}

export async function watchRounds<S extends Side>(
  cleanup: Cleanup,
  rows: Row[],
  sides: S[],
  options: { rounds: number; watchers: number; watcherProcesses?: number; watchChanges?: number; watchWarmUp?: number },
  shape: Shape<S, WatchRuns<S>>,
): Promise<Record<string, unknown>> {
  const changes = new Map(await Promise.all(sides.map(async (side) => [side, await toggler(side.client, "bench-watch-target")] as const)));
  const runs = new Map<S, FanOut[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (const side of shape.order(sides, round)) {
      const run = await fanOut(cleanup, side.manager, side.client, changes.get(side)!, {
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
  const pooled = (side: S) => summarize(runs.get(side)!.flatMap((r) => r.times.latencies));
  const measured: WatchRuns<S> = { sides, runs, rounds: options.rounds, changes: options.watchChanges ?? 30, label, pooled };
  for (const side of sides) {
    rows.push({
      name: `${label}, ${side.name}: change → watcher`,
      unit: "ms",
      summary: pooled(side),
      note: `${options.rounds} runs pooled; the last: ${fanOutNote(runs.get(side)!.at(-1)!)}`,
    });
    if (shape.sideRows) rows.push(...shape.sideRows(side, measured));
  }
  rows.push(...shape.comparisons(measured));
  return Object.fromEntries(sides.map((side) => [side.name, runs.get(side)!.map(fanOutInfo)]));
}

/** Runs a phase; a failure says which managers are still running, and how the others ended. */
export async function guarded<T>(sides: Side[], phase: () => Promise<T>): Promise<T> {
  try {
    return await phase();
  } catch (error) {
    let annotated = error;
    for (const side of sides) annotated = withManagerState(annotated, side.manager);
    throw annotated;
  }
}
