/**
 * Resolves with the first of SIGINT or SIGTERM; a server's `start` command waits on it. An
 * aborted `until` takes the listeners off again (the process then dies of a signal as usual).
 */
export function untilSignal(until?: AbortSignal): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const off = () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    };
    const onSignal = (signal: NodeJS.Signals) => {
      off();
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    until?.addEventListener("abort", off, { once: true });
  });
}
