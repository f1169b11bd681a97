import { unavailable } from "../errors.js";
import type { WriteGate } from "./store-api.js";

interface Backup {
  host: string;
  /** Open Watch streams from this backup (a reconnect may briefly overlap the old stream). */
  streams: number;
  /** The highest revision it confirmed durable. */
  acked: number;
}

export interface BackupView {
  host: string;
  connected: boolean;
  acked: number;
}

/**
 * The primary's view of its backups: who follows (an open Watch with
 * `is_backup`), and how far each has confirmed (Ack). With `required` > 0
 * (--sync-backups K) it is the store's write gate: a write is refused up
 * front while fewer than K follow, and the commit point is the highest
 * revision that K connected backups hold on disk (`onCommitPoint`).
 *
 * With a coordinator the backups waited for are named (`designate`, the
 * sync record in etcd): the commit point is what every one of them holds,
 * so that any of them may win an election without losing an acknowledged
 * write.
 */
export class BackupTracker implements WriteGate {
  private readonly backups = new Map<string, Backup>();
  private commitPoint = 0;
  private readonly listeners = new Set<(revision: number) => void>();
  private readonly changeListeners = new Set<() => void>();
  private designated: ReadonlySet<string> | undefined;

  constructor(readonly required: number) {}

  /** A backup opened a Watch; the returned function closes it. */
  opened(host: string): () => void {
    const backup = this.backup(host);
    // What a backup holds is what it confirms on this stream: a reconnect may follow a resync.
    if (backup.streams === 0) backup.acked = 0;
    backup.streams++;
    this.changed();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      backup.streams--;
      this.changed();
    };
  }

  acked(host: string, revision: number): void {
    const backup = this.backup(host);
    if (revision <= backup.acked) return;
    backup.acked = revision;
    this.update();
    this.changed();
  }

  /** From now on every commit waits for exactly `hosts` (undefined: for any K connected backups). */
  designate(hosts: Iterable<string> | undefined): void {
    this.designated = hosts === undefined ? undefined : new Set(hosts);
    this.update();
  }

  /** The backups every commit waits for, when they are named. */
  get designatedHosts(): string[] | undefined {
    return this.designated && [...this.designated].sort();
  }

  /** Calls `listener` when a backup connects, disconnects or confirms more. */
  onChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A new reign (this manager just became primary): what backups confirmed before is of another history. */
  startReign(): void {
    this.commitPoint = 0;
    for (const backup of this.backups.values()) backup.acked = 0;
  }

  /** Calls `listener` each time the revision K connected backups hold moves forward. */
  onCommitPoint(listener: (revision: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): BackupView[] {
    return [...this.backups.values()]
      .map((b) => ({ host: b.host, connected: b.streams > 0, acked: b.acked }))
      .sort((a, b) => (a.host < b.host ? -1 : 1));
  }

  admit(): void {
    const connected = this.connected();
    if (connected.length < this.required) throw unavailable(this.shortage(connected));
  }

  /** Why `revision` is not committed after `waitedMs`: which backups hold what. */
  describe(revision: number, waitedMs: number): string {
    const backups = this.view();
    const each = backups.map((b) => `${b.host} ${b.connected ? `at revision ${b.acked}` : "not connected"}`).join(", ");
    const designated = this.designatedHosts;
    if (designated) {
      const holding = designated.filter((host) => (this.backups.get(host)?.acked ?? 0) >= revision);
      return (
        `revision ${revision} is on the primary's disk but held by ${holding.length} of the in-sync backups it waits for ` +
        `(${designated.join(", ") || `none yet, --sync-backups ${this.required}`}) after ${waitedMs} ms` +
        (each ? `: ${each}` : ": no backup follows")
      );
    }
    const holding = backups.filter((b) => b.connected && b.acked >= revision).length;
    return (
      `revision ${revision} is on the primary's disk but held by ${holding} of the ${this.required} backups it waits for ` +
      `(--sync-backups ${this.required}) after ${waitedMs} ms` +
      (each ? `: ${each}` : ": no backup follows")
    );
  }

  private backup(host: string): Backup {
    let backup = this.backups.get(host);
    if (!backup) {
      backup = { host, streams: 0, acked: 0 };
      this.backups.set(host, backup);
    }
    return backup;
  }

  private connected(): Backup[] {
    return [...this.backups.values()].filter((b) => b.streams > 0);
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  /** The K-th highest revision connected backups hold, or what every designated one holds; commit points only move forward. */
  private update(): void {
    if (this.required === 0) return;
    const point = this.designated ? this.heldByDesignated() : this.heldByK();
    if (point === undefined || point <= this.commitPoint) return;
    this.commitPoint = point;
    for (const listener of this.listeners) listener(point);
  }

  private heldByK(): number | undefined {
    const held = this.connected()
      .map((b) => b.acked)
      .sort((a, b) => b - a);
    return held[this.required - 1];
  }

  private heldByDesignated(): number | undefined {
    if (this.designated!.size < this.required) return undefined;
    return Math.min(...[...this.designated!].map((host) => this.backups.get(host)?.acked ?? 0));
  }

  private shortage(connected: Backup[]): string {
    const names = connected.map((b) => b.host).join(", ");
    return `--sync-backups ${this.required}: ${connected.length} backup${connected.length === 1 ? "" : "s"} connected${names ? ` (${names})` : ""}; writes wait for ${this.required}`;
  }
}
