/** The liveness tunables both sides of the heartbeat share (SPEC 5), with their units. */

/** How often an agent heartbeats, until the primary's reply says otherwise. */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
/** Silence after which the primary marks a host down. */
export const DEFAULT_DOWN_AFTER_MS = 3_000;
