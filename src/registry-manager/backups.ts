import type { Clock, Timer } from "../clock.js";
import { unavailable } from "../errors.js";
import type { WriteGate } from "./store.js";

/** How long an acknowledgement may wait for the backups before the write is answered UNAVAILABLE. */
export const SYNC_TIMEOUT_MS = 5_000;

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
 * front while fewer than K follow, and acknowledged only once K have it on
 * disk.
 */
export class BackupTracker implements WriteGate {
  private readonly backups = new Map<string, Backup>();
  private waiters: { revision: number; resolve: () => void; reject: (error: Error) => void; timer: Timer }[] = [];

  constructor(
    readonly required: number,
    private readonly clock: Clock,
  ) {}

  /** A backup opened a Watch; the returned function closes it. */
  opened(host: string): () => void {
    const backup = this.backup(host);
    backup.streams++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      backup.streams--;
      this.check();
    };
  }

  acked(host: string, revision: number): void {
    const backup = this.backup(host);
    backup.acked = Math.max(backup.acked, revision);
    this.check();
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

  durable(revision: number): Promise<void> {
    if (this.required === 0 || this.holding(revision) >= this.required) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(unavailable(`revision ${revision} reached ${this.holding(revision)} of ${this.required} backups within ${SYNC_TIMEOUT_MS} ms (--sync-backups ${this.required})`));
      }, SYNC_TIMEOUT_MS);
      this.waiters.push({ revision, resolve, reject, timer });
    });
  }

  /** Fails every waiting write (the manager stops being primary). */
  failAll(error: Error): void {
    for (const waiter of this.waiters.splice(0)) {
      waiter.timer.cancel();
      waiter.reject(error);
    }
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

  /** How many connected backups hold `revision` on disk. */
  private holding(revision: number): number {
    return this.connected().filter((b) => b.acked >= revision).length;
  }

  private shortage(connected: Backup[]): string {
    const names = connected.map((b) => b.host).join(", ");
    return `--sync-backups ${this.required}: ${connected.length} backup${connected.length === 1 ? "" : "s"} connected${names ? ` (${names})` : ""}; writes wait for ${this.required}`;
  }

  private check(): void {
    const connected = this.connected();
    this.waiters = this.waiters.filter((waiter) => {
      if (this.holding(waiter.revision) >= this.required) {
        waiter.timer.cancel();
        waiter.resolve();
        return false;
      }
      if (connected.length < this.required) {
        waiter.timer.cancel();
        waiter.reject(unavailable(this.shortage(connected)));
        return false;
      }
      return true;
    });
  }
}
