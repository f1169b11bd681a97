import { describe, expect, it } from "vitest";
import { FlapDamping, type DampingSettings } from "../../src/registry-manager/flap-damping.js";
import { FakeClock } from "../support/fake-clock.js";

const DOWN_AFTER = 3_000;
const SETTINGS: DampingSettings = { flapCount: 3, flapWindowMs: 60_000, holdDownMs: 10_000, downAfterMs: DOWN_AFTER };
/** How often the simulated sweep looks (the manager's: a quarter of down-after, at most 500 ms). */
const SWEEP_EVERY = 500;

interface Change {
  at: number;
  status: "up" | "down";
}

/**
 * One host as a primary sees it, on a fake clock: a sweep every SWEEP_EVERY
 * marks it down after DOWN_AFTER of silence (telling the damping), and each
 * heartbeat marks it up unless the damping holds it, as the manager does.
 * Every status change is one entry of `changes`: one change per transition.
 */
class SimulatedHost {
  readonly clock = new FakeClock(0);
  readonly damping: FlapDamping;
  readonly changes: Change[] = [];
  readonly held: number[] = [];
  readonly released: number[] = [];
  private status: "up" | "down" = "up";
  private lastHeard = 0;

  constructor(settings: Partial<DampingSettings> = {}) {
    this.damping = new FlapDamping({ ...SETTINGS, ...settings });
    const sweep = () => {
      const now = this.clock.now();
      if (this.status === "up" && now - this.lastHeard >= DOWN_AFTER) {
        this.set("down");
        if (this.damping.wentDown("h", now).held) this.held.push(now);
      }
      this.clock.setTimeout(sweep, SWEEP_EVERY);
    };
    this.clock.setTimeout(sweep, SWEEP_EVERY);
  }

  /** Heartbeats every `everyMs` until `untilMs` (the clock's time), the first one `everyMs` from now. */
  heartbeatEvery(everyMs: number, untilMs: number): void {
    while (this.clock.now() + everyMs <= untilMs) {
      this.clock.advance(everyMs);
      this.heartbeat();
    }
  }

  heartbeat(): void {
    const now = this.clock.now();
    this.lastHeard = now;
    const verdict = this.damping.heard("h", now);
    if (verdict.kind === "released") this.released.push(now);
    if (verdict.kind !== "held") this.set("up");
  }

  get current(): "up" | "down" {
    return this.status;
  }

  private set(status: "up" | "down"): void {
    if (this.status === status) return;
    this.status = status;
    this.changes.push({ at: this.clock.now(), status });
  }
}

const statuses = (changes: readonly Change[]) => changes.map((c) => c.status);

describe("FlapDamping, one transition at a time", () => {
  it("holds a host at its flap-count-th down within the window, not before", () => {
    const damping = new FlapDamping(SETTINGS);
    expect(damping.wentDown("h", 0)).toEqual({ held: false });
    expect(damping.heard("h", 100)).toEqual({ kind: "free" });
    expect(damping.wentDown("h", 10_000)).toEqual({ held: false });
    expect(damping.heard("h", 10_100)).toEqual({ kind: "free" });
    expect(damping.wentDown("h", 59_999)).toEqual({ held: true, flaps: 3 });
    expect(damping.isHeld("h")).toBe(true);
    expect(damping.heard("h", 60_000)).toEqual({ kind: "held", steadyMs: 0 });
  });

  it("releases a held host at the first heartbeat that finds it steady for hold-down", () => {
    const damping = new FlapDamping(SETTINGS);
    for (const at of [0, 1, 2]) damping.wentDown("h", at);
    // Steady from the first heartbeat after the down, not from the down itself.
    expect(damping.heard("h", 5_000)).toEqual({ kind: "held", steadyMs: 0 });
    for (let at = 6_000; at < 15_000; at += 1_000) expect(damping.heard("h", at).kind).toBe("held");
    expect(damping.heard("h", 15_000)).toEqual({ kind: "released", steadyMs: 10_000 });
    expect(damping.isHeld("h")).toBe(false);
    expect(damping.heard("h", 16_000)).toEqual({ kind: "free" });
  });

  it("restarts the steady run at a gap of down-after, not at a shorter one", () => {
    const damping = new FlapDamping(SETTINGS);
    for (const at of [0, 1, 2]) damping.wentDown("h", at);
    damping.heard("h", 1_000);
    expect(damping.heard("h", 1_000 + DOWN_AFTER - 1)).toEqual({ kind: "held", steadyMs: DOWN_AFTER - 1 });
    const restart = 1_000 + 2 * DOWN_AFTER - 1;
    expect(damping.heard("h", restart)).toEqual({ kind: "held", steadyMs: 0 });
    expect(damping.heard("h", restart + 2_000).kind).toBe("held");
  });

  it("counts only downs within the window", () => {
    const damping = new FlapDamping(SETTINGS);
    expect(damping.wentDown("h", 0).held).toBe(false);
    expect(damping.wentDown("h", 30_000).held).toBe(false);
    // The first down is exactly a window old: it no longer counts.
    expect(damping.wentDown("h", 60_000).held).toBe(false);
    expect(damping.flapsInWindow("h", 60_000)).toBe(2);
    expect(damping.wentDown("h", 61_000)).toEqual({ held: true, flaps: 3 });
  });

  it("holds at the first down with flap-count 1", () => {
    const damping = new FlapDamping({ ...SETTINGS, flapCount: 1 });
    expect(damping.wentDown("h", 0)).toEqual({ held: true, flaps: 1 });
    expect(damping.wentDown("other", 0)).toEqual({ held: true, flaps: 1 });
  });

  it("holds nobody with hold-down 0", () => {
    const damping = new FlapDamping({ ...SETTINGS, holdDownMs: 0 });
    for (const at of [0, 1, 2, 3]) expect(damping.wentDown("h", at)).toEqual({ held: false });
    expect(damping.heard("h", 4)).toEqual({ kind: "free" });
  });

  it("holds a released host again at its next down while its earlier downs are in the window", () => {
    const damping = new FlapDamping(SETTINGS);
    for (const at of [0, 1, 2]) damping.wentDown("h", at);
    for (let at = 1_000; at < 11_000; at += 1_000) damping.heard("h", at);
    expect(damping.heard("h", 11_000).kind).toBe("released");
    expect(damping.wentDown("h", 20_000)).toEqual({ held: true, flaps: 3 });
  });

  it("keeps hosts apart", () => {
    const damping = new FlapDamping(SETTINGS);
    for (const at of [0, 1, 2]) damping.wentDown("a", at);
    damping.wentDown("b", 3);
    expect(damping.isHeld("a")).toBe(true);
    expect(damping.heard("b", 4)).toEqual({ kind: "free" });
  });

  it("refuses a flap count below 1, an empty window and a negative hold-down", () => {
    expect(() => new FlapDamping({ ...SETTINGS, flapCount: 0 })).toThrow(/flap count 0/);
    expect(() => new FlapDamping({ ...SETTINGS, flapCount: 1.5 })).toThrow(/flap count/);
    expect(() => new FlapDamping({ ...SETTINGS, flapWindowMs: 0 })).toThrow(/flap window/);
    expect(() => new FlapDamping({ ...SETTINGS, holdDownMs: -1 })).toThrow(/hold-down/);
  });
});

describe("a host heartbeating across down-after, with the sweep, on a fake clock", () => {
  it("makes flap-count downs, stays down through heartbeats for hold-down, then goes up once", () => {
    const host = new SimulatedHost();
    // Every 3.8 s with down-after 3 s: without damping an up/down pair every 3.8 s, forever.
    host.heartbeatEvery(3_800, 120_000);
    expect(statuses(host.changes)).toEqual(["down", "up", "down", "up", "down"]);
    expect(host.held).toHaveLength(1);
    expect(host.current).toBe("down");

    // Steady from here: the run starts at the last heartbeat after a gap, and the host is up once,
    // at the heartbeat hold-down after it.
    const runStart = host.clock.now();
    host.heartbeatEvery(1_000, runStart + 30_000);
    expect(host.changes.slice(5)).toEqual([{ at: runStart + SETTINGS.holdDownMs, status: "up" }]);
    expect(host.released).toEqual([runStart + SETTINGS.holdDownMs]);
  });

  it("does not damp downs spread over more than the window", () => {
    const host = new SimulatedHost();
    // A silence of 4 s every 35 s: a down and an up each time, two downs at most in any 60 s.
    for (let round = 0; round < 6; round++) {
      host.heartbeatEvery(1_000, host.clock.now() + 31_000);
      host.heartbeatEvery(4_000, host.clock.now() + 4_000);
    }
    expect(statuses(host.changes)).toEqual(Array.from({ length: 6 }, () => ["down", "up"]).flat());
    expect(host.held).toEqual([]);
  });

  it("restarts the hold-down at a gap during it, and goes up once hold-down of steady heartbeats follow", () => {
    const host = new SimulatedHost();
    host.heartbeatEvery(3_800, 3_800 * 3);
    expect(host.held).toHaveLength(1);
    const before = host.changes.length;
    host.heartbeatEvery(1_000, host.clock.now() + 8_000); // 8 s of the 10 s hold-down...
    host.heartbeatEvery(3_500, host.clock.now() + 3_500); // ...then a gap longer than down-after
    const restartedAt = host.clock.now();
    host.heartbeatEvery(1_000, restartedAt + 9_000);
    expect(host.current).toBe("down");
    host.heartbeatEvery(1_000, restartedAt + 20_000);
    expect(host.changes.slice(before)).toEqual([{ at: restartedAt + 10_000, status: "up" }]);
  });

  it("with flap-count 1 holds the host down at its first down", () => {
    const host = new SimulatedHost({ flapCount: 1 });
    host.heartbeatEvery(3_800, 40_000);
    expect(statuses(host.changes)).toEqual(["down"]);
    host.heartbeatEvery(1_000, host.clock.now() + 10_000);
    expect(statuses(host.changes)).toEqual(["down", "up"]);
  });
});
