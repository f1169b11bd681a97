/**
 * Pulses relayed by a backup (--relay-heartbeats, SPEC 16), with real
 * processes: the primary names the relay in its answer to the agent's whole
 * heartbeat, the agent pulses there, and the host stays up on the relay's
 * reports alone. A SIGSTOPped agent is down within --down-after + 1 s all
 * the same; a SIGSTOPped relay costs no host its liveness: its agent goes to
 * the primary when a pulse goes unanswered, and the primary gives the
 * relay's hosts their --down-after again once it falls silent.
 */
import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import { FAST_LIVENESS } from "../support/fleet.js";
import { Managers, status } from "../support/managers.js";
import { startCairn } from "../support/process.js";
import { expectDownWhileStopped } from "../support/stopped-agent.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const DOWN_AFTER_MS = Number.parseInt(FAST_LIVENESS[1]!, 10);

describe("pulses relayed by a backup, with real processes", () => {
  it("keeps a host up on the relay's reports; a stopped agent is down as soon as without one; a stopped relay downs nobody", async () => {
    const managers = new Managers(defer, tempDir);
    const m1 = await managers.start("m1");
    const m2 = await managers.start("m2", { join: m1, flags: ["--relay-heartbeats"] });
    await until(async () => (await status(m1)).backups.some((b) => b.host === "m2" && b.connected), "m2 following");
    const statusOf = async (host: string) => (await m1.client.call("GetHost", { id: host })).host?.status;
    const agent = await startCairn(defer, ["agent", "start", "--host", "a1", "--data", tempDir(), "--manager", m1.address, "--heartbeat-interval", "300ms"]);
    const log = () => agent.stderr();
    await until(() => log().includes(`pulses go to relay m2 at ${m2.address}`), () => `a1 pulsing relay m2; its log:\n${log()}`);
    await until(async () => (await statusOf("a1").catch(() => undefined)) === "LIVENESS_UP", "a1 up");

    // Three times --down-after on the relay's word alone: its session with the primary is closed.
    await stillUp(statusOf, "a1", DOWN_AFTER_MS * 3);
    expect(log()).not.toContain("did not take the pulse");

    await expectDownWhileStopped(defer, agent.server, statusOf, "a1", DOWN_AFTER_MS);

    // The relay hangs: a1 is never down for it, and moves to the primary.
    process.kill(m2.process.server.pid, "SIGSTOP");
    defer(() => {
      if (m2.process.server.running) process.kill(m2.process.server.pid, "SIGCONT");
    });
    await stillUp(statusOf, "a1", DOWN_AFTER_MS * 3);
    expect(log()).toContain(`relay ${m2.address} did not take the pulse`);
    expect(m1.process.stderr()).toContain("relay m2 fell silent");
    process.kill(m2.process.server.pid, "SIGCONT");

    const killedAt = Date.now();
    await agent.kill();
    await until(async () => (await statusOf("a1")) === "LIVENESS_DOWN", "a1 down after SIGKILL", DOWN_AFTER_MS + 3_000, 25);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(DOWN_AFTER_MS + 1_000);
  });
});

/** Fails if `host` is seen anything but up, looking every 25 ms for `ms`. */
async function stillUp(statusOf: (host: string) => Promise<string | undefined>, host: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    expect(await statusOf(host), `${host} up`).toBe("LIVENESS_UP");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
