/** A registry manager's own tunables, light enough for the CLI to load for its --help. */

/** Log entries kept for watchers that resume; older ones are compacted away. */
export const DEFAULT_LOG_RETENTION = 10_000;
/** How long a new backup waits for the manager it joins to answer (--join-timeout). */
export const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
/** --lease-ttl: how long etcd keeps a primary's key after its last keepalive (SPEC 12). */
export const DEFAULT_LEASE_TTL_SECONDS = 5;
