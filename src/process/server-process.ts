/**
 * One server as a real child process, the one launcher of the demo, the
 * tests and the benches: `node [execArgv] SCRIPT …args` (SCRIPT is
 * bin/cairn.js → dist/ unless told otherwise), its address read from its
 * `listening on ADDR` line (and its `--http` URL from the `http on URL`
 * line before it), its stderr (the pino log) appended to a file or
 * kept in memory, and stopped with SIGTERM, then SIGKILL after a grace.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The `cairn` entry point; the same relative place from src/process and dist/process. */
export const CAIRN_BIN = fileURLToPath(new URL("../../bin/cairn.js", import.meta.url));
/** How long a clean stop (SIGTERM) may take before the process is killed. */
export const STOP_GRACE_MS = 3_000;
/** How much of a log file a failure message quotes (the file may hold earlier runs too). */
const LOG_TAIL_CHARS = 2_000;

export interface ServerSpec {
  /** The arguments after the script: for bin/cairn.js, e.g. `manager start --host …`. */
  args: readonly string[];
  /** The script node runs; bin/cairn.js by default. */
  script?: string;
  /** Node flags before the script, e.g. `--import tsx` (a TypeScript script) or `--cpu-prof`. */
  execArgv?: readonly string[];
  /** Its working folder; this process's by default. */
  cwd?: string;
  /** Its environment; this process's by default. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where its stderr (the pino log) goes: appended to this file, so a
   * restart keeps the earlier run. Without it, stderr is kept in memory.
   */
  logFile?: string;
  /** With stderr kept in memory: how much of its end is kept (all of it by default). */
  keepStderrChars?: number;
  /** How error messages name it; `cairn …args` (or `node …argv` for another script) by default. */
  name?: string;
}

/**
 * A spawned server. It exists from the moment it is spawned, so that whoever
 * tracks it can kill it even while it has not listened yet; `listening`
 * resolves with its address.
 */
export class ServerProcess {
  readonly pid: number;
  /** Everything after `node`: [...execArgv, script, ...args]. */
  readonly argv: readonly string[];
  /** What error messages call it. */
  readonly name: string;
  /** Resolves once the process has exited, however it ended. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private boundAddress: string | undefined;
  private httpUrl: string | undefined;
  /** Its stderr so far, when it is kept in memory: at most twice `keepStderrChars`, trimmed to it when it grows past. */
  private stderrText = "";

  private constructor(readonly spec: ServerSpec) {
    const script = spec.script ?? CAIRN_BIN;
    this.argv = [...(spec.execArgv ?? []), script, ...spec.args];
    this.name = spec.name ?? (script === CAIRN_BIN ? `cairn ${spec.args.join(" ")}` : `node ${this.argv.join(" ")}`);
    const options = { cwd: spec.cwd, env: spec.env };
    if (spec.logFile !== undefined) {
      const log = openSync(spec.logFile, "a");
      try {
        this.child = spawn(process.execPath, this.argv, { ...options, stdio: ["ignore", "pipe", log] });
      } finally {
        // The child holds its own descriptor.
        closeSync(log);
      }
    } else {
      this.child = spawn(process.execPath, this.argv, { ...options, stdio: ["ignore", "pipe", "pipe"] });
      const keep = spec.keepStderrChars ?? Number.POSITIVE_INFINITY;
      this.child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
        this.stderrText += chunk;
        if (this.stderrText.length > 2 * keep) this.stderrText = this.stderrText.slice(-keep);
      });
    }
    // Without a listener, a failed spawn's "error" event would crash the parent.
    this.child.on("error", () => {});
    if (this.child.pid === undefined) throw new Error(`could not start ${this.name}`);
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

  /** Its `--http` URL (`http://HOST:PORT`, `https://…`), from the `http on URL` line; empty without one, or until `listening` has resolved. */
  get httpAddress(): string {
    return this.httpUrl ?? "";
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Its exit code once it has exited by itself; null while running or when a signal ended it. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** The signal that ended it; null while running or when it exited by itself. */
  get signalCode(): NodeJS.Signals | null {
    return this.child.signalCode;
  }

  /** Waits, at most `timeoutMs`, for the `listening on ADDR` line. */
  listening(timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: this.child.stdout! });
      const done = () => {
        clearTimeout(timer);
        this.child.off("exit", onExit);
        lines.close();
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        done();
        reject(new Error(`${this.name} ended (${signal ?? `exit code ${code}`}) before listening\n${this.logTail()}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not listen within ${timeoutMs} ms\n${this.logTail()}`));
      }, timeoutMs);
      lines.on("line", (line) => {
        const http = /^http on (\S+)$/.exec(line);
        if (http) this.httpUrl = http[1]!;
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

  /** Sends `signal` without waiting for anything (SIGSTOP, SIGCONT); a no-op once exited. */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
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

  /** Everything of its stderr there is: the log file's content, or what is kept in memory. */
  stderr(): string {
    if (this.spec.logFile === undefined) return this.stderrText.slice(-(this.spec.keepStderrChars ?? Number.POSITIVE_INFINITY));
    return existsSync(this.spec.logFile) ? readFileSync(this.spec.logFile, "utf8") : "";
  }

  /** The end of its log, for an error message: a log file's last 2,000 characters, or all the stderr kept in memory. */
  logTail(): string {
    const text = this.stderr();
    if (this.spec.logFile === undefined) return text;
    return text.length > LOG_TAIL_CHARS ? "…" + text.slice(-LOG_TAIL_CHARS) : text;
  }
}
