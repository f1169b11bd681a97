/**
 * Who may campaign to be the primary (SPEC 12): with --sync-backups K ≥ 1,
 * only a manager that holds every acknowledged write, which the sync record
 * in etcd names (the primary that wrote it, and the backups every commit
 * waited for). Pure, so that the rule is tested on its own.
 */
import type { Facts } from "../coordination/etcd-coordinator.js";

/**
 * Why `host` may not campaign now, or undefined when it may. What was
 * promised is the last primary's --sync-backups (its sync record's), this
 * manager's own before any record exists; `wasPrimary`: its disk says it
 * was the primary (the manager that bootstrapped, or one run before a
 * coordinator).
 */
export function ineligibility(host: string, facts: Facts, syncBackups: number, wasPrimary: boolean): string | undefined {
  if (facts.holder) return `${facts.holder.host} holds the primary key (epoch ${facts.holder.epoch})`;
  if (facts.switchover && facts.switchover.to !== host) return `a switchover to ${facts.switchover.to} is under way`;
  const sync = facts.sync;
  // Nothing was promised beyond the primary's own disk: any manager may take over.
  if ((sync?.required ?? syncBackups) === 0) return undefined;
  if (!sync) return wasPrimary ? undefined : "no sync record in etcd yet, and this manager was not the primary";
  if (sync.primary === host || sync.backups.includes(host)) return undefined;
  return `it may lack acknowledged writes: only ${[sync.primary, ...sync.backups].join(", ")} hold every one (etcd's sync record, epoch ${sync.epoch})`;
}
