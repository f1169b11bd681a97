/**
 * The parent side of bench/manager-watchers.ts: N watchers on their own
 * channels (and TCP connections) against one manager (or several servers,
 * of cairn or of a peer system: etcd, a bare grpc-js broadcast), in child
 * processes, and the time each of a series of changes, committed one at a
 * time, takes to reach every one of them, with where the CPU went meanwhile.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { WatchRequest } from "../src/generated/cairn/v1/WatchRequest.js";
import type { TlsFiles } from "../src/security/tls-files.js";
import type { TestRegistryClient } from "../test/support/manager.js";
import {
  awaitQuiet,
  establishedTo,
  machineCpuSeconds,
  procCpuSeconds,
  type Cleanup,
  type ManagerProcess,
  type Quiet,
} from "./lib/cairn-process.js";
import { FanOutTimes, nowNs } from "./lib/stats.js";
import { CHILD_EXEC_ARGV, QUIET_WAIT_MS, sleep, wallMs } from "./manager-write-load.js";
import type { FromWatchers, ToWatchers, WatchKind } from "./manager-watchers.js";

const WATCHERS_SCRIPT = fileURLToPath(new URL("./manager-watchers.ts", import.meta.url));

export interface FanOutOptions {
  watchers: number;
  /** Child processes the watchers are spread over. */
  processes: number;
  /** Changes timed, after `warmUp` untimed ones. */
  changes: number;
  warmUp: number;
  /** mTLS files of the watchers' identity; insecure without. */
  tls?: TlsFiles;
  /** Longest wait for a quiet machine before the timed changes (QUIET_WAIT_MS by default). */
  quietWaitMs?: number;
  /** Pause between two timed changes (5 ms by default). */
  pauseMs?: number;
}

/**
 * A server that watchers watch: where, what they ask it for, and its CPU
 * time. Its clients' connections are counted on its port.
 */
export interface FanOutServer {
  address: string;
  port: number;
  cpuSeconds(): number;
  /** A cairn Watch request (the others ignore it). */
  request: WatchRequest;
  /** A cairn manager's stream by default. */
  watch?: WatchKind;
}

export interface FanOut {
  times: FanOutTimes;
  processes: number;
  /** New established TCP connections to the manager: one per watcher, checked. */
  connections: number;
  /** Forking, opening every channel and the first change received by all. */
  setUpMs: number;
  /** CPU of the watched server(s). */
  managerCpuS: number;
  watcherProcessesCpuS: number;
  benchCpuS: number;
  othersCpuS: number;
  wallS: number;
  quiet: Quiet;
}

interface WatcherChild {
  child: ChildProcess;
  count: number;
  exited: Promise<void>;
}

/**
 * A mutation of the manager that changes something: a SetMaintenance toggle
 * of `target` (registered here), timed from its send to its acknowledgement.
 */
export async function toggler(client: TestRegistryClient, target: string) {
  await client.call("RegisterHost", { id: target, domain: "/", address: "127.0.0.1" });
  let maintenance = false;
  return async () => {
    maintenance = !maintenance;
    const sent = wallMs();
    const reply = await client.call("SetMaintenance", { id: target, maintenance });
    if (!reply.changed) throw new Error("a watched change changed nothing");
    return { sent, acked: wallMs(), revision: reply.revision };
  };
}

export type Change = Awaited<ReturnType<typeof toggler>>;

/** A manager's watchers, resumed from where it stands now. */
export async function watchedManager(manager: Pick<ManagerProcess, "address" | "port" | "cpuSeconds">, client: TestRegistryClient): Promise<FanOutServer> {
  const status = await client.call("GetStatus", {});
  return {
    address: manager.address,
    port: manager.port,
    cpuSeconds: () => manager.cpuSeconds(),
    request: { host: "bench-watcher", from_revision: status.revision, epoch: status.epoch, cluster_id: status.cluster_id },
  };
}

export async function fanOut(cleanup: Cleanup, manager: ManagerProcess, client: TestRegistryClient, change: Change, options: FanOutOptions): Promise<FanOut> {
  return fanOutTo(cleanup, [await watchedManager(manager, client)], change, options);
}

/**
 * `options.watchers` watchers spread evenly over `options.processes` child
 * processes, the processes over `servers` in turn (at least one each), and
 * `change` committed one at a time, each timed until every watcher has it.
 */
export async function fanOutTo(cleanup: Cleanup, servers: readonly FanOutServer[], change: Change, options: FanOutOptions): Promise<FanOut> {
  const { watchers } = options;
  const ports = [...new Set(servers.map((s) => s.port))];
  const baseline = ports.reduce((n, port) => n + establishedTo(port), 0);
  const processes = Math.max(servers.length, Math.min(options.processes, watchers));
  const received = new Map<number, { reports: number; times: number[] }>();
  const waiters = new Map<number, () => void>();
  const problems: string[] = [];
  const children: WatcherChild[] = [];
  const opened: Promise<void>[] = [];
  const t0 = nowNs();
  for (let p = 0; p < processes; p++) {
    const count = Math.floor(watchers / processes) + (p < watchers % processes ? 1 : 0);
    const child = fork(WATCHERS_SCRIPT, [], { execArgv: CHILD_EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    cleanup.child(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    children.push({ child, count, exited });
    opened.push(
      new Promise<void>((resolve, reject) => {
        child.once("exit", (code, signal) => reject(new Error(`watcher process exited (${code ?? signal}) before opening`)));
        child.on("message", (message: FromWatchers) => {
          if (message.type === "opened") resolve();
          else if (message.type === "unexpected") problems.push(message.message);
          else if (message.type === "got") {
            let entry = received.get(message.revision);
            if (!entry) received.set(message.revision, (entry = { reports: 0, times: [] }));
            entry.reports++;
            for (const t of message.times) entry.times.push(t);
            if (entry.reports === processes) waiters.get(message.revision)?.();
          }
        });
      }),
    );
    const server = servers[p % servers.length]!;
    const open: ToWatchers = { type: "open", address: server.address, count, request: server.request, tls: options.tls, watch: server.watch };
    child.send(open);
  }
  const closeChildren = async () => {
    for (const { child } of children) if (child.connected) child.send({ type: "close" } satisfies ToWatchers);
    const timer = setTimeout(() => children.forEach(({ child }) => child.kill("SIGKILL")), 10_000);
    await Promise.all(children.map((c) => c.exited));
    clearTimeout(timer);
  };
  cleanup.add(closeChildren);
  await Promise.all(opened);

  const everyone = (revision: number, timeoutMs: number) =>
    new Promise<{ reports: number; times: number[] }>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiters.delete(revision);
        resolve(received.get(revision)!);
      };
      const timer = setTimeout(() => {
        waiters.delete(revision);
        const got = received.get(revision);
        reject(
          new Error(
            `revision ${revision} reached ${got?.times.length ?? 0} of ${watchers} watchers (whole processes) within ${timeoutMs} ms` +
              (problems.length > 0 ? `; watcher problems: ${problems.slice(0, 5).join("; ")}` : ""),
          ),
        );
      }, timeoutMs);
      if (received.get(revision)?.reports === processes) done();
      else waiters.set(revision, done);
    });

  // Warm-up: the first change proves every watcher is live (each stream was joined and resumed).
  let setUpMs = 0;
  for (let i = 0; i < options.warmUp; i++) {
    const c = await change();
    await everyone(c.revision, 60_000);
    received.delete(c.revision);
    if (i === 0) setUpMs = Number(nowNs() - t0) / 1e6;
  }
  const connections = ports.reduce((n, port) => n + establishedTo(port), 0) - baseline;
  if (connections < watchers) {
    throw new Error(`${watchers} watchers but only ${connections} new established TCP connections to port(s) ${ports.join(", ")}`);
  }

  const quiet = await awaitQuiet(options.quietWaitMs ?? QUIET_WAIT_MS);
  const times = new FanOutTimes();
  const serversCpu = () => servers.reduce((sum, s) => sum + s.cpuSeconds(), 0);
  const cpu0 = serversCpu();
  const childCpu0 = children.map(({ child }) => procCpuSeconds(child.pid!));
  const bench0 = process.cpuUsage();
  const machine0 = machineCpuSeconds();
  const wall0 = wallMs();
  for (let i = 0; i < options.changes; i++) {
    const c = await change();
    const got = await everyone(c.revision, 30_000);
    received.delete(c.revision);
    times.add(c, got.times, watchers, "watchers");
    await sleep(options.pauseMs ?? 5);
  }
  const wallS = (wallMs() - wall0) / 1000;
  const managerCpuS = serversCpu() - cpu0;
  const watcherProcessesCpuS = children.reduce((sum, { child }, i) => sum + procCpuSeconds(child.pid!) - childCpu0[i]!, 0);
  const benchUsage = process.cpuUsage(bench0);
  const benchCpuS = (benchUsage.user + benchUsage.system) / 1e6;
  const othersCpuS = Math.max(0, machineCpuSeconds() - machine0 - managerCpuS - watcherProcessesCpuS - benchCpuS);
  if (problems.length > 0) throw new Error(`watcher problems: ${problems.slice(0, 5).join("; ")}`);
  await closeChildren();
  return { times, processes, connections, setUpMs, managerCpuS, watcherProcessesCpuS, benchCpuS, othersCpuS, wallS, quiet };
}
