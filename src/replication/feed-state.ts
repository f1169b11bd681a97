/**
 * A watch feed's connection as an explicit state machine (SPEC 6): the
 * states, the events that move it, and one pure transition function. The
 * feed (watch-feed.ts) carries out what each new state means (open a
 * stream, wait out a delay, cancel everything); this file only says which
 * moves exist and what each state carries to the next.
 *
 *   idle --start--> connecting --progress, delivered--> live
 *                   connecting, live --snapshot-chunk--> syncing --delivered--> live
 *   connecting, syncing, live --stream-ended--> waiting (backoff, next candidate)
 *   connecting, syncing, live --refused--> waiting (no delay; ABORTED: next candidate, otherwise: resync)
 *   live --retarget--> waiting (no delay; the first candidate, which is not the one watched)
 *   waiting --retry--> connecting
 *   any --stop--> stopped
 *
 * `installed` changes no state's kind: a snapshot in the sink means the
 * next connect resumes from it instead of asking for another.
 */

/** First reconnect delay; it doubles per failure up to the maximum, with ±50% jitter. */
export const RECONNECT_BASE_MS = 50;
export const RECONNECT_MAX_MS = 5_000;

/** What the feed carries from one stream to the next, in every state between start and stop. */
export interface Carried {
  /**
   * The manager to watch, as an index into the candidates (taken modulo
   * their number when connecting, since the list may change): it moves on
   * when a stream breaks or a manager turns out deposed.
   */
  candidate: number;
  /** Streams that broke since the feed was last live: each doubles the reconnect delay. 0 when live. */
  failures: number;
  /**
   * The sink refused something and has installed no snapshot since: the
   * next connect asks for one (from revision 0) instead of resuming. It
   * lasts across broken streams until a snapshot is installed.
   */
  resync: boolean;
}

export type FeedState =
  | { kind: "idle" }
  /** A stream is open; nothing from it has reached the sink yet. */
  | ({ kind: "connecting" } & Carried)
  /** A snapshot is arriving or being installed. */
  | ({ kind: "syncing" } & Carried)
  /** The stream has delivered, or the manager has said it has nothing older to send. */
  | ({ kind: "live" } & Carried)
  /** No stream: the next connect is due after `delayMs`. */
  | ({ kind: "waiting"; delayMs: number } & Carried)
  | { kind: "stopped" };

export type FeedStateKind = FeedState["kind"];

export type FeedEvent =
  | { type: "start" }
  /** The reconnect delay has passed. */
  | { type: "retry" }
  /** A keep-alive on the stream: the manager is there and names its position. */
  | { type: "progress" }
  /** A chunk of a snapshot arrived on the stream. */
  | { type: "snapshot-chunk" }
  /** The sink took something the current stream sent: a batch of changes or a snapshot. */
  | { type: "delivered" }
  /** The sink installed a snapshot (from the current stream, or from one already gone). */
  | { type: "installed" }
  /** The sink (or decoding) refused what the stream sent; `aborted`: from an epoch older than one seen. */
  | { type: "refused"; aborted: boolean }
  /** The stream ended or failed; `jitter`, in [0, 1), spreads the reconnects of many feeds. */
  | { type: "stream-ended"; jitter: number }
  /** The first candidate is no longer the manager watched (the agent's `registry` route changed): move to it. */
  | { type: "retarget" }
  | { type: "stop" };

const FIRST_CONNECT: Carried = { candidate: 0, failures: 0, resync: false };

/** The delay before the next connect after `failures` broken streams in a row (at least 1), with `jitter` in [0, 1). */
export function reconnectDelayMs(failures: number, jitter: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** (failures - 1)) * (0.5 + jitter);
}

function carried(state: Carried): Carried {
  return { candidate: state.candidate, failures: state.failures, resync: state.resync };
}

/**
 * The state after `event` in `state`, or undefined when the event cannot
 * happen there (the feed treats that as a bug). A stopped feed stays
 * stopped whatever happens: a snapshot or a progress callback may still
 * finish after stop.
 */
export function nextFeedState(state: FeedState, event: FeedEvent): FeedState | undefined {
  if (state.kind === "stopped" || event.type === "stop") return { kind: "stopped" };
  if (state.kind === "idle") return event.type === "start" ? { kind: "connecting", ...FIRST_CONNECT } : undefined;
  const carry = carried(state);
  if (event.type === "installed") return { ...state, resync: false };
  if (state.kind === "waiting") {
    if (event.type === "retarget") return state;
    return event.type === "retry" ? { kind: "connecting", ...carry } : undefined;
  }
  // A stream is open: connecting, syncing or live.
  switch (event.type) {
    case "progress":
      return state.kind === "connecting" ? { kind: "live", ...carry, failures: 0 } : state;
    case "snapshot-chunk":
      return { kind: "syncing", ...carry };
    case "delivered":
      return { kind: "live", ...carry, failures: 0 };
    case "refused":
      // Deposed: try the next manager at once. Otherwise the same one, for a snapshot.
      return event.aborted
        ? { kind: "waiting", delayMs: 0, ...carry, candidate: carry.candidate + 1 }
        : { kind: "waiting", delayMs: 0, ...carry, resync: true };
    case "retarget":
      // Only a live stream moves: one still catching up finishes first, and its delivery asks again.
      return state.kind === "live" ? { kind: "waiting", delayMs: 0, ...carry, candidate: 0 } : state;
    case "stream-ended": {
      const failures = carry.failures + 1;
      return { kind: "waiting", delayMs: reconnectDelayMs(failures, event.jitter), ...carry, failures, candidate: carry.candidate + 1 };
    }
    case "start":
    case "retry":
      return undefined;
  }
}
