/**
 * The parent side of bench/lib/loop-delay-probe.mjs, a preload that
 * measures a server's event-loop delay with perf_hooks.monitorEventLoopDelay.
 * The bench marks a window's start and end with SIGUSR2; at each mark the
 * probe writes what it measured since the last one to its file, and starts
 * afresh.
 */
import { existsSync, readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** The probe's timer: delays are measured to within this. */
export const LOOP_DELAY_RESOLUTION_MS = 5;

/** A window's figures, in ms, as monitorEventLoopDelay reports them (a delay includes the timer's own interval). */
export interface LoopDelay {
  /** 1 for the first mark, 2 for the second, … */
  seq: number;
  /** Wall-clock ms of the marks that opened and closed the window. */
  from: number;
  to: number;
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  meanMs: number;
  count: number;
  /** The longest gaps between two ticks of the probe's own timer in the window: when (wall-clock ms) and how long. */
  worst: { at: number; ms: number }[];
  /** The longest garbage-collection pauses in the window (wall-clock ms, how long, which kind), and all of them together. */
  gcWorst: { at: number; ms: number; kind: string }[];
  gcMs: number;
}

/** Node flags that load the probe, writing to `file`. */
export function loopDelayNodeArgs(file: string): string[] {
  const url = pathToFileURL(new URL("./loop-delay-probe.mjs", import.meta.url).pathname);
  url.searchParams.set("out", file);
  url.searchParams.set("resolution", String(LOOP_DELAY_RESOLUTION_MS));
  return ["--import", url.href];
}

/** Marks the end of a window (and the start of the next) in `pid`; resolves with the window's figures once written to `file`. */
export async function markLoopDelay(pid: number, file: string, seq: number, timeoutMs = 30_000): Promise<LoopDelay> {
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (existsSync(file)) {
      const figures = JSON.parse(readFileSync(file, "utf8")) as LoopDelay;
      if (figures.seq >= seq) return figures;
    }
    if (Date.now() > deadline) throw new Error(`the event-loop probe of pid ${pid} wrote no window ${seq} to ${file} within ${timeoutMs} ms (was it loaded?)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
