/**
 * The parent side of bench/manager-writers.ts: the writers' loops against
 * one server, spread over child processes, counted over a window after a
 * warm-up, with where the CPU went meanwhile.
 */
import { fork } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import type { TlsFiles } from "../src/security/tls-files.js";
import { awaitQuiet, machineCpuSeconds, type Cleanup, type ManagerProcess, type Quiet } from "./lib/cairn-process.js";
import type { FromWriters, RunWriters, WriterClient } from "./manager-writers.js";

const WRITERS_SCRIPT = fileURLToPath(new URL("./manager-writers.ts", import.meta.url));
/** Longest wait for a quiet machine before each timed window (see awaitQuiet). */
export const QUIET_WAIT_MS = 10_000;
/** Node flags of the writer and watcher processes; CAIRN_BENCH_CHILD_NODE_ARGS adds some (e.g. `--cpu-prof`). */
export const CHILD_EXEC_ARGV = ["--import", "tsx", ...(process.env.CAIRN_BENCH_CHILD_NODE_ARGS ?? "").split(/\s+/).filter(Boolean)];
export const wallMs = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface WriteLoadOptions {
  hosts: readonly string[];
  processes: number;
  warmUpMs: number;
  windowMs: number;
  client: WriterClient;
  /** Call bench/grpc-echo-server.ts instead of a manager. */
  echo?: boolean;
  /** mTLS files of the writers' identity (an admin's); insecure without. */
  tls?: TlsFiles;
}

export interface WriteLoad {
  latencyMs: number[];
  acknowledged: number;
  unchanged: number;
  counted: number;
  managerCpuS: number;
  writersCpuS: number;
  benchCpuS: number;
  /** CPU the rest of the machine used meanwhile (other sessions' tests, the kernel's own threads). */
  othersCpuS: number;
  processes: number;
  quiet: Quiet;
}

/**
 * The writers' loops, spread over `processes` child processes
 * (bench/manager-writers.ts), each with one channel: acknowledgements in a
 * window of `windowMs` after `warmUpMs` are counted.
 */
export async function writeLoad(
  cleanup: Cleanup,
  server: Pick<ManagerProcess, "address" | "cpuSeconds">,
  options: WriteLoadOptions,
): Promise<WriteLoad> {
  const { hosts, processes, warmUpMs, windowMs, client, echo = false, tls } = options;
  const shares = split(hosts, Math.max(1, Math.min(processes, hosts.length)));
  const children = shares.map(() => {
    const child = fork(WRITERS_SCRIPT, [], { execArgv: CHILD_EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    cleanup.child(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const next = (type: FromWriters["type"]) =>
      new Promise<FromWriters>((resolve, reject) => {
        const onMessage = (message: FromWriters) => {
          if (message.type !== type && message.type !== "failed") return;
          child.off("message", onMessage);
          if (message.type === "failed") reject(new Error(`a writer process failed: ${message.message}`));
          else resolve(message);
        };
        child.on("message", onMessage);
        child.once("exit", (code, signal) => reject(new Error(`a writer process exited (${code ?? signal}) before "${type}"`)));
      });
    const ready = next("ready");
    const done = next("done");
    // Awaited below; a failure before then must not count as an unhandled rejection.
    ready.catch(() => undefined);
    done.catch(() => undefined);
    return { child, exited, ready, done };
  });
  await Promise.all(children.map((c) => c.ready));
  const quiet = await awaitQuiet(QUIET_WAIT_MS);
  const windowStart = wallMs() + warmUpMs;
  const windowEnd = windowStart + windowMs;
  children.forEach(({ child }, i) =>
    child.send({ type: "run", address: server.address, hosts: shares[i]!, windowStart, windowEnd, echo, client, tls } satisfies RunWriters),
  );
  const measured = (async () => {
    await sleep(windowStart - wallMs());
    const cpu0 = server.cpuSeconds();
    const bench0 = process.cpuUsage();
    const machine0 = machineCpuSeconds();
    await sleep(windowEnd - wallMs());
    const machineCpuS = machineCpuSeconds() - machine0;
    const managerCpuS = server.cpuSeconds() - cpu0;
    const bench = process.cpuUsage(bench0);
    return { managerCpuS, machineCpuS, benchCpuS: (bench.user + bench.system) / 1e6 };
  })();
  const results = (await Promise.all(children.map((c) => c.done))) as Extract<FromWriters, { type: "done" }>[];
  const { managerCpuS, machineCpuS, benchCpuS } = await measured;
  const writersCpuS = sum(results.map((r) => r.cpuSeconds));
  await Promise.all(children.map((c) => c.exited));
  return {
    latencyMs: results.flatMap((r) => r.latencyMs),
    acknowledged: sum(results.map((r) => r.acknowledged)),
    unchanged: sum(results.map((r) => r.unchanged)),
    counted: sum(results.map((r) => r.counted)),
    managerCpuS,
    writersCpuS,
    benchCpuS,
    othersCpuS: Math.max(0, machineCpuS - managerCpuS - writersCpuS - benchCpuS),
    processes: children.length,
    quiet,
  };
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** `items` in `parts` contiguous slices of (nearly) equal size. */
export function split<T>(items: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  for (let p = 0, at = 0; p < parts; p++) {
    const size = Math.floor(items.length / parts) + (p < items.length % parts ? 1 : 0);
    out.push(items.slice(at, at + size));
    at += size;
  }
  return out;
}
