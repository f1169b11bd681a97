/**
 * A registry manager's metrics (SPEC 14). Most are read from the manager's
 * state when scraped (`collect`), so that serving them costs nothing between
 * scrapes; what must be counted as it happens is counted by the manager as
 * plain numbers, read here too. Only the write histogram is fed per event.
 * No label takes a host id: a registry of 100,000 hosts must not make
 * 100,000 series (`backup` is a registry manager's id, a handful).
 */
import { Gauge, Histogram, type Registry } from "prom-client";
import { LIVENESS_VALUES, type Liveness } from "../registry/model.js";
import { scrapedCounter, scrapedGauge } from "./scraped.js";

/** What the metrics read of a manager, when scraped. */
export interface ManagerState {
  /** The committed revision (what readers see). */
  revision(): number;
  epoch(): number;
  isPrimary(): boolean;
  /** Role transitions since the start (role.ts), the first one included. */
  roleChanges(): number;
  /** On a primary: each backup it knows, by host id, and how many revisions its disk is behind this one's; none on a backup. */
  backupLags(): { backup: string; lag: number }[];
  /** Open Watch streams (agents, backups, `cairn watch`). */
  watchers(): number;
  /** Since the start: events written to Watch streams, and watchers cut off for falling behind (watch-hub.ts). */
  watchCounts(): { sent: number; slow: number };
  /** Registered hosts by liveness. */
  hostsByLiveness(): Record<Liveness, number>;
}

/** Buckets of the write duration, in seconds: a write takes about a millisecond on a free disk, a second when backups lag. */
export const WRITE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export interface ManagerMetrics {
  /** A write took `seconds` from its acceptance to its commit. */
  observeWrite(seconds: number): void;
}

export function managerMetrics(registry: Registry, state: ManagerState): ManagerMetrics {
  const registers = [registry];
  scrapedGauge(registry, "cairn_revision", "The committed revision of the registry on this manager.", () => state.revision());
  scrapedGauge(registry, "cairn_epoch", "The epoch this manager's store is in.", () => state.epoch());
  scrapedGauge(registry, "cairn_is_primary", "1 on the primary, 0 on a backup or while starting.", () => (state.isPrimary() ? 1 : 0));
  scrapedGauge(registry, "cairn_watchers", "Open Watch streams: agents, backups and cairn watch.", () => state.watchers());
  scrapedCounter(registry, "cairn_role_changes_total", "Role transitions of this manager since it started (starting, primary, backup, deposed).", () => state.roleChanges());
  scrapedCounter(registry, "cairn_watch_events_sent_total", "Events written to Watch streams: changes, snapshot chunks, progress.", () => state.watchCounts().sent);
  scrapedCounter(registry, "cairn_slow_watchers_total", "Watchers cut off because they fell too far behind (they resume from their revision).", () => state.watchCounts().slow);
  new Gauge({
    name: "cairn_backup_lag_revisions",
    help: "On the primary: how many revisions each backup's disk is behind the primary's.",
    labelNames: ["backup"] as const,
    registers,
    collect() {
      this.reset();
      for (const { backup, lag } of state.backupLags()) this.set({ backup }, lag);
    },
  });
  new Gauge({
    name: "cairn_hosts",
    help: "Registered hosts by liveness.",
    labelNames: ["liveness"] as const,
    registers,
    collect() {
      const hosts = state.hostsByLiveness();
      for (const liveness of LIVENESS_VALUES) this.set({ liveness }, hosts[liveness]);
    },
  });
  const writes = new Histogram({
    name: "cairn_write_duration_seconds",
    help: "How long a change took from its acceptance by the primary to its commit (on disk, and on --sync-backups backups).",
    buckets: WRITE_BUCKETS,
    registers,
  }).labels();
  return { observeWrite: (seconds) => writes.observe(seconds) };
}
