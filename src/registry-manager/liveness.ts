import type { Registry } from "../registry/model.js";
import { DEFAULT_FLAP_COUNT, DEFAULT_FLAP_WINDOW_MS, DEFAULT_HOLD_DOWN_MS } from "./defaults.js";
import { FlapDamping } from "./flap-damping.js";
import { SliceCounter, type Steps } from "../registry/steps.js";

/**
 * Hosts a sweep looks at per turn. A look at 100,000 hosts, all up (an
 * import of a fleet whose agents do not run yet), took 17 ms in one turn
 * in the scale bench's import (under a 250 µs CPU profile), and a turn of
 * 53 ms with the collection it set off; at 10,000 a slice stays near 2
 * ms. Far more than ITEMS_PER_SLICE: a look spread over many turns would
 * mark hosts down late.
 */
export const HOSTS_PER_LOOK_SLICE = 10_000;

/** A host's last heartbeat, as the primary heard it. */
export interface Heard {
  /** Clock time it came. */
  at: number;
  /** The replica revision it reported. */
  revision: number;
  /** The host id of the registry manager it watches, as it reported it ("" when none). */
  watching: string;
  /** The relay it came through (a backup's host id, SPEC 16), "" when it came to the primary itself. */
  via: string;
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
 * per reign of a primary. So do the relays it has heard of. A host whose
 * last pulse came through a relay is overdue only once that relay has
 * reported since the host's time ran out; one whose relay fell silent gets
 * its --down-after again from then (its agent moves to the primary when its
 * next pulse goes unanswered), rather than being marked down for the
 * relay's fault.
 */
export class LivenessTracker {
  /** Per host, its last heartbeat this reign; updated in place, so a steady heartbeat allocates nothing. */
  private readonly lastHeard = new Map<string, Heard>();
  /** Nobody's silence counts from before this: the start, or the last time the manager was late. */
  private graceFrom: number;
  /** Each relaying backup (pulse-relay.ts) by host id: the clock time of its last report. */
  private readonly relays = new Map<string, number>();

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
      this.lastHeard.set(host, { at: now, revision, watching, via: "" });
      return;
    }
    known.at = now;
    known.revision = revision;
    known.watching = watching;
    known.via = "";
  }

  /**
   * A pulse of `host` at `at`, through the relay `via`: false, and nothing
   * counted, unless a whole heartbeat of it came this reign (a pulse says
   * only that nothing changed since one) and its answer named `via`
   * (pulsesVia): a relay speaks only for the hosts sent to it.
   */
  relayed(host: string, at: number, revision: number, via: string): boolean {
    const known = this.lastHeard.get(host);
    if (!known || known.via !== via) return false;
    if (at > known.at) known.at = at;
    known.revision = revision;
    known.via = via;
    return true;
  }

  /**
   * `host` was told to pulse through `relay`: from now its silence is judged
   * by that relay's reports, before its first pulse comes through it (which
   * may take a pulse interval and a report).
   */
  pulsesVia(host: string, relay: string): void {
    const known = this.lastHeard.get(host);
    if (known) known.via = relay;
  }

  /** A report from `relay` (its host id) at `now`: it is named to agents while it keeps reporting. */
  relayReported(relay: string, now: number): void {
    this.relays.set(relay, now);
  }

  /** Relays heard of and not yet forgotten. */
  get relayCount(): number {
    return this.relays.size;
  }

  /** Whether `relay` reported within `silentMs` of `now`. */
  isLiveRelay(relay: string, now: number, silentMs: number): boolean {
    const at = this.relays.get(relay);
    return at !== undefined && now - at < silentMs;
  }

  /**
   * Forgets the relays silent for `silentMs` or more at `now`; each host
   * whose last pulse came through one has its silence counted from `now`,
   * by time alone until that relay reports again. The host stays sent to
   * it: a relay back from a pause still speaks for its hosts, rather than
   * thousands of agents coming to the primary at once.
   * Returns the relays forgotten.
   */
  dropSilentRelays(now: number, silentMs: number): string[] {
    const silent: string[] = [];
    for (const [relay, at] of this.relays) if (now - at >= silentMs) silent.push(relay);
    if (silent.length === 0) return silent;
    for (const relay of silent) this.relays.delete(relay);
    for (const heard of this.lastHeard.values()) {
      if (heard.via === "" || !silent.includes(heard.via)) continue;
      heard.at = Math.max(heard.at, now);
    }
    return silent;
  }

  /** `host`'s last heartbeat this reign; undefined when none came. */
  lastHeartbeat(host: string): Readonly<Heard> | undefined {
    return this.lastHeard.get(host);
  }

  forget(host: string): void {
    this.lastHeard.delete(host);
  }

  isOverdue(host: string, now: number): boolean {
    const heard = this.lastHeard.get(host);
    const since = Math.max(heard?.at ?? this.graceFrom, this.graceFrom);
    if (now - since < this.downAfterMs) return false;
    // Through a relay, silence is known only once the relay reported after the host's time ran out:
    // until then its pulse may be in the relay's next report.
    const reportedAt = heard?.via ? this.relays.get(heard.via) : undefined;
    return reportedAt === undefined || reportedAt >= since + this.downAfterMs;
  }

  /**
   * Hosts `up` in the registry that are overdue at `now`, except
   * `alwaysAlive` (the manager's own host), HOSTS_PER_LOOK_SLICE per step.
   * The registry may change between steps, and the grace with it
   * (isOverdue reads it): a host found is checked again when it is marked
   * down.
   */
  *overdue(registry: Readonly<Registry>, now: number, alwaysAlive: string): Steps<string[]> {
    if (now - this.graceFrom < this.downAfterMs) return [];
    const overdue: string[] = [];
    const slices = new SliceCounter(HOSTS_PER_LOOK_SLICE);
    for (const host of registry.hosts.values()) {
      if (host.status === "up" && host.id !== alwaysAlive && this.isOverdue(host.id, now)) overdue.push(host.id);
      if (slices.due()) yield;
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
