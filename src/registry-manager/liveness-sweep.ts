import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import type { LivenessTracker } from "./liveness.js";
import { setStatusWhere } from "./mutations/heartbeat.js";
import { runSteps, SliceCounter, type Steps } from "../registry/steps.js";
import { LONG_CHANGE_OPS } from "../registry/defaults.js";
import { RELAY_SILENT_MS } from "./defaults.js";
import type { Op } from "../registry/model.js";
import { opsOf, type SteppedMutation } from "./mutations/mutation.js";
import type { RegistryStore } from "./store.js";

/**
 * A primary's look, `everyMs` after the last one ended (a look at many
 * hosts takes turns: liveness.ts), for hosts silent past --down-after:
 * those found are marked down in one change, and each down is counted by
 * the liveness damping (flap-damping.ts). A look that comes late means the
 * event loop was busy, and the heartbeats that came meanwhile may still be
 * queued behind it: silence is judged as of when the look was due, and
 * after a long stall every host gets its --down-after again, rather than
 * being marked down for the manager's own delay; so does every host after
 * a change long enough to hold up each replica that applies it
 * (LONG_CHANGE_OPS). Stopped when the manager stops being primary.
 */
export class LivenessSweep {
  private timer: Timer | undefined;
  private dueAt = 0;
  private unsubscribe: (() => void) | undefined;
  /** Counts stops: a look started before the last one is void. */
  private looks = 0;

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
    this.unsubscribe ??= this.store.subscribe((change) => {
      if (change.ops.length >= LONG_CHANGE_OPS) this.tracker.excuse(this.clock.now());
    });
    this.timer?.cancel();
    this.dueAt = this.clock.now() + this.everyMs;
    this.timer = this.clock.setTimeout(() => this.sweep(), this.everyMs);
  }

  stop(): void {
    // A look still under way finds nothing to do when it ends.
    this.looks++;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.timer?.cancel();
    this.timer = undefined;
  }

  private sweep(): void {
    // Judged as of when the look was due: a manager that was busy past it
    // may not have read the heartbeats that came meanwhile. A stall of
    // half of --down-after or more may have left more of them queued than
    // one sweep interval reads: everyone gets --down-after again from now.
    const lateMs = this.clock.now() - this.dueAt;
    if (lateMs >= this.everyMs) {
      const excused = lateMs * 2 >= this.tracker.downAfterMs;
      if (excused) this.tracker.excuse(this.clock.now());
      this.log.warn(
        { lateMs },
        excused
          ? `the liveness sweep ran ${lateMs} ms late (the event loop was busy): no host is marked down for it, each gets its --down-after again`
          : `the liveness sweep ran ${lateMs} ms late (the event loop was busy): silence is judged as of when it was due`,
      );
    }
    const silentRelays = this.tracker.dropSilentRelays(this.clock.now(), RELAY_SILENT_MS);
    if (silentRelays.length > 0) {
      this.log.warn({ relays: silentRelays }, `relay ${silentRelays.join(", ")} fell silent: the hosts that pulsed through it get their --down-after again, to reach this primary themselves`);
    }
    // The next look is due once this one is done: a look at many hosts takes turns.
    const look = this.looks;
    runSteps(
      this.tracker.overdue(this.store.index.registry, Math.min(this.dueAt, this.clock.now()), this.ownHost),
      (overdue) => {
        if (look !== this.looks) return;
        this.markDown(overdue);
        this.start();
      },
      (error) => {
        this.log.error({ err: error }, "the liveness sweep failed; the next one is due in its interval");
        if (look === this.looks) this.start();
      },
    );
  }

  private markDown(overdue: string[]): void {
    if (overdue.length === 0) return;
    const cause = overdue.length === 1 ? `no heartbeat from ${overdue[0]}` : `no heartbeat from ${overdue.length} hosts`;
    const stillSilent = (host: string) => this.tracker.isOverdue(host, this.clock.now());
    this.store
      .mutate(this.countingDowns(setStatusWhere(overdue, "down", stillSilent)), { cause })
      .catch((error) => this.log.warn({ err: error, hosts: overdue.length }, "could not mark silent hosts down"));
  }

  /**
   * `mutation`, telling the damping of each host it marks down. Counted as
   * the store accepts the write (a mutation runs once, against the working
   * state, in write order), so a heartbeat handled once it is accepted
   * finds the host held, and only real up -> down transitions count.
   */
  private countingDowns(mutation: SteppedMutation): SteppedMutation {
    return (state) => this.counted(mutation(state));
  }

  /** The ops `made` gives, once the damping is told of each host they mark down, a slice at a time. */
  private *counted(made: Op[] | Steps<Op[]>): Steps<Op[]> {
    const ops = yield* opsOf(made);
    const now = this.clock.now();
    const { damping } = this.tracker;
    const slices = new SliceCounter();
    for (const op of ops) {
      if (slices.due()) yield;
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
  }
}
