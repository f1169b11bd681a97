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
 * schedules: only the drivers and `nextTurn` below touch
 * a timer (setImmediate), which is why they live beside the model every
 * layer reads.
 */

/**
 * Items per slice. The costliest per-item steps of a change measured 2 to
 * 10 µs a host on the 2-core machine (the digest's SHA-256, the JSON of a
 * host, LevelDB's per-entry cost), and up to 40 µs on a day when the
 * shared machine ran everything at half speed: slices of 1,000 items then
 * took 20-41 ms in the scale bench's import, and a slice with a collection
 * in it made a turn of 63 ms. At 250 a slice stays near 10 ms even then,
 * and the import's p99 turn was 13-15 ms instead of 16-20 (its longest are
 * LevelDB's own copies of a big batch: storage/raw-batch.ts). Works take
 * turns (an import's batch, its change's encoding for watchers, a digest,
 * a sweep): one queued slice a turn, whichever work it is of, with the
 * turn's I/O and a collection on top. A work's first slice runs in its
 * caller's turn, which may be the one a finished work's last slice ran in
 * (a work awaited by the next).
 */
export const ITEMS_PER_SLICE = 250;

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
 * never yields finishes before `run` returns), then a slice whenever its
 * turn comes (inTurn). `done` or `failed` is called exactly once.
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
    else inTurn(slice);
  };
  slice();
}

/**
 * Later slices of every work, waiting for a turn, oldest first. One of them
 * runs per turn of the event loop: with a setImmediate of each work's own,
 * all the works' slices queued by then ran in the same check phase. In an
 * import whose longest turn was 79 ms, with no collection in it, a profile
 * showed three works slicing at once at 20-30 ms a slice (the digest, the
 * log's batch, and the batch's checkpoint).
 */
const waiting: (() => void)[] = [];
let pumping = false;

function inTurn(slice: () => void): void {
  waiting.push(slice);
  if (!pumping) {
    pumping = true;
    setImmediate(pump);
  }
}

function pump(): void {
  try {
    waiting.shift()!();
  } finally {
    // A slice's done or failed that threw still leaves the others their turns (the throw goes on, to the process).
    if (waiting.length > 0) setImmediate(pump);
    else pumping = false;
  }
}

/** `runSteps` as a promise, for async callers. */
export function finishSteps<T>(steps: Steps<T>): Promise<T> {
  return new Promise((resolve, reject) => runSteps(steps, resolve, reject));
}
