import { afterAll, afterEach } from "vitest";

export type Defer = (cleanup: () => void | Promise<void>) => void;

/** Cleanups registered during a test run in reverse order after it, whatever happened. */
export function useDefer(): Defer {
  return collect(afterEach);
}

/** The same, run once after every test of the file (for a server shared by a describe). */
export function useDeferAll(): Defer {
  return collect(afterAll);
}

function collect(hook: (fn: () => Promise<void>) => void): Defer {
  const cleanups: (() => void | Promise<void>)[] = [];
  hook(async () => {
    const errors: unknown[] = [];
    while (cleanups.length > 0) {
      try {
        await cleanups.pop()!();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  });
  return (cleanup) => void cleanups.push(cleanup);
}
