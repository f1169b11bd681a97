import type { ChangeRecord } from "../registry/model.js";

/** Recent changes kept in memory (this many to twice as many) so that watchers near the head never read the disk. */
export const RECENT_CHANGES = 1_024;

/**
 * The last published changes, in revision order: the store answers a
 * watcher's catch-up from here when it can, from the log when it cannot.
 */
export class RecentChanges {
  private readonly window: ChangeRecord[] = [];

  push(change: ChangeRecord): void {
    this.window.push(change);
    // Trimmed by half a window at a time, not by one entry per change.
    if (this.window.length >= 2 * RECENT_CHANGES) this.window.splice(0, this.window.length - RECENT_CHANGES);
  }

  /** The changes after `revision` when the window still holds the next one, else undefined. */
  after(revision: number): ChangeRecord[] | undefined {
    const first = this.window[0]?.revision;
    if (first === undefined || first > revision + 1) return undefined;
    return this.window.slice(revision + 1 - first);
  }

  clear(): void {
    this.window.length = 0;
  }
}
