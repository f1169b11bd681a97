/** A registry manager's tunables, with their units, in one place light enough for the CLI to load. */

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 1_000;
export const DEFAULT_DOWN_AFTER_MS = 3_000;
/** Log entries kept for watchers that resume; older ones are compacted away. */
export const DEFAULT_LOG_RETENTION = 10_000;
