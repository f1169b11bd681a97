/**
 * Replication.Session (SPEC 16): an agent's heartbeats on one stream, in a
 * running manager on a fake clock. The first message is a whole heartbeat,
 * answered with the pulse interval; pulses keep the host up and are not
 * answered; a session that goes silent with its stream still open (a
 * SIGSTOPped or cut-off agent) is down after --down-after all the same.
 */
import { describe, expect, it } from "vitest";
import { Code } from "../../src/errors.js";
import { pulseIntervalMs } from "../../src/registry-manager/liveness.js";
import type { RegistryManager } from "../../src/registry-manager/manager.js";
import { useDefer } from "../support/defer.js";
import { openSession } from "../support/heartbeat-session.js";
import { FakeClock } from "../support/fake-clock.js";
import { startManager } from "../support/manager.js";
import { until } from "../support/until.js";

const defer = useDefer();
const DOWN_AFTER = 3_000;
const INTERVAL = 1_000;

function livenessOf(manager: RegistryManager, host: string) {
  return manager.agents().find((a) => a.host === host);
}

describe("pulseIntervalMs", () => {
  it("is as long as --down-after allows with a second or a third to spare, and never shorter than the heartbeat interval", () => {
    expect(pulseIntervalMs(1_000, 3_000)).toBe(2_000);
    expect(pulseIntervalMs(300, 1_500)).toBe(500);
    expect(pulseIntervalMs(1_000, 10_000)).toBe(6_667);
    expect(pulseIntervalMs(500, 1_000)).toBe(500);
  });
});

describe("a heartbeat session in a running manager", () => {
  it("answers the whole heartbeat with the pulse interval; pulses keep the host up unanswered; silence with the stream open is down after --down-after; a pulse brings it up", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER, heartbeatIntervalMs: INTERVAL });
    const session = openSession(defer, manager.address);
    session.send({ host: "a", domain: "/", address: "10.0.0.1", revision: 1 });
    await until(() => session.replies.length === 1, "the first reply");
    const first = session.replies[0]!;
    expect(first).toMatchObject({ recorded: true, interval_ms: pulseIntervalMs(INTERVAL, DOWN_AFTER), down_after_ms: DOWN_AFTER, epoch: manager.store.epoch });
    await until(() => livenessOf(manager, "a")?.liveness === "up", "host a up");

    // Pulses at the interval given, each seen by its revision; none is answered.
    for (let revision = 2; revision <= 4; revision++) {
      clock.advance(first.interval_ms);
      session.send({ host: "a", revision, pulse: true });
      await until(() => livenessOf(manager, "a")?.revision === revision, `pulse ${revision} recorded`);
      expect(livenessOf(manager, "a")?.liveness).toBe("up");
    }
    expect(session.replies).toHaveLength(1);
    expect(session.ended()).toBeUndefined();

    // The stream stays open and nothing comes: down once --down-after has passed since the last pulse.
    clock.advance(DOWN_AFTER - 100);
    expect(livenessOf(manager, "a")?.liveness).toBe("up");
    clock.advance(600);
    await until(() => livenessOf(manager, "a")?.liveness === "down", "host a down");

    session.send({ host: "a", revision: 5, pulse: true });
    await until(() => livenessOf(manager, "a")?.liveness === "up", "host a up again by a pulse");
    // A whole heartbeat in the session is answered again, and its package health recorded like a call's.
    session.send({ host: "a", domain: "/", address: "10.0.0.1", revision: 6, watching: "m9" });
    await until(() => session.replies.length === 2, "the second reply");
    expect(livenessOf(manager, "a")).toMatchObject({ revision: 6, watching: "m9" });
  });

  it("ends a session that starts with a pulse, or pulses for another host, with INVALID_ARGUMENT naming why", async () => {
    const manager = await startManager(defer, { downAfterMs: DOWN_AFTER });
    const early = openSession(defer, manager.address);
    early.send({ host: "a", revision: 1, pulse: true });
    const refused = await until(() => early.ended(), "the session refused");
    expect(refused).toEqual({ code: Code.INVALID_ARGUMENT, details: "a session starts with a whole heartbeat, not a pulse" });

    const other = openSession(defer, manager.address);
    other.send({ host: "a", domain: "/", revision: 1 });
    await until(() => other.replies.length === 1, "the first reply");
    other.send({ host: "b", revision: 2, pulse: true });
    const wrongHost = await until(() => other.ended(), "the session refused");
    expect(wrongHost.code).toBe(Code.INVALID_ARGUMENT);
    expect(wrongHost.details).toContain('a pulse for host "b" in the session of "a"');
    expect(livenessOf(manager, "b")).toBeUndefined();
  });
});
