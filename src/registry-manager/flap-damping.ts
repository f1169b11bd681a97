/**
 * Liveness damping (SPEC 13): a host that went down `flapCount` times within
 * `flapWindowMs` is held down until it has heartbeat steadily for
 * `holdDownMs`, so that a host whose heartbeats straddle --down-after makes
 * a few changes and then none, instead of an up/down pair forever.
 *
 * Pure: no clock, no timers, no I/O; every call says what time it is. The
 * sweep reports each down it writes (`wentDown`), the heartbeat path asks
 * at each heartbeat whether the host may be marked up (`heard`), and so
 * does a relay's report at each pulse of a host not up. Releasing happens
 * only when the host is heard from, never by a timer: the up transition
 * rides in the heartbeat's own change, or in the one a report makes for
 * its hosts, so each transition stays one change and a host is never
 * marked up without having just been heard from.
 *
 * In memory, on the primary only: a new primary (or a restarted one) starts
 * with a clean slate, every host free and no downs counted, so a host held
 * on the old primary is up at its first heartbeat to the new one and may
 * make flap-count more downs before it is held again. Acceptable for a
 * damper: failovers are rare, and nothing else depends on the history.
 */

import { invalidArgument } from "../errors.js";

/** The tunables of liveness damping (`cairn manager start --flap-count/--flap-window/--hold-down`). */
export interface DampingSettings {
  /** Downs within the window that hold a host down; an integer, at least 1. */
  flapCount: number;
  /** How long a down counts towards `flapCount`; positive. */
  flapWindowMs: number;
  /** How long a held host must heartbeat steadily to be released; 0 turns damping off. */
  holdDownMs: number;
  /** A gap between heartbeats this long or longer is not steady: the silence that marks a host down. */
  downAfterMs: number;
}

/** What a down did to the host: `held` when it was the flap-count-th in the window. */
export type DownVerdict = { held: false } | { held: true; flaps: number };

/**
 * What a heartbeat may do: `free`, mark the host up as always; `held`, leave
 * it down (steady for `steadyMs` of the hold-down so far); `released`, the
 * hold-down is met and this heartbeat marks it up.
 */
export type HeartbeatVerdict = { kind: "free" } | { kind: "held"; steadyMs: number } | { kind: "released"; steadyMs: number };

/** INVALID_ARGUMENT naming the first bad tunable; a manager checks them before it opens anything. */
export function checkDampingSettings(settings: DampingSettings): void {
  const { flapCount, flapWindowMs, holdDownMs } = settings;
  if (!Number.isSafeInteger(flapCount) || flapCount < 1) throw invalidArgument(`flap count ${flapCount} is not a whole number of at least 1`);
  if (!(flapWindowMs > 0)) throw invalidArgument(`flap window ${flapWindowMs} ms is not positive`);
  if (!(holdDownMs >= 0)) throw invalidArgument(`hold-down ${holdDownMs} ms is negative`);
}

interface Hold {
  /** The first heartbeat of the current steady run (undefined: none since the hold began). */
  steadySince: number | undefined;
  /** The last heartbeat while held, to find the gaps that restart the run. */
  lastHeard: number | undefined;
}

interface HostDamping {
  /** When the host went down, oldest first; at most `flapCount` entries, none older than the window once pruned. */
  downs: number[];
  /** Set while the host is held down. */
  hold: Hold | undefined;
}

export class FlapDamping {
  private readonly hosts = new Map<string, HostDamping>();

  constructor(readonly settings: DampingSettings) {
    checkDampingSettings(settings);
  }

  /**
   * `host` was marked down at `now` (once per up -> down transition). It is
   * held when this down makes flap-count within the window; downs older than
   * the window no longer count. A host released earlier whose older downs
   * are still in the window is held again at its next down: it is still
   * flapping.
   */
  wentDown(host: string, now: number): DownVerdict {
    const { flapCount, flapWindowMs, holdDownMs } = this.settings;
    const entry = this.hosts.get(host) ?? { downs: [], hold: undefined };
    this.hosts.set(host, entry);
    entry.downs = entry.downs.filter((at) => now - at < flapWindowMs);
    entry.downs.push(now);
    // Only the last flap-count downs can decide anything.
    if (entry.downs.length > flapCount) entry.downs.splice(0, entry.downs.length - flapCount);
    if (holdDownMs === 0 || entry.downs.length < flapCount) return { held: false };
    // A fresh hold: steadiness counts from the first heartbeat after this down.
    entry.hold = { steadySince: undefined, lastHeard: undefined };
    return { held: true, flaps: entry.downs.length };
  }

  /**
   * `host` heartbeat at `now`. A held host's steady run starts at its first
   * heartbeat after the down and restarts at any gap of --down-after or more;
   * the heartbeat that finds the run at least hold-down long releases it.
   */
  heard(host: string, now: number): HeartbeatVerdict {
    const entry = this.hosts.get(host);
    if (!entry) return { kind: "free" };
    const hold = entry.hold;
    if (!hold) {
      // Nothing left to remember once its last down is out of the window.
      const last = entry.downs[entry.downs.length - 1];
      if (last === undefined || now - last >= this.settings.flapWindowMs) this.hosts.delete(host);
      return { kind: "free" };
    }
    if (hold.steadySince === undefined || hold.lastHeard === undefined || now - hold.lastHeard >= this.settings.downAfterMs) hold.steadySince = now;
    hold.lastHeard = now;
    const steadyMs = now - hold.steadySince;
    if (steadyMs < this.settings.holdDownMs) return { kind: "held", steadyMs };
    entry.hold = undefined;
    return { kind: "released", steadyMs };
  }

  /** Whether `host` is held down now. */
  isHeld(host: string): boolean {
    return this.hosts.get(host)?.hold !== undefined;
  }

  /** Downs of `host` still within the window at `now`. */
  flapsInWindow(host: string, now: number): number {
    return (this.hosts.get(host)?.downs ?? []).filter((at) => now - at < this.settings.flapWindowMs).length;
  }
}
