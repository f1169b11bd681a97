import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { CAIRN_BIN } from "./cli.js";
import type { Defer } from "./defer.js";

export interface CairnProcess {
  child: ChildProcess;
  /** The address from its `listening on ADDR` line. */
  address: string;
  /** Everything it wrote on stderr so far (its pino log), for failure messages. */
  stderr(): string;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** SIGTERM, then wait for the exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts `cairn …args` (a server command) as a real process and waits, with
 * a deadline, for its `listening on ADDR` line. Killed by `defer` if the
 * test has not stopped it.
 */
export async function startCairn(defer: Defer, args: readonly string[], timeoutMs = 15_000): Promise<CairnProcess> {
  const child = spawn(process.execPath, [CAIRN_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  defer(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exited;
    }
  });

  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cairn ${args.join(" ")} did not listen within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const match = /^listening on (\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`cairn ${args.join(" ")} exited with ${code} before listening\n${stderr}`));
    });
  });

  return {
    child,
    address,
    stderr: () => stderr,
    async kill() {
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
