/**
 * A server whose parent is gone stops as it would on SIGTERM. `npx cairn
 * manager start …` runs the server under npm's wrapper; a SIGTERM (or a
 * SIGKILL) sent to the wrapper alone ends it without passing the signal on,
 * and the server, adopted by init or another reaper, would run on with
 * nobody to stop it. Its parent's pid changing is how it notices.
 *
 * Only under npm (which sets `npm_command` for what it runs): a server
 * started by a script that then exits (`nohup … &`, a shell's `&`) is a
 * daemon on purpose, and keeps running when adopted.
 */
import { untilSignal } from "./signals.js";

/** How often a server looks at its parent's pid: cheap (one getppid), and a second is soon enough for a stop. */
export const PARENT_CHECK_INTERVAL_MS = 1_000;

/** Why a server stops: a signal, or its parent went away (`was` the parent's pid at start, `now` the adopter's). */
export type StopReason = { signal: NodeJS.Signals } | { parentGone: { was: number; now: number } };

/**
 * Resolves once the parent's pid is no longer `was` (the parent exited and
 * the process was adopted), checking every `intervalMs` on a timer that does
 * not keep the process alive; `until` cancels it.
 */
export function untilParentGone(
  until?: AbortSignal,
  intervalMs = PARENT_CHECK_INTERVAL_MS,
  ppid: () => number = () => process.ppid,
): Promise<{ was: number; now: number }> {
  const was = ppid();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = ppid();
      if (now === was) return;
      clearInterval(timer);
      resolve({ was, now });
    }, intervalMs);
    timer.unref();
    until?.addEventListener("abort", () => clearInterval(timer), { once: true });
  });
}

/** Whether a server watches its parent: when npm's wrapper started it (npx, npm exec, npm run). */
export function watchesParent(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.npm_command !== undefined;
}

/** What a server's `start` waits on: SIGINT, SIGTERM, or (under npm) its parent gone; the other watches are taken down. */
export async function untilStopRequested(env: NodeJS.ProcessEnv = process.env): Promise<StopReason> {
  const done = new AbortController();
  try {
    const stops: Promise<StopReason>[] = [untilSignal(done.signal).then((signal) => ({ signal }))];
    if (watchesParent(env)) stops.push(untilParentGone(done.signal).then((parentGone) => ({ parentGone })));
    return await Promise.race(stops);
  } finally {
    done.abort();
  }
}

/** The log line of a stop: `{ signal }` or `{ parentPid, adoptedBy }`, and its message. */
export function stopLogLine(reason: StopReason): [Record<string, unknown>, string] {
  return "signal" in reason
    ? [{ signal: reason.signal }, "stopping"]
    : [{ parentPid: reason.parentGone.was, adoptedBy: reason.parentGone.now }, `the parent process ${reason.parentGone.was} is gone: stopping`];
}
