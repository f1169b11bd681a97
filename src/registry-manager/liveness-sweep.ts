import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import type { LivenessTracker } from "./liveness.js";
import { markSilentDown } from "./mutations/heartbeat.js";
import type { Mutation } from "./mutations/mutation.js";
import type { RegistryStore } from "./store.js";

/**
 * A primary's look, every `everyMs`, for hosts silent past --down-after:
 * those found are marked down in one change, and each down is counted by
 * the liveness damping (flap-damping.ts). A look that comes a whole period
 * late means the event loop was busy, and the heartbeats that came
 * meanwhile may still be queued behind it: every host then gets its
 * --down-after again rather than being marked down for the manager's own
 * delay. Stopped when the manager stops being primary.
 */
export class LivenessSweep {
  private timer: Timer | undefined;
  private dueAt = 0;

  constructor(
    private readonly tracker: LivenessTracker,
    private readonly store: RegistryStore,
    /** The manager's own host, never marked down by itself. */
    private readonly ownHost: string,
    private readonly everyMs: number,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer?.cancel();
    this.dueAt = this.clock.now() + this.everyMs;
    this.timer = this.clock.setTimeout(() => this.sweep(), this.everyMs);
  }

  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private sweep(): void {
    const lateMs = this.clock.now() - this.dueAt;
    if (lateMs >= this.everyMs) {
      this.tracker.excuse(this.clock.now());
      this.log.warn({ lateMs }, `the liveness sweep ran ${lateMs} ms late (the event loop was busy): no host is marked down for it, each gets its --down-after again`);
    }
    const overdue = this.tracker.overdue(this.store.index.registry, this.clock.now(), this.ownHost);
    if (overdue.length > 0) {
      const cause = overdue.length === 1 ? `no heartbeat from ${overdue[0]}` : `no heartbeat from ${overdue.length} hosts`;
      const stillSilent = (host: string) => this.tracker.isOverdue(host, this.clock.now());
      this.store
        .mutate(this.countingDowns(markSilentDown(overdue, stillSilent)), { cause })
        .catch((error) => this.log.warn({ err: error, hosts: overdue.length }, "could not mark silent hosts down"));
    }
    this.start();
  }

  /**
   * `mutation`, telling the damping of each host it marks down. Counted as
   * the store accepts the write (a mutation runs once, against the working
   * state, in write order), so a heartbeat handled right after already
   * finds the host held, and only real up -> down transitions count.
   */
  private countingDowns(mutation: Mutation): Mutation {
    return (state) => {
      const ops = mutation(state);
      const now = this.clock.now();
      const { damping } = this.tracker;
      for (const op of ops) {
        if (op.kind !== "put-host") continue;
        const verdict = damping.wentDown(op.host.id, now);
        if (verdict.held) {
          const { flapWindowMs, holdDownMs } = damping.settings;
          this.log.warn(
            { flapping: op.host.id, flaps: verdict.flaps, flapWindowMs, holdDownMs },
            `host ${op.host.id} is flapping (${verdict.flaps} downs within ${flapWindowMs} ms): held down until it heartbeats steadily for ${holdDownMs} ms`,
          );
        }
      }
      return ops;
    };
  }
}
