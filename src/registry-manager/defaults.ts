/** A registry manager's own tunables, light enough for the CLI to load for its --help. */

/** Log entries kept for watchers that resume; older ones are compacted away. */
export const DEFAULT_LOG_RETENTION = 10_000;
