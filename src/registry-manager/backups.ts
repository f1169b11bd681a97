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
 */
export class BackupTracker implements WriteGate {
  private readonly backups = new Map<string, Backup>();
  private commitPoint = 0;
  private readonly listeners = new Set<(revision: number) => void>();

  constructor(readonly required: number) {}

  /** A backup opened a Watch; the returned function closes it. */
  opened(host: string): () => void {
    const backup = this.backup(host);
    // What a backup holds is what it confirms on this stream: a reconnect may follow a resync.
    if (backup.streams === 0) backup.acked = 0;
    backup.streams++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      backup.streams--;
    };
  }

  acked(host: string, revision: number): void {
    const backup = this.backup(host);
    if (revision <= backup.acked) return;
    backup.acked = revision;
    this.update();
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
    const holding = backups.filter((b) => b.connected && b.acked >= revision).length;
    const each = backups.map((b) => `${b.host} ${b.connected ? `at revision ${b.acked}` : "not connected"}`).join(", ");
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

  /** The K-th highest revision connected backups hold; commit points only move forward. */
  private update(): void {
    if (this.required === 0) return;
    const held = this.connected()
      .map((b) => b.acked)
      .sort((a, b) => b - a);
    const point = held[this.required - 1];
    if (point === undefined || point <= this.commitPoint) return;
    this.commitPoint = point;
    for (const listener of this.listeners) listener(point);
  }

  private shortage(connected: Backup[]): string {
    const names = connected.map((b) => b.host).join(", ");
    return `--sync-backups ${this.required}: ${connected.length} backup${connected.length === 1 ? "" : "s"} connected${names ? ` (${names})` : ""}; writes wait for ${this.required}`;
  }
}
