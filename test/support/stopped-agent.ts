import { expect } from "vitest";
import type { ServerProcess } from "../../src/process/server-process.js";
import type { Defer } from "./defer.js";
import { until } from "./until.js";

/**
 * SPEC 16's hang: `agent` SIGSTOPped, its host `host` down within
 * `downAfterMs` + 1 s by `statusOf`, then SIGCONT and up again. The agent
 * is continued at cleanup if the test fails before (a stopped process
 * would outlive its SIGKILL's wait).
 */
export async function expectDownWhileStopped(
  defer: Defer,
  agent: ServerProcess,
  statusOf: (host: string) => Promise<string | undefined>,
  host: string,
  downAfterMs: number,
): Promise<void> {
  const stoppedAt = Date.now();
  process.kill(agent.pid, "SIGSTOP");
  defer(() => {
    if (agent.running) process.kill(agent.pid, "SIGCONT");
  });
  await until(async () => (await statusOf(host)) === "LIVENESS_DOWN", `${host} down after SIGSTOP`, downAfterMs + 3_000, 25);
  expect(Date.now() - stoppedAt).toBeLessThanOrEqual(downAfterMs + 1_000);
  process.kill(agent.pid, "SIGCONT");
  await until(async () => (await statusOf(host)) === "LIVENESS_UP", `${host} up after SIGCONT`);
}
