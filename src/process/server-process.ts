/**
 * One `cairn … start` server as a real child process: spawned from the
 * compiled tree (bin/cairn.js → dist/), its address read from its
 * `listening on ADDR` line, its pino log appended to a file, and stopped
 * with SIGTERM, then SIGKILL after a grace.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The `cairn` entry point; the same relative place from src/demo and dist/demo. */
export const CAIRN_BIN = fileURLToPath(new URL("../../bin/cairn.js", import.meta.url));
/** How long a clean stop (SIGTERM) may take before the process is killed. */
export const STOP_GRACE_MS = 3_000;
/** How much of the log a failure message quotes. */
const LOG_TAIL_BYTES = 2_000;

export type ServerKind = "registry-manager" | "agent" | "command-control";

export interface ServerSpec {
  kind: ServerKind;
  /** The host the server runs for (`--host`). */
  host: string;
  /** The arguments after `cairn`. */
  args: readonly string[];
  /** Where its stderr (the pino log) goes; appended to, so a restart keeps the earlier run. */
  logFile: string;
}

/**
 * A spawned server. It exists from the moment it is spawned, so that whoever
 * tracks it can kill it even while it has not listened yet; `listening`
 * resolves with its address.
 */
export class ServerProcess {
  readonly pid: number;
  /** Resolves once the process has exited, however it ended. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private boundAddress: string | undefined;

  private constructor(readonly spec: ServerSpec) {
    const log = openSync(spec.logFile, "a");
    try {
      this.child = spawn(process.execPath, [CAIRN_BIN, ...spec.args], { stdio: ["ignore", "pipe", log] });
    } finally {
      // The child holds its own descriptor.
      closeSync(log);
    }
    // Without a listener, a failed spawn's "error" event would crash the parent.
    this.child.on("error", () => {});
    if (this.child.pid === undefined) throw new Error(`could not start cairn ${spec.args.join(" ")}`);
    this.pid = this.child.pid;
    this.exited = new Promise((resolve) => {
      if (!this.running) resolve();
      this.child.once("exit", () => resolve());
      // A spawn that failed outright (no such executable) has no exit to wait for.
      this.child.once("error", () => resolve());
    });
  }

  static spawn(spec: ServerSpec): ServerProcess {
    return new ServerProcess(spec);
  }

  /** The bound address; empty until `listening` has resolved. */
  get address(): string {
    return this.boundAddress ?? "";
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits, at most `timeoutMs`, for the `listening on ADDR` line. */
  listening(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const what = `cairn ${this.spec.args.slice(0, 2).join(" ")} --host ${this.spec.host}`;
      const lines = createInterface({ input: this.child.stdout! });
      const done = () => {
        clearTimeout(timer);
        this.child.off("exit", onExit);
        lines.close();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new Error(`${what} ended (${signal ?? `exit code ${code}`}) before listening\n${this.logTail()}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} did not listen within ${timeoutMs} ms\n${this.logTail()}`));
      }, timeoutMs);
      lines.on("line", (line) => {
        const match = /^listening on (\S+)$/.exec(line);
        if (!match) return;
        done();
        this.boundAddress = match[1]!;
        // Nothing else is read from stdout; keep it flowing so the child never blocks on it.
        this.child.stdout!.resume();
        resolve(this.boundAddress);
      });
      this.child.once("exit", onExit);
    });
  }

  /** Sends `signal` (no-op once exited) and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM; SIGKILL if it is still running after `graceMs`. */
  async stop(graceMs = STOP_GRACE_MS): Promise<void> {
    if (!this.running) return;
    this.child.kill("SIGTERM");
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), graceMs)));
    const outcome = await Promise.race([this.exited, grace]);
    clearTimeout(timer);
    if (outcome === "late") await this.kill("SIGKILL");
  }

  /** SIGKILL without waiting: for a `process.on("exit")` hook, where nothing asynchronous runs. */
  killNow(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  /** The end of its log, for an error message. */
  logTail(): string {
    if (!existsSync(this.spec.logFile)) return "";
    const text = readFileSync(this.spec.logFile, "utf8");
    return text.length > LOG_TAIL_BYTES ? "…" + text.slice(-LOG_TAIL_BYTES) : text;
  }
}
