/**
 * Big work in slices (SPEC 16, issue 17: no request or import holds the
 * event loop for more than 50 ms). Work over many entities is written as a
 * generator (`Steps`) that yields after every ITEMS_PER_SLICE items; a
 * driver runs it synchronously up to its first yield, then a slice per turn
 * of the event loop, so heartbeats and other calls are answered in between.
 * Work over fewer items never yields: its driver finishes it in the turn
 * it started (`runSteps` before it returns, `finishSteps` with a promise
 * already settled), on the same code path.
 *
 * Pure code (src/router, the mutations) writes generators and never
 * schedules: only the drivers and `nextTurn` at the end of this file touch
 * a timer (setImmediate), which is why they live beside the model every
 * layer reads.
 */

/**
 * Items per slice. The costliest per-item steps of a change measured 2 to
 * 10 µs a host on the 2-core machine (the digest's SHA-256, the JSON of a
 * host, LevelDB's per-entry cost), so a slice stays near 10 ms. Slices of
 * several works share a turn (an import's batch, its change's encoding for
 * watchers, a sweep), with the turn's I/O and a collection on top, so a
 * slice is kept well under a third of the budget.
 */
export const ITEMS_PER_SLICE = 1_000;

/** Work that yields between slices and returns T. */
export type Steps<T> = Generator<void, T, void>;

/** Counts items done; `due()` is true once a slice is full, and starts the next one. */
export class SliceCounter {
  private done = 0;

  constructor(private readonly perSlice = ITEMS_PER_SLICE) {}

  /** Counts `items` more; true when the caller should yield now. */
  due(items = 1): boolean {
    this.done += items;
    if (this.done < this.perSlice) return false;
    this.done = 0;
    return true;
  }
}

/** Runs `steps` to its end in this turn: for callers that need the result now (and inputs known to be small). */
export function completeSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Resolves on a later turn of the event loop, after the I/O waiting now (a macrotask, unlike a resolved promise). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs `steps` to its end: synchronously up to the first yield (so work that
 * never yields finishes before `run` returns), then one slice per turn.
 * `done` or `failed` is called exactly once.
 */
export function runSteps<T>(steps: Steps<T>, done: (result: T) => void, failed: (error: unknown) => void): void {
  const slice = () => {
    let next: IteratorResult<void, T>;
    try {
      next = steps.next();
    } catch (error) {
      failed(error);
      return;
    }
    if (next.done) done(next.value);
    else setImmediate(slice);
  };
  slice();
}

/** `runSteps` as a promise, for async callers. */
export function finishSteps<T>(steps: Steps<T>): Promise<T> {
  return new Promise((resolve, reject) => runSteps(steps, resolve, reject));
}
