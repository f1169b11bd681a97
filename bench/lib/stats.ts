/**
 * Summaries of timing samples and the report every bench part prints: one
 * JSON document on a line of its own (starting with `{`), then the same
 * figures as an aligned table, with SPEC 10's budget and whether it was met.
 */
import os from "node:os";
import { performance, PerformanceObserver } from "node:perf_hooks";

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export type Metric = keyof Omit<Summary, "n">;

/**
 * Nearest-rank percentiles, in the samples' own unit divided by `scale`
 * (e.g. nanosecond samples with scale 1e3 give microseconds).
 */
export function summarize(samples: ArrayLike<number>, scale = 1): Summary {
  const n = samples.length;
  if (n === 0) return { n: 0, mean: NaN, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]!;
  return { n, mean: sum / n / scale, p50: at(50) / scale, p99: at(99) / scale, max: sorted[n - 1]! / scale };
}

/**
 * A budget: every check must hold, in the row's unit: the value of `metric`
 * (or the row's single `value`) strictly below `below`, at most `atMost`
 * and at least `atLeast`.
 */
export interface Budget {
  text: string;
  checks: { metric: Metric; below?: number; atMost?: number; atLeast?: number }[];
}

export interface Row {
  /** What was measured. */
  name: string;
  /** Unit of every number in the row, e.g. `µs`, `ms`, `MB`. */
  unit: string;
  /** A distribution (per-call timings)… */
  summary?: Summary;
  /** …or one figure (a build time, a heap size). */
  value?: number;
  budget?: Budget;
  /** Garbage collections that happened while the row was measured (their pauses are in the figures). */
  gc?: GcStats;
  note?: string;
}

export interface ReportedRow extends Row {
  /** Present when the row has a budget. */
  ok?: boolean;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  v8: string;
  platform: string;
  release: string;
  arch: string;
}

export interface PartReport {
  bench: string;
  title: string;
  machine: Machine;
  /** ISO time the report was made. */
  at: string;
  rows: ReportedRow[];
  /** True when every budgeted row met its budget. */
  ok: boolean;
  /** Anything else the part wants on record (registry shape, sanity checks…). */
  info?: Record<string, unknown>;
}

export function machineInfo(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 2),
    node: process.version,
    v8: process.versions.v8,
    platform: os.platform(),
    release: os.release(),
    arch: os.arch(),
  };
}

export function machineLine(m: Machine = machineInfo()): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, node ${m.node} (V8 ${m.v8}), ${m.platform} ${m.release} ${m.arch}`;
}

export function budgetMet(row: Row): boolean | undefined {
  if (!row.budget) return undefined;
  return row.budget.checks.every(({ metric, below, atMost, atLeast }) => {
    const v = row.summary ? row.summary[metric] : row.value;
    return (
      v !== undefined &&
      !Number.isNaN(v) &&
      (below === undefined || v < below) &&
      (atMost === undefined || v <= atMost) &&
      (atLeast === undefined || v >= atLeast)
    );
  });
}

/** Prints the part's JSON line and its table; returns the JSON document. */
export function report(bench: string, title: string, rows: readonly Row[], info?: Record<string, unknown>): PartReport {
  const reported: ReportedRow[] = rows.map((row) => {
    const ok = budgetMet(row);
    return ok === undefined ? { ...row } : { ...row, ok };
  });
  const doc: PartReport = {
    bench,
    title,
    machine: machineInfo(),
    at: new Date().toISOString(),
    rows: reported.map(roundRow),
    ok: reported.every((r) => r.ok !== false),
    ...(info ? { info } : {}),
  };
  console.log(JSON.stringify(doc));
  console.log(formatTable(title, doc));
  return doc;
}

export function formatTable(title: string, doc: PartReport): string {
  const header = ["what", "n", "p50", "p99", "max", "mean", "unit", "budget", "ok", "gc: n, max pause"];
  const lines: string[][] = doc.rows.map((r) => {
    const s = r.summary;
    return [
      r.name,
      s ? String(s.n) : "",
      s ? fmt(s.p50) : fmt(r.value),
      s ? fmt(s.p99) : "",
      s ? fmt(s.max) : "",
      s ? fmt(s.mean) : "",
      r.unit,
      r.budget?.text ?? "",
      r.ok === undefined ? "" : r.ok ? "yes" : "NO",
      r.gc ? `${r.gc.count}, ${fmt(r.gc.maxMs)} ms` : "",
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const numeric = new Set([1, 2, 3, 4, 5]);
  const render = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [
    `== ${title} ==`,
    `machine: ${machineLine(doc.machine)}`,
    render(header),
    render(widths.map((w) => "-".repeat(w))),
    ...lines.map(render),
  ];
  const notes = doc.rows.filter((r) => r.note);
  if (notes.length > 0) {
    out.push("notes:");
    for (const r of notes) out.push(`  ${r.name}: ${r.note}`);
  }
  out.push(`budgets: ${doc.ok ? "all met" : "MISSED: " + doc.rows.filter((r) => r.ok === false).map((r) => r.name).join(", ")}`);
  return out.join("\n");
}

/** A figure with 3 significant digits (at least), no exponent. */
export function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "";
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function roundRow<T extends Row>(row: T): T {
  const r4 = (v: number) => Number(v.toPrecision(4));
  return {
    ...row,
    ...(row.summary
      ? {
          summary: {
            n: row.summary.n,
            mean: r4(row.summary.mean),
            p50: r4(row.summary.p50),
            p99: r4(row.summary.p99),
            max: r4(row.summary.max),
          },
        }
      : {}),
    ...(row.value !== undefined ? { value: r4(row.value) } : {}),
  };
}

/** Nanoseconds since an arbitrary origin, as a number (exact below 2^53 ns ≈ 104 days). */
export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

/** Runs `fn` and returns its result and the elapsed milliseconds. */
export function timeMs<T>(fn: () => T): { result: T; ms: number } {
  const t0 = process.hrtime.bigint();
  const result = fn();
  return { result, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** Forces a full collection when node runs with --expose-gc; false otherwise. */
export function fullGc(): boolean {
  if (typeof globalThis.gc !== "function") return false;
  globalThis.gc();
  globalThis.gc();
  return true;
}

export interface GcStats {
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Records garbage collections (perf_hooks "gc" entries), so that a phase's
 * worst figures can be told apart from GC pauses that landed in them.
 */
export class GcWatch {
  private readonly entries: { start: number; end: number }[] = [];
  private readonly observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) this.entries.push({ start: e.startTime, end: e.startTime + e.duration });
  });

  constructor() {
    this.observer.observe({ entryTypes: ["gc"] });
  }

  now(): number {
    return performance.now();
  }

  /** The collections that started between `from` and `to` (performance.now() times). */
  async between(from: number, to: number): Promise<GcStats> {
    // Entries are delivered asynchronously: let them arrive.
    await new Promise((resolve) => setTimeout(resolve, 20));
    let count = 0;
    let totalMs = 0;
    let maxMs = 0;
    for (const e of this.entries) {
      if (e.start < from || e.start > to) continue;
      count++;
      totalMs += e.end - e.start;
      maxMs = Math.max(maxMs, e.end - e.start);
    }
    return { count, totalMs: Number(totalMs.toFixed(2)), maxMs: Number(maxMs.toFixed(2)) };
  }

  stop(): void {
    this.observer.disconnect();
  }
}

/**
 * The receipts of changes sent one at a time to many receivers (watchers,
 * agents): every latency, and per change the first, the last and the
 * writer's acknowledgement, all from the send (the same wall clock).
 */
export class FanOutTimes {
  readonly latencies: number[] = [];
  readonly first: number[] = [];
  readonly last: number[] = [];
  readonly acks: number[] = [];

  /** Adds one change's receipts (wall-clock ms) and returns its last one's latency. */
  add(change: { revision: number; sent: number; acked: number }, receipts: readonly number[], receivers: number, what: string): number {
    if (receipts.length !== receivers) throw new Error(`revision ${change.revision}: ${receipts.length} receipts for ${receivers} ${what}`);
    let lo = Infinity;
    let hi = -Infinity;
    for (const at of receipts) {
      const ms = at - change.sent;
      if (!(ms > 0)) throw new Error(`revision ${change.revision}: a receipt ${ms} ms after the send (clocks disagree?)`);
      this.latencies.push(ms);
      lo = Math.min(lo, ms);
      hi = Math.max(hi, ms);
    }
    this.first.push(lo);
    this.last.push(hi);
    this.acks.push(change.acked - change.sent);
    return hi;
  }
}
