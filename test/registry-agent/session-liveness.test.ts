/**
 * Liveness through heartbeat sessions (SPEC 16), with real processes: an
 * agent's host is down within --down-after + 1 s of its agent being
 * SIGSTOPped (its session stays open and goes silent) or SIGKILLed (its
 * session ends), and up again once a stopped agent resumes.
 */
import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import { FAST_LIVENESS } from "../support/fleet.js";
import { Managers } from "../support/managers.js";
import { startCairn } from "../support/process.js";
import { expectDownWhileStopped } from "../support/stopped-agent.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const DOWN_AFTER_MS = Number.parseInt(FAST_LIVENESS[1]!, 10);

describe("liveness through heartbeat sessions, with real processes", () => {
  it("marks a SIGSTOPped agent's host down within --down-after + 1 s, up again after SIGCONT, and a SIGKILLed one's down as soon", async () => {
    const managers = new Managers(defer, tempDir);
    const m1 = await managers.start("m1");
    const statusOf = async (host: string) => (await m1.client.call("GetHost", { id: host })).host?.status;
    const agent = await startCairn(defer, ["agent", "start", "--host", "a1", "--data", tempDir(), "--manager", m1.address, "--heartbeat-interval", "300ms"]);
    await until(async () => (await statusOf("a1").catch(() => undefined)) === "LIVENESS_UP", "a1 up");

    await expectDownWhileStopped(defer, agent.server, statusOf, "a1", DOWN_AFTER_MS);

    const killedAt = Date.now();
    await agent.kill();
    await until(async () => (await statusOf("a1")) === "LIVENESS_DOWN", "a1 down after SIGKILL", DOWN_AFTER_MS + 3_000, 25);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(DOWN_AFTER_MS + 1_000);
  });
});
