import type { Clock, Timer } from "../clock.js";

interface Waiter {
  revision: number;
  answer: () => void;
  reject: (error: unknown) => void;
  timer: Timer;
}

/**
 * Answers waiting for the commit point: each goes out once its revision is
 * committed, or is rejected at its deadline. They are added batch by batch,
 * so the list is in revision order and a commit answers a prefix of it.
 */
export class CommitWaiters {
  private waiting: Waiter[] = [];

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.waiting.length;
  }

  /** `tooLate(waitedMs)` is the rejection at the deadline. */
  add(revision: number, deadline: number, answer: () => void, reject: (error: unknown) => void, tooLate: (waitedMs: number) => unknown): void {
    const since = this.clock.now();
    const waiter: Waiter = {
      revision,
      answer,
      reject,
      timer: this.clock.setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(tooLate(this.clock.now() - since));
      }, Math.max(0, deadline - since)),
    };
    this.waiting.push(waiter);
  }

  /** The commit point reached `revision`: every answer at or below it goes out. */
  committed(revision: number): void {
    let done = 0;
    while (done < this.waiting.length && this.waiting[done]!.revision <= revision) done++;
    for (const waiter of this.waiting.splice(0, done)) {
      waiter.timer.cancel();
      waiter.answer();
    }
  }

  rejectAll(error: unknown): void {
    for (const waiter of this.waiting.splice(0)) {
      waiter.timer.cancel();
      waiter.reject(error);
    }
  }
}
