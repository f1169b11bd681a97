import type { Clock, Timer } from "../../src/clock.js";

/** A clock that moves only when told to; timers fire in time order as it passes them. */
export class FakeClock implements Clock {
  private timers: { at: number; seq: number; callback: () => void }[] = [];
  private seq = 0;

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): Timer {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return { cancel: () => (this.timers = this.timers.filter((t) => t !== timer)) };
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = end;
  }

  /**
   * Moves time forward by `ms` as a busy event loop sees it: nothing runs
   * meanwhile, and the timers that came due on the way fire late, at the end.
   */
  stall(ms: number): void {
    this.current += ms;
    this.advance(0);
  }
}

