/** A registry manager's own tunables, light enough for the CLI to load for its --help. */

/** Log entries kept for watchers that resume; older ones are compacted away. */
export const DEFAULT_LOG_RETENTION = 10_000;
/** How long a new backup waits for the manager it joins to answer (--join-timeout). */
export const DEFAULT_JOIN_TIMEOUT_MS = 30_000;
/** --lease-ttl: how long etcd keeps a primary's key after its last keepalive (SPEC 12). */
export const DEFAULT_LEASE_TTL_SECONDS = 5;
/** --flap-count: downs within --flap-window that hold a host down (SPEC 13). */
export const DEFAULT_FLAP_COUNT = 3;
/** --flap-window: how long a down counts towards --flap-count. */
export const DEFAULT_FLAP_WINDOW_MS = 60_000;
/** --hold-down: how long a flapping host must heartbeat steadily before it is up again. */
export const DEFAULT_HOLD_DOWN_MS = 10_000;
