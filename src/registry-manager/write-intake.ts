import { runSteps, type Steps } from "../registry/steps.js";

/** A write waiting its turn, and how its caller is told if its steps throw. */
interface Work {
  steps: () => Steps<void>;
  reject: (error: unknown) => void;
}

/**
 * The store's writes, run one at a time in the order they arrived (the
 * store's write order: each runs against the state every earlier one left).
 * A write runs at once, in the caller's tick, when none is under way; one
 * whose steps yield (an import: see registry/steps.ts) gets a slice per turn
 * of the event loop (`runSteps`), and the writes that arrive meanwhile wait
 * their turn behind it, while reads, heartbeats that change nothing, and
 * every other call are answered between its slices.
 *
 * Each piece of work answers its own caller: a step that throws is a bug,
 * reported through `failed` and to the caller's `reject`, and the work
 * dropped; the next still runs.
 */
export class WriteIntake {
  private readonly waiting: Work[] = [];
  /** True while a write is under way: the next waits for it. */
  private running = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly failed: (error: unknown) => void) {}

  push(steps: () => Steps<void>, reject: (error: unknown) => void): void {
    this.waiting.push({ steps, reject });
    if (!this.running) this.drain();
  }

  /** Resolves once every write pushed so far has run. */
  idle(): Promise<void> {
    if (!this.running && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Starts waiting work, one after the other, until one yields (it goes on
   * over later turns and drains again when done) or none is left. A loop,
   * not a callback chain: the writes queued behind an import finish in one
   * turn without growing the stack.
   */
  private drain(): void {
    while (!this.running) {
      const work = this.waiting.shift();
      if (!work) break;
      // Set before the first step runs: a write pushed from within it waits its turn.
      this.running = true;
      let later = false;
      const finished = () => {
        this.running = false;
        if (later) this.drain();
      };
      const threw = (error: unknown) => {
        this.failed(error);
        work.reject(error);
        finished();
      };
      runSteps(work.steps(), finished, threw);
      later = true;
    }
    if (!this.running) for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}
