import type { Registry } from "../registry/model.js";
import { DEFAULT_FLAP_COUNT, DEFAULT_FLAP_WINDOW_MS, DEFAULT_HOLD_DOWN_MS } from "./defaults.js";
import { FlapDamping } from "./flap-damping.js";

/** A host's last heartbeat, as the primary heard it. */
export interface Heard {
  /** Clock time it came. */
  at: number;
  /** The replica revision it reported. */
  revision: number;
  /** The host id of the registry manager it watches, as it reported it ("" when none). */
  watching: string;
}

/**
 * Who has been heard from, and who has been silent too long (SPEC 5). A host
 * goes down after `downAfterMs` without a heartbeat (or a session's pulse);
 * until `downAfterMs` has passed since the manager started, nobody is
 * overdue (a restarted manager has heard from no one yet, and must not mark
 * the whole fleet down), and the same after `excuse` (a manager that was
 * late cannot tell a silent host from a heartbeat still queued). Only
 * hosts the registry has as `up` can go down: a host no agent ever spoke
 * for stays `unknown`. Its `damping` (SPEC 13) lives and dies with it: one
 * per reign of a primary.
 */
export class LivenessTracker {
  /** Per host, its last heartbeat this reign; updated in place, so a steady heartbeat allocates nothing. */
  private readonly lastHeard = new Map<string, Heard>();
  /** Nobody's silence counts from before this: the start, or the last time the manager was late. */
  private graceFrom: number;

  constructor(
    readonly downAfterMs: number,
    startedAt: number,
    readonly damping = new FlapDamping({ flapCount: DEFAULT_FLAP_COUNT, flapWindowMs: DEFAULT_FLAP_WINDOW_MS, holdDownMs: DEFAULT_HOLD_DOWN_MS, downAfterMs }),
  ) {
    this.graceFrom = startedAt;
  }

  /** Every host's silence starts again at `now`: the manager itself was late to look. */
  excuse(now: number): void {
    this.graceFrom = Math.max(this.graceFrom, now);
  }

  /** A heartbeat from `host` at `now`, with the replica revision and the watched manager it reported (the fleet view). */
  heard(host: string, now: number, revision = 0, watching = ""): void {
    const known = this.lastHeard.get(host);
    if (!known) {
      this.lastHeard.set(host, { at: now, revision, watching });
      return;
    }
    known.at = now;
    known.revision = revision;
    known.watching = watching;
  }

  /** `host`'s last heartbeat this reign; undefined when none came. */
  lastHeartbeat(host: string): Readonly<Heard> | undefined {
    return this.lastHeard.get(host);
  }

  forget(host: string): void {
    this.lastHeard.delete(host);
  }

  isOverdue(host: string, now: number): boolean {
    const since = Math.max(this.lastHeard.get(host)?.at ?? this.graceFrom, this.graceFrom);
    return now - since >= this.downAfterMs;
  }

  /** Hosts `up` in the registry that are overdue now, except `alwaysAlive` (the manager's own host). */
  overdue(registry: Readonly<Registry>, now: number, alwaysAlive: string): string[] {
    if (now - this.graceFrom < this.downAfterMs) return [];
    const overdue: string[] = [];
    for (const host of registry.hosts.values()) {
      if (host.status === "up" && host.id !== alwaysAlive && this.isOverdue(host.id, now)) overdue.push(host.id);
    }
    return overdue;
  }
}

/** How often a primary looks for silent hosts: a quarter of --down-after, at most every 500 ms. */
export function sweepIntervalMs(downAfterMs: number): number {
  return Math.min(downAfterMs / 4, 500);
}

/**
 * How often an agent in a session pulses (SPEC 16): as seldom as
 * --down-after allows with a second (or a third of it) to spare for a late
 * pulse, and never more often than --heartbeat-interval. Each pulse costs
 * the primary a message, so this is what 100,000 agents cost it.
 */
export function pulseIntervalMs(heartbeatIntervalMs: number, downAfterMs: number): number {
  return Math.max(heartbeatIntervalMs, Math.min(downAfterMs - 1_000, Math.round((downAfterMs * 2) / 3)));
}
