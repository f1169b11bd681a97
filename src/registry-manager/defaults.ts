/** A registry manager's own tunables, light enough for the CLI to load for its --help. */

/** Log entries kept for watchers that resume; older ones are compacted away. */
export const DEFAULT_LOG_RETENTION = 10_000;
/** How long a new backup waits for the manager it joins to answer (--join-timeout). */
export const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
