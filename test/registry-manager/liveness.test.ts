import { describe, expect, it } from "vitest";
import { LivenessTracker } from "../../src/registry-manager/liveness.js";
import { LONG_CHANGE_OPS } from "../../src/registry/defaults.js";
import { completeSteps } from "../../src/registry/steps.js";
import type { RegistryManager } from "../../src/registry-manager/manager.js";
import { newHost, emptyRegistry } from "../../src/registry/model.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";
import { heartbeatClient, startManager } from "../support/manager.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const DOWN_AFTER = 3_000;
const overdue = (tracker: LivenessTracker, ...args: Parameters<LivenessTracker["overdue"]>) => completeSteps(tracker.overdue(...args));
const defer = useDefer();
const tempDir = useTempDirs();

describe("LivenessTracker", () => {
  const registry = emptyRegistry();
  registry.hosts.set("a", newHost("a", "/", { status: "up" }));
  registry.hosts.set("b", newHost("b", "/", { status: "unknown" }));
  registry.hosts.set("m", newHost("m", "/", { status: "up" }));

  it("marks nobody overdue before down-after has passed since start", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    expect(overdue(tracker, registry, DOWN_AFTER - 1, "m")).toEqual([]);
    expect(overdue(tracker, registry, DOWN_AFTER, "m")).toEqual(["a"]);
  });

  it("excuses everyone's silence from the moment the manager says it was late", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    tracker.heard("a", 10_000);
    tracker.excuse(20_000);
    expect(tracker.isOverdue("a", 20_000 + DOWN_AFTER - 1)).toBe(false);
    expect(overdue(tracker, registry, 20_000 + DOWN_AFTER - 1, "m")).toEqual([]);
    expect(overdue(tracker, registry, 20_000 + DOWN_AFTER, "m")).toEqual(["a"]);
    // A later heartbeat counts from itself; an earlier excuse changes nothing.
    tracker.heard("a", 21_000);
    tracker.excuse(15_000);
    expect(tracker.isOverdue("a", 21_000 + DOWN_AFTER - 1)).toBe(false);
    expect(tracker.isOverdue("a", 21_000 + DOWN_AFTER)).toBe(true);
  });

  it("keeps a host that heartbeats, and never the manager's own host or a host never seen up", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    tracker.heard("a", 2_000);
    expect(overdue(tracker, registry, 4_999, "m")).toEqual([]);
    expect(overdue(tracker, registry, 5_000, "m")).toEqual(["a"]);
    expect(overdue(tracker, registry, 60_000, "m")).not.toContain("b");
    expect(overdue(tracker, registry, 60_000, "m")).not.toContain("m");
  });
});


const statusOf = (manager: RegistryManager, host: string) => manager.store.index.registry.hosts.get(host)?.status;

describe("liveness in a running manager, on a fake clock", () => {
  it("keeps a heartbeating host up, marks it down after down-after of silence, and up again at the next heartbeat", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);

    const reply = await heartbeat({ host: "agent-1", domain: "/" });
    expect(reply).toMatchObject({ recorded: true, down_after_ms: DOWN_AFTER, primary_host: manager.hostId });
    expect(statusOf(manager, "agent-1")).toBe("up");

    for (let second = 0; second < 10; second++) {
      clock.advance(1_000);
      await heartbeat({ host: "agent-1" });
    }
    expect(statusOf(manager, "agent-1")).toBe("up");

    clock.advance(DOWN_AFTER - 1_000);
    expect(statusOf(manager, "agent-1")).toBe("up");
    clock.advance(1_000);
    await until(() => statusOf(manager, "agent-1") === "down", "agent-1 marked down");

    await heartbeat({ host: "agent-1" });
    expect(statusOf(manager, "agent-1")).toBe("up");
    // The manager's own host is never marked down by its own sweep.
    expect(statusOf(manager, manager.hostId)).toBe("up");
  });

  it("marks every host found silent in one sweep down in one change", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    for (const host of ["agent-1", "agent-2", "agent-3"]) await heartbeat({ host });
    const before = manager.store.position.revision;
    clock.advance(DOWN_AFTER + 500);
    await until(() => ["agent-1", "agent-2", "agent-3"].every((host) => statusOf(manager, host) === "down"), "all three down");
    expect(manager.store.position.revision).toBe(before + 1);
  });

  it("marks nobody down for a sweep that ran late (the manager was busy): every host gets down-after again", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    await heartbeat({ host: "agent-1" });
    await heartbeat({ host: "agent-2" });
    // Short of down-after: the sweep at down-after would find both silent for it.
    clock.advance(DOWN_AFTER - 500);
    await heartbeat({ host: "agent-1" });
    await heartbeat({ host: "agent-2" });
    const before = manager.store.position.revision;

    // The event loop is blocked for longer than down-after: the heartbeats that came meanwhile wait behind it.
    clock.stall(DOWN_AFTER + 2_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(manager.store.position.revision).toBe(before);
    await heartbeat({ host: "agent-1" });
    expect(statusOf(manager, "agent-1")).toBe("up");

    // The grace is down-after from the late sweep, not forever: agent-2, silent since, goes down after it.
    clock.advance(DOWN_AFTER - 600);
    await heartbeat({ host: "agent-1" });
    expect(statusOf(manager, "agent-2")).toBe("up");
    clock.advance(1_000);
    await until(() => statusOf(manager, "agent-2") === "down", "agent-2 down after the grace");
    expect(statusOf(manager, "agent-1")).toBe("up");
  });

  it("judges silence as of when a sweep that ran late was due: the manager's own stall counts against nobody, a real silence still does", async () => {
    const clock = new FakeClock();
    const started = clock.now();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    // Sweeps are due every 500 ms from the start (a quarter of down-after, at most 500 ms).
    clock.advance(3_100);
    await heartbeat({ host: "b" });
    clock.advance(400);
    await heartbeat({ host: "a" });
    clock.advance(2_400);
    const before = manager.store.position.revision;

    // Busy from 5,900 to 7,100 ms: the sweep due at 6,000 runs at 7,100, 1,100 ms late.
    clock.stall(1_200);
    expect(clock.now() - started).toBe(7_100);
    await new Promise((resolve) => setImmediate(resolve));
    // As of 6,000 ms nobody was silent for down-after (b: 2,900 ms): nobody is down, though both are by now.
    expect(manager.store.position.revision).toBe(before);
    // a's heartbeat came during the stall and is read after it; b sent none.
    await heartbeat({ host: "a" });
    clock.advance(500);
    await until(() => statusOf(manager, "b") === "down", "b down at the next sweep");
    expect(statusOf(manager, "a")).toBe("up");
  });

  it(`gives every host down-after again from a change of ${LONG_CHANGE_OPS} ops or more, which holds up each replica that applies it`, async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    clock.advance(DOWN_AFTER);
    await heartbeat({ host: "agent-1" });
    clock.advance(DOWN_AFTER - 1_000);
    const hosts = Array.from({ length: LONG_CHANGE_OPS }, (_, i) => newHost(`imported-${i}`, "/"));
    await manager.store.mutate(() => hosts.map((host) => ({ kind: "put-host" as const, host })), { cause: "a long change" });
    clock.advance(DOWN_AFTER - 500);
    // Writes run in order: this one is answered after whatever the sweeps just wrote.
    await manager.store.mutate(() => [], { cause: "after the sweeps" });
    expect(statusOf(manager, "agent-1")).toBe("up");
    clock.advance(1_000);
    await until(() => statusOf(manager, "agent-1") === "down", "agent-1 down once the grace is over");
  });

  it("gives hosts down-after of grace after a restart before marking anyone down", async () => {
    const dataDir = tempDir();
    const first = await startManager(defer, { dataDir, clock: new FakeClock(), downAfterMs: DOWN_AFTER });
    await heartbeatClient(defer, first.address)({ host: "agent-1" });
    await first.stop();

    const clock = new FakeClock();
    const restarted = await startManager(defer, { dataDir, clock, downAfterMs: DOWN_AFTER });
    expect(statusOf(restarted, "agent-1")).toBe("up");
    clock.advance(DOWN_AFTER - 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(statusOf(restarted, "agent-1")).toBe("up");
    clock.advance(1_000);
    await until(() => statusOf(restarted, "agent-1") === "down", "agent-1 marked down after the grace");
  });

  it("keeps a held-down host down through its heartbeats, still recording its health, and up at the one that meets the hold-down", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER, flapCount: 1, holdDownMs: 5_000 });
    const heartbeat = heartbeatClient(defer, manager.address);
    await heartbeat({ host: "agent-1" });
    await manager.store.mutate((state) => [{ kind: "put-host", host: { ...state.hosts.get("agent-1")!, packages: [{ type: "cc", port: 7611, priority: 0, state: "enabled", health: "healthy" }] } }], { cause: "test" });
    clock.advance(DOWN_AFTER + 500);
    await until(() => statusOf(manager, "agent-1") === "down", "agent-1 marked down, and held (flap count 1)");
    expect(manager.liveness()?.damping.isHeld("agent-1")).toBe(true);

    const before = manager.store.position.revision;
    await heartbeat({ host: "agent-1", packages: [{ type: "cc", health: "PACKAGE_HEALTH_UNHEALTHY" }] });
    expect(statusOf(manager, "agent-1")).toBe("down");
    expect(manager.store.index.registry.hosts.get("agent-1")?.packages[0]?.health).toBe("unhealthy");
    for (let second = 1; second < 5; second++) {
      clock.advance(1_000);
      await heartbeat({ host: "agent-1", packages: [{ type: "cc", health: "PACKAGE_HEALTH_UNHEALTHY" }] });
      expect(statusOf(manager, "agent-1")).toBe("down");
    }
    // The health report was one change; the held heartbeats after it none.
    expect(manager.store.position.revision).toBe(before + 1);
    clock.advance(1_000);
    await heartbeat({ host: "agent-1", packages: [{ type: "cc", health: "PACKAGE_HEALTH_UNHEALTHY" }] });
    expect(statusOf(manager, "agent-1")).toBe("up");
    expect(manager.store.position.revision).toBe(before + 2);
  });

  it("records package health from heartbeats", async () => {
    const manager = await startManager(defer, { clock: new FakeClock(), downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    await heartbeat({ host: "agent-1" });
    await manager.store.mutate((state) => [{ kind: "put-host", host: { ...state.hosts.get("agent-1")!, packages: [{ type: "cc", port: 7611, priority: 0, state: "enabled", health: "healthy" }] } }], { cause: "test" });
    await heartbeat({ host: "agent-1", packages: [{ type: "cc", health: "PACKAGE_HEALTH_UNHEALTHY" }] });
    expect(manager.store.index.registry.hosts.get("agent-1")?.packages[0]?.health).toBe("unhealthy");
    await heartbeat({ host: "agent-1", packages: [{ type: "cc", health: "PACKAGE_HEALTH_HEALTHY" }] });
    expect(manager.store.index.registry.hosts.get("agent-1")?.packages[0]?.health).toBe("healthy");
  });
});
