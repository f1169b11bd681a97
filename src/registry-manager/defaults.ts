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
/**
 * How often a relaying backup reports the pulses it took (SPEC 16). A host
 * whose agent stops is marked down up to this much later than without a
 * relay; the primary's cost is a call per report, whatever the number of
 * agents.
 */
export const RELAY_REPORT_MS = 250;
/**
 * A relay whose last report is this old is silent: its primary names it to
 * no agent and gives its hosts their --down-after again; the relay itself
 * answers pulses `relayed` false once its last report that reached a primary
 * is this old.
 */
export const RELAY_SILENT_MS = 1_500;
