import { ServerProcess } from "../../src/process/server-process.js";
import type { Defer } from "./defer.js";

export interface CairnProcess {
  /** The process, for what the shorthands below leave out (pid, exit code, …). */
  server: ServerProcess;
  /** The address from its `listening on ADDR` line. */
  address: string;
  /** Its `--http` URL, from the `http on URL` line; empty without --http. */
  http: string;
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
  const server = ServerProcess.spawn({ args });
  defer(() => server.kill());
  const address = await server.listening(timeoutMs);
  return {
    server,
    address,
    http: server.httpAddress,
    stderr: () => server.stderr(),
    kill: () => server.kill(),
    async stop() {
      // No SIGKILL after a grace: a test that sends SIGTERM is checking the clean stop itself.
      await server.kill("SIGTERM");
      return server.exitCode;
    },
  };
}
