/**
 * A primary and its relays (SPEC 16), in a running manager on a fake clock:
 * a relay that reports is named to the hosts whose registry route reaches
 * it; its pulses count as heard when they came, for hosts that sent a whole
 * heartbeat this reign naming it (the others are named back, to send one);
 * a host heard through it is judged only once it reported past the host's
 * time, and one marked down meanwhile is marked up by its next pulse (held
 * down while it flaps); and a relay that falls silent is named no more, its
 * hosts given their --down-after again.
 */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { RelayReply__Output } from "../../src/generated/cairn/v1/RelayReply.js";
import type { RelayReport } from "../../src/generated/cairn/v1/RelayReport.js";
import { RELAY_SILENT_MS } from "../../src/registry-manager/defaults.js";
import type { RegistryManager } from "../../src/registry-manager/manager.js";
import type { ManagerOptions } from "../../src/registry-manager/manager-options.js";
import { v1 } from "../../src/wire/proto-loader.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";
import { openSession } from "../support/heartbeat-session.js";
import { heartbeatClient, startManager } from "../support/manager.js";
import { until } from "../support/until.js";

const defer = useDefer();
const DOWN_AFTER = 3_000;
const RELAY_ADDRESS = "127.0.0.1:7001";

function relayClient(address: string) {
  const client = new v1.Replication(address, grpc.credentials.createInsecure());
  defer(() => client.close());
  return (report: RelayReport) =>
    new Promise<RelayReply__Output>((resolve, reject) => client.Relay(report, { deadline: Date.now() + 5_000 }, (error, reply) => (error ? reject(error) : resolve(reply!))));
}

const livenessOf = (manager: RegistryManager, host: string) => manager.agents().find((a) => a.host === host);

async function primaryWithRelay(options: Partial<ManagerOptions> = {}) {
  const clock = new FakeClock();
  const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER, heartbeatIntervalMs: 1_000, ...options });
  // The relay is a registry manager of the registry, as a backup makes itself by its own heartbeats.
  await heartbeatClient(defer, manager.address)({ host: "m2", domain: "/", address: "127.0.0.1", registry_package: { type: "registry", port: 7001, role: "MANAGER_ROLE_BACKUP" } });
  const report = relayClient(manager.address);
  const session = openSession(defer, manager.address);
  session.send({ host: "a", domain: "/", address: "10.0.0.1", revision: 1 });
  await until(() => session.replies.length === 1, "the first reply");
  await until(() => livenessOf(manager, "a")?.liveness === "up", "host a up");
  /** The relay reports, and a's next whole heartbeat is answered naming it: from then its pulses count. */
  const named = async () => {
    await report({ host: "m2", pulses: [] });
    const seen = session.replies.length;
    session.send({ host: "a", domain: "/", address: "10.0.0.1", revision: 2 });
    await until(() => session.replies.length === seen + 1, "the reply naming the relay");
    expect(session.replies.at(-1)).toMatchObject({ recorded: true, relay_host: "m2", relay_address: RELAY_ADDRESS });
  };
  return { clock, manager, report, session, named };
}

describe("relay reports on a primary", () => {
  it("names a relay that reports, counts its pulses when they came, and names back the hosts it holds no whole heartbeat of", async () => {
    const { clock, manager, report, session } = await primaryWithRelay();
    // No relay has reported yet: the agent pulses the primary.
    expect(session.replies[0]).toMatchObject({ relay_host: "", relay_address: "" });

    const first = await report({ host: "m2", pulses: [] });
    expect(first).toMatchObject({ recorded: true, whole: [] });
    session.send({ host: "a", domain: "/", address: "10.0.0.1", revision: 2 });
    await until(() => session.replies.length === 2, "the second reply");
    expect(session.replies[1]).toMatchObject({ recorded: true, relay_host: "m2", relay_address: RELAY_ADDRESS });

    // The relay reports on (a relay silent for RELAY_SILENT_MS is forgotten).
    clock.advance(1_000);
    await report({ host: "m2", pulses: [] });
    clock.advance(1_000);
    const reply = await report({
      host: "m2",
      pulses: [
        { host: "a", age_ms: 100, revision: 7 },
        { host: "stranger", age_ms: 0, revision: 1 },
      ],
    });
    expect(reply.whole).toEqual(["stranger"]);
    // Heard 100 ms before the report, not at it: its silence is counted from when its pulse came.
    expect(livenessOf(manager, "a")).toMatchObject({ revision: 7, lastHeartbeatAgeMs: 100 });
  });

  it("judges a host heard through a relay only once the relay reported past its time, and gives it --down-after again when the relay falls silent", async () => {
    const { clock, manager, report, named } = await primaryWithRelay();
    await named();
    await report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 3 }] });
    // The relay reports on, without a's pulses, but not yet past a's --down-after.
    for (let t = 1_000; t < DOWN_AFTER; t += 1_000) {
      clock.advance(1_000);
      await report({ host: "m2", pulses: [] });
    }
    clock.advance(1_100);
    // Past its --down-after, but the relay has not reported since: its pulse may be in the next report.
    expect(manager.liveness()!.isOverdue("a", clock.now())).toBe(false);
    await report({ host: "m2", pulses: [] });
    expect(manager.liveness()!.isOverdue("a", clock.now())).toBe(true);
    clock.advance(500);
    await until(() => livenessOf(manager, "a")?.liveness === "down", "host a down at the sweep after the relay's report");

    // Another host whose relay goes silent instead: from then, a whole --down-after of its own.
    const second = await primaryWithRelay();
    await second.named();
    await second.report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 3 }] });
    second.clock.advance(RELAY_SILENT_MS + 600);
    const silentFrom = second.clock.now();
    await until(() => second.manager.liveness()!.relayCount === 0, "the silent relay forgotten");
    expect(second.manager.liveness()!.lastHeartbeat("a")!.at).toBeGreaterThanOrEqual(silentFrom - 600);
    second.clock.advance(DOWN_AFTER - 1_000);
    expect(livenessOf(second.manager, "a")?.liveness).toBe("up");
    // Back from its pause within that time, the relay still speaks for a: its agent need not come to the primary.
    const back = await second.report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 4 }] });
    expect(back.whole).toEqual([]);
    expect(livenessOf(second.manager, "a")).toMatchObject({ liveness: "up", lastHeartbeatAgeMs: 0 });
    // Then silent for good: down a --down-after after its last pulse.
    second.clock.advance(RELAY_SILENT_MS + 600);
    await until(() => second.manager.liveness()!.relayCount === 0, "the silent relay forgotten again");
    second.clock.advance(DOWN_AFTER - 1_000);
    expect(livenessOf(second.manager, "a")?.liveness).toBe("up");
    second.clock.advance(1_000);
    await until(() => livenessOf(second.manager, "a")?.liveness === "down", "host a down a --down-after after its relay fell silent");
  });

  it("judges a host told to pulse a relay by that relay's reports from then, before its first pulse comes through it", async () => {
    const { clock, manager, report, named } = await primaryWithRelay();
    await named();
    // Its first pulse is on its way (the relay's next report): the reports before its time ran out say nothing.
    for (let t = 1_000; t < DOWN_AFTER; t += 1_000) {
      clock.advance(1_000);
      await report({ host: "m2", pulses: [] });
    }
    clock.advance(1_100);
    expect(manager.liveness()!.isOverdue("a", clock.now())).toBe(false);
    await report({ host: "m2", pulses: [{ host: "a", age_ms: 200, revision: 2 }] });
    expect(livenessOf(manager, "a")).toMatchObject({ liveness: "up", lastHeartbeatAgeMs: 200 });
  });

  it("marks a host up again by a late pulse through its relay, and holds a flapping one down until it pulsed steadily", async () => {
    const holdDownMs = 4_000;
    const { clock, manager, report, named } = await primaryWithRelay({ flapCount: 2, flapWindowMs: 60_000, holdDownMs });
    await named();
    /** a's pulses stop past its --down-after, the relay reporting on: a goes down. */
    const silentUntilDown = async () => {
      for (let t = 0; t <= DOWN_AFTER; t += 500) {
        clock.advance(500);
        await report({ host: "m2", pulses: [] });
      }
      await until(() => livenessOf(manager, "a")?.liveness === "down", "host a down");
    };
    await report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 3 }] });
    await silentUntilDown();
    // Its pulse came late, not never: it counts, and the agent need not come to the primary.
    expect(await report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 4 }] })).toMatchObject({ recorded: true, whole: [] });
    await until(() => livenessOf(manager, "a")?.liveness === "up", "host a up again by its pulse");

    // The second down within the window holds it: its pulses count, and it stays down until they were steady for the hold-down.
    await silentUntilDown();
    expect(manager.liveness()!.damping.isHeld("a")).toBe(true);
    for (let t = 0; t < holdDownMs; t += 1_000) {
      expect(await report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 5 }] })).toMatchObject({ whole: [] });
      clock.advance(1_000);
    }
    expect(livenessOf(manager, "a")?.liveness).toBe("down");
    await report({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 6 }] });
    await until(() => livenessOf(manager, "a")?.liveness === "up", "host a released and up");
    expect(manager.liveness()!.damping.isHeld("a")).toBe(false);
  });

  it("counts no pulse of a host from a relay it was not sent to", async () => {
    const { report, named } = await primaryWithRelay();
    await named();
    // m3 is a registry manager too, but a's whole heartbeat named m2.
    const reply = await report({ host: "m3", pulses: [{ host: "a", age_ms: 0, revision: 2 }] });
    expect(reply).toMatchObject({ recorded: true, whole: ["a"] });
  });

  it("is not recorded by a backup, which names the primary", async () => {
    const { manager, report } = await primaryWithRelay();
    const backup = await startManager(defer, { hostId: "m3", bootstrap: false, join: manager.address, downAfterMs: DOWN_AFTER });
    const reply = await relayClient(backup.address)({ host: "m2", pulses: [{ host: "a", age_ms: 0, revision: 1 }] });
    expect(reply).toMatchObject({ recorded: false, primary_address: manager.address });
    expect(await report({ host: "m2", pulses: [] })).toMatchObject({ recorded: true });
  });
});
