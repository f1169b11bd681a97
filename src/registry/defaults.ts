/** The liveness tunables both sides of the heartbeat share (SPEC 5), with their units. */

/** How often an agent heartbeats, until the primary's reply says otherwise. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/** Silence after which the primary marks a host down. */
export const DEFAULT_DOWN_AFTER_MS = 3_000;
/**
 * A change of at least this many ops (an import, a sweep after one) keeps a
 * replica busy for a good part of a second or more (checking its digest,
 * applying and storing it: 10-15 µs an op here), and its heartbeats wait
 * behind it. So the primary gives every host its --down-after again from
 * when it published one, and an agent beats as soon as it has applied one.
 */
export const LONG_CHANGE_OPS = 10_000;
