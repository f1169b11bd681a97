/**
 * Real `cairn` processes for the benches: a registry manager started from
 * the compiled tree (bin/cairn.js → dist/) by the one launcher
 * (src/process/server-process.ts), its CPU time and memory from /proc, and
 * a clean-up stack that stops every process and removes every temp folder,
 * also when the bench fails or is interrupted.
 */
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ServerProcess, type ServerSpec } from "../../src/process/server-process.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * Throws when dist/ holds no build; returns a warning when a file in src/ is
 * newer than the build (the bench would measure older code than the tree
 * holds: `npm run bench` builds first, so this only happens when the part
 * runs alone or src/ changed since the build), undefined when it is fresh.
 */
export function checkBuild(): string | undefined {
  const built = join(REPO_ROOT, "dist", "cli", "main.js");
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` (\`npm run bench\` builds first)`);
  const builtAt = statSync(built).mtimeMs;
  const newest = newestMtime(join(REPO_ROOT, "src"));
  if (newest.mtimeMs <= builtAt) return undefined;
  return `dist/ is older than ${newest.path.slice(REPO_ROOT.length)}: the manager runs the code of the last \`npm run build\``;
}

function newestMtime(dir: string): { path: string; mtimeMs: number } {
  let best = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestMtime(path) : { path, mtimeMs: statSync(path).mtimeMs };
    if (candidate.mtimeMs > best.mtimeMs) best = candidate;
  }
  return best;
}

/**
 * Clean-up actions, run last-registered first. `run()` is idempotent; the
 * process-exit hook SIGKILLs whatever is still alive and removes the temp
 * folders synchronously, so an exception or Ctrl-C leaves nothing behind.
 */
export class Cleanup {
  private readonly actions: (() => Promise<void> | void)[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly servers = new Set<ServerProcess>();
  private readonly dirs = new Set<string>();
  private readonly onExit = () => this.killNow();
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.killNow();
    process.kill(process.pid, signal);
  };

  constructor() {
    process.on("exit", this.onExit);
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  add(action: () => Promise<void> | void): void {
    this.actions.push(action);
  }

  child(child: ChildProcess): void {
    this.children.add(child);
    child.once("exit", () => this.children.delete(child));
  }

  server(server: ServerProcess): void {
    this.servers.add(server);
    void server.exited.then(() => this.servers.delete(server));
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.add(dir);
    return dir;
  }

  async run(): Promise<string[]> {
    const problems: string[] = [];
    for (const action of this.actions.splice(0).reverse()) {
      try {
        await action();
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    this.killNow();
    process.off("exit", this.onExit);
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    return problems;
  }

  private killNow(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
    this.children.clear();
    for (const server of this.servers) server.killNow();
    this.servers.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

export interface ManagerProcessOptions {
  /** Node flags before bin/cairn.js, e.g. `--cpu-prof --cpu-prof-dir /tmp/prof`. */
  nodeArgs?: readonly string[];
  /** More `cairn manager start` options. */
  args?: readonly string[];
  /** Manager host id (default `framework-manager`). */
  host?: string;
  timeoutMs?: number;
}

export interface ManagerProcess {
  server: ServerProcess;
  pid: number;
  address: string;
  port: number;
  dataDir: string;
  /** Everything after `node`: its node flags, the script, its arguments. */
  args: readonly string[];
  /** The last 64 KiB of its stderr (its pino log), for failure messages. */
  stderr(): string;
  /** Status lines of /proc/<pid>/status in KiB: VmRSS, VmHWM. */
  memoryKiB(): { rss: number; hwm: number };
  /** User + system CPU seconds so far, from /proc/<pid>/stat. */
  cpuSeconds(): number;
  /** SIGTERM (a clean stop, so `--cpu-prof` writes its profile), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** "running", or how it exited and the end of its log: for failure messages. */
  state(): string;
}

/** `error` with the manager's state appended, unless it is still running normally. */
export function withManagerState(error: unknown, manager: ManagerProcess | undefined): unknown {
  if (!manager || !(error instanceof Error)) return error;
  error.message += `\n(manager pid ${manager.pid}: ${manager.state()})`;
  return error;
}

const STDERR_KEPT = 64 * 1024;
/** How long a bench server's SIGTERM may take (a `--cpu-prof` profile is written on the way out) before SIGKILL. */
const BENCH_STOP_GRACE_MS = 10_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** `node bin/cairn.js manager start --host … --data <tmp> --listen 127.0.0.1:0 --bootstrap …`, stopped by `cleanup`. */
export async function startManagerProcess(cleanup: Cleanup, options: ManagerProcessOptions = {}): Promise<ManagerProcess> {
  const dataDir = cleanup.tempDir("cairn-bench-manager-");
  const args = [
    "manager",
    "start",
    "--host",
    options.host ?? "framework-manager",
    "--data",
    dataDir,
    "--listen",
    "127.0.0.1:0",
    "--bootstrap",
    ...(options.args ?? []),
  ];
  const spec = { execArgv: options.nodeArgs, args, name: "the manager" };
  return { ...(await startServerProcess(cleanup, spec, options.timeoutMs)), dataDir };
}

/**
 * A server that prints `listening on ADDR` on stdout when it is ready
 * (`cairn …args` unless `spec.script` names another script), run from the
 * repository root with its stderr kept in memory; stopped by `cleanup`.
 */
export async function startServerProcess(
  cleanup: Cleanup,
  spec: Omit<ServerSpec, "logFile" | "keepStderrChars" | "cwd">,
  timeoutMs = 20_000,
): Promise<Omit<ManagerProcess, "dataDir">> {
  const server = ServerProcess.spawn({ ...spec, cwd: REPO_ROOT, keepStderrChars: STDERR_KEPT });
  cleanup.server(server);
  const stop = (graceMs = BENCH_STOP_GRACE_MS) => server.stop(graceMs);
  cleanup.add(() => stop());
  const address = await server.listening(timeoutMs);
  const pid = server.pid;
  return {
    server,
    pid,
    address,
    port: Number(address.slice(address.lastIndexOf(":") + 1)),
    args: server.argv,
    stderr: () => server.stderr(),
    memoryKiB: () => procMemoryKiB(pid),
    cpuSeconds: () => procCpuSeconds(pid),
    stop,
    state: () =>
      server.running ? "running" : `exited with ${server.exitCode ?? server.signalCode}; its log ends:\n${server.stderr().slice(-4_000)}`,
  };
}

export function procMemoryKiB(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

export function procCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces), from field 3 on: utime is field 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(rest[11]) + Number(rest[12])) / CLOCK_TICKS;
}

/** CPU seconds every process of the machine has used so far (all of /proc/stat's busy columns). */
export function machineCpuSeconds(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: everything but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS;
}

/**
 * Waits until the machine has been quiet (under `idleCores` of CPU busy,
 * counting every process, ours included) for one `sampleMs`, or `maxWaitMs`
 * has passed: on a shared machine another session's build or tests would
 * otherwise land in a timed window. Returns how long it waited and the last
 * sample, in cores.
 */
export async function awaitQuiet(maxWaitMs: number, idleCores = 0.1, sampleMs = 500): Promise<{ waitedMs: number; busyCores: number; quiet: boolean }> {
  const start = Date.now();
  for (;;) {
    const cpu0 = machineCpuSeconds();
    const t0 = Date.now();
    await new Promise((resolve) => setTimeout(resolve, sampleMs));
    const busyCores = (machineCpuSeconds() - cpu0) / ((Date.now() - t0) / 1000);
    const waitedMs = Date.now() - start;
    if (busyCores < idleCores) return { waitedMs, busyCores, quiet: true };
    if (waitedMs >= maxWaitMs) return { waitedMs, busyCores, quiet: false };
  }
}

/**
 * Established TCP connections whose local port is `port` (the server's ends
 * of its clients' connections), from /proc/net/tcp and tcp6.
 */
export function establishedTo(port: number): number {
  let count = 0;
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const localPort = parseInt(cols[1]!.split(":")[1]!, 16);
      if (localPort === port && cols[3] === "01") count++;
    }
  }
  return count;
}

/** How a figure's note says the machine was not quiet, or that the bench waited for it to be. */
export type Quiet = Awaited<ReturnType<typeof awaitQuiet>>;

export function quietNote(quiet: Quiet): string {
  if (!quiet.quiet) return ` (NOT QUIET: the machine was still ${quiet.busyCores.toFixed(2)} cores busy after ${(quiet.waitedMs / 1000).toFixed(0)} s)`;
  return quiet.waitedMs > 1_000 ? ` (waited ${(quiet.waitedMs / 1000).toFixed(0)} s for a quiet machine first)` : "";
}

/** CPU seconds over a window, as a share of one core. */
export function pct(cpuSeconds: number, windowMs: number): string {
  return `${Math.round((cpuSeconds * 100_000) / windowMs)}%`;
}
