/**
 * The process's own metrics, under the names of prom-client's default
 * metrics (so that Node dashboards read them), on a registry of their own
 * made once per process and added to every server's /metrics: they describe
 * the process, not a server, and a process may run several servers (the
 * tests, the benches).
 *
 * Not collectDefaultMetrics itself: profiled under the 1,000-watcher bench,
 * its scrape took about 4 ms of the manager's event loop (process.memoryUsage
 * walking the heap, the open descriptors read from /proc/self/fd, the active
 * handles listed one per socket), a stall every watcher of a change in flight
 * waits out. These are read in microseconds.
 */
import { getHeapStatistics } from "node:v8";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Gauge, Registry } from "prom-client";
import { scrapedCounter, scrapedGauge } from "./scraped.js";

/** How finely the event loop's delay is sampled, in ms (prom-client's default too). */
const EVENT_LOOP_RESOLUTION_MS = 10;

let processRegistry: Registry | undefined;

/** The process's registry, made on first use. */
export function processMetrics(): Registry {
  processRegistry ??= makeProcessRegistry();
  return processRegistry;
}

function makeProcessRegistry(): Registry {
  const registry = new Registry();
  const registers = [registry];
  const cpu = (name: string, help: string, seconds: (usage: NodeJS.CpuUsage) => number) => scrapedCounter(registry, name, help, () => seconds(process.cpuUsage()));
  cpu("process_cpu_user_seconds_total", "User CPU time spent in seconds.", (u) => u.user / 1e6);
  cpu("process_cpu_system_seconds_total", "System CPU time spent in seconds.", (u) => u.system / 1e6);
  cpu("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", (u) => (u.user + u.system) / 1e6);
  const startedAt = Math.round(Date.now() / 1000 - process.uptime());
  scrapedGauge(registry, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.", () => startedAt);
  // memoryUsage.rss() alone: memoryUsage() also walks the heap.
  scrapedGauge(registry, "process_resident_memory_bytes", "Resident memory size in bytes.", () => process.memoryUsage.rss());
  scrapedGauge(registry, "nodejs_heap_size_total_bytes", "Process heap size from Node.js in bytes.", () => getHeapStatistics().total_heap_size);
  scrapedGauge(registry, "nodejs_heap_size_used_bytes", "Process heap size used from Node.js in bytes.", () => getHeapStatistics().used_heap_size);
  const delay = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
  delay.enable();
  scrapedGauge(registry, "nodejs_eventloop_lag_p99_seconds", "The 99th percentile of the recorded event loop delays, since the start.", () => delay.percentile(99) / 1e9);
  scrapedGauge(registry, "nodejs_eventloop_lag_max_seconds", "The maximum recorded event loop delay, since the start.", () => delay.max / 1e9);
  new Gauge({
    name: "nodejs_version_info",
    help: "Node.js version info.",
    labelNames: ["version"] as const,
    registers,
  }).set({ version: process.version }, 1);
  return registry;
}
