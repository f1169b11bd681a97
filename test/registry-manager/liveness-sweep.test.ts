import pino from "pino";
import { describe, expect, it } from "vitest";
import { LivenessSweep } from "../../src/registry-manager/liveness-sweep.js";
import { HOSTS_PER_LOOK_SLICE, LivenessTracker } from "../../src/registry-manager/liveness.js";
import type { RegistryStore } from "../../src/registry-manager/store.js";
import { emptyRegistry, newHost } from "../../src/registry/model.js";
import { completeSteps, nextTurn } from "../../src/registry/steps.js";
import { FakeClock } from "../support/fake-clock.js";
import { until } from "../support/until.js";

const DOWN_AFTER = 3_000;
const SWEEP_EVERY = 500;

/** A registry of `count` hosts, all up, none of them ever heard. */
function upHosts(count: number) {
  const registry = emptyRegistry();
  for (let i = 0; i < count; i++) registry.hosts.set(`h${i}`, newHost(`h${i}`, "/", { status: "up" }));
  return registry;
}

describe("a look for silent hosts", () => {
  const count = HOSTS_PER_LOOK_SLICE * 2 + 10;

  it(`takes a step per ${HOSTS_PER_LOOK_SLICE.toLocaleString("en")} hosts and finds every silent one`, () => {
    const look = new LivenessTracker(DOWN_AFTER, 0).overdue(upHosts(count), DOWN_AFTER, "m");
    let steps = 0;
    let next = look.next();
    for (; !next.done; next = look.next()) steps++;
    expect(steps).toBe(2);
    expect(next.value).toHaveLength(count);
  });

  it("spares the hosts it has not reached yet from an excuse that comes between its steps", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    const look = tracker.overdue(upHosts(count), DOWN_AFTER, "m");
    expect(look.next().done).toBe(false);
    tracker.excuse(1);
    expect(completeSteps(look)).toHaveLength(HOSTS_PER_LOOK_SLICE);
  });
});

describe("LivenessSweep over more hosts than a step looks at", () => {
  /** A sweep over `count` silent hosts, on a fake clock, writing to a store that only records what it is asked. */
  function sweeping(count: number) {
    const clock = new FakeClock();
    const causes: string[] = [];
    const store = {
      index: { registry: upHosts(count) },
      subscribe: () => () => {},
      mutate: async (_mutation: unknown, options: { cause: string }) => void causes.push(options.cause),
    } as unknown as RegistryStore;
    const sweep = new LivenessSweep(new LivenessTracker(DOWN_AFTER, clock.now()), store, "m", SWEEP_EVERY, clock, pino({ level: "silent" }));
    return { clock, causes, sweep };
  }

  it("marks them down in one change once its look, over several turns, is done, and is due again only then", async () => {
    const { clock, causes, sweep } = sweeping(HOSTS_PER_LOOK_SLICE * 3);
    sweep.start();
    clock.advance(DOWN_AFTER);
    // The look's first step ran in the timer's turn; the rest wait for theirs.
    expect(causes).toEqual([]);
    clock.advance(SWEEP_EVERY * 4);
    await until(() => causes.length > 0, "the silent hosts marked down");
    expect(causes).toEqual([`no heartbeat from ${HOSTS_PER_LOOK_SLICE * 3} hosts`]);
    // The store here marks nobody down: the next look, due an interval after this one ended, finds them all again.
    clock.advance(SWEEP_EVERY);
    await until(() => causes.length === 2, "the next look's change");
    sweep.stop();
  });

  it("writes nothing for a look still under way when it is stopped (the manager is no longer primary)", async () => {
    const { clock, causes, sweep } = sweeping(HOSTS_PER_LOOK_SLICE * 3);
    sweep.start();
    clock.advance(DOWN_AFTER);
    sweep.stop();
    for (let turn = 0; turn < 10; turn++) await nextTurn();
    clock.advance(SWEEP_EVERY * 4);
    expect(causes).toEqual([]);
  });
});
