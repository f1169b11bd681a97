/**
 * A preload for a server under the scale bench (bench/lib/loop-delay.ts
 * starts it and reads it): perf_hooks.monitorEventLoopDelay, plus a timer of
 * its own that notes the longest gaps and when they were, and the longest
 * garbage-collection pauses (a gap that holds one was the collector's, not
 * the server's code); at every SIGUSR2
 * the figures since the last one are written (atomically) to a file, and
 * both start afresh. Loaded as `--import <this file's URL>?out=FILE&resolution=MS`.
 *
 * Plain JavaScript with no imports but node's: the server runs from dist/
 * without tsx, and its worker threads inherit its --import (they are left
 * alone: the probe measures the main thread, which serves every call).
 * Nothing else of the server is touched.
 */
import { renameSync, writeFileSync } from "node:fs";
import { constants, monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";

const KEPT_GAPS = 5;

if (isMainThread) {
  const params = new URL(import.meta.url).searchParams;
  const out = params.get("out");
  const resolution = Number(params.get("resolution") ?? 5);
  if (!out) throw new Error("loop-delay-probe: no ?out=FILE in its URL");
  const wallMs = () => performance.timeOrigin + performance.now();

  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  let seq = 0;
  let from = wallMs();
  /** @type {{ at: number; ms: number }[]} */
  let worst = [];
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    const gap = now - last;
    last = now;
    if (worst.length < KEPT_GAPS || gap > worst[worst.length - 1].ms) {
      worst.push({ at: performance.timeOrigin + now - gap, ms: gap });
      worst.sort((a, b) => b.ms - a.ms);
      if (worst.length > KEPT_GAPS) worst.length = KEPT_GAPS;
    }
  }, resolution).unref();

  /** @type {{ at: number; ms: number; kind: string }[]} */
  let gcWorst = [];
  let gcMs = 0;
  const GC_KINDS = { [constants.NODE_PERFORMANCE_GC_MAJOR]: "major", [constants.NODE_PERFORMANCE_GC_MINOR]: "minor", [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: "incremental", [constants.NODE_PERFORMANCE_GC_WEAKCB]: "weak callbacks" };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      if (gcWorst.length < KEPT_GAPS || entry.duration > gcWorst[gcWorst.length - 1].ms) {
        gcWorst.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind: GC_KINDS[entry.detail?.kind] ?? String(entry.detail?.kind) });
        gcWorst.sort((a, b) => b.ms - a.ms);
        if (gcWorst.length > KEPT_GAPS) gcWorst.length = KEPT_GAPS;
      }
    }
  }).observe({ entryTypes: ["gc"] });

  process.on("SIGUSR2", () => {
    const to = wallMs();
    /** @param {number} ns */
    const ms = (ns) => ns / 1e6;
    const figures = {
      seq: ++seq,
      from,
      to,
      maxMs: ms(histogram.max),
      p99Ms: ms(histogram.percentile(99)),
      p50Ms: ms(histogram.percentile(50)),
      meanMs: ms(histogram.mean),
      count: histogram.count,
      worst,
      gcWorst,
      gcMs,
    };
    writeFileSync(`${out}.tmp`, JSON.stringify(figures));
    renameSync(`${out}.tmp`, out);
    histogram.reset();
    worst = [];
    gcWorst = [];
    gcMs = 0;
    from = to;
  });
}
