import type { ChildProcess } from "node:child_process";

/** What a bench child process says over IPC: a `type`, and a `message` when it is "failed". */
export interface ChildSays {
  type: string;
  message?: string;
}

/**
 * The next IPC message of `type` from `child` (called `name` in errors);
 * rejects when the child says "failed", exits first, or `timeoutMs` passes.
 * `why` adds what the child said before it exited.
 */
export function nextMessage<M extends ChildSays, T extends M["type"]>(
  child: ChildProcess,
  name: string,
  type: T,
  timeoutMs: number,
  why: () => string = () => "",
): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`${name}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: M) => {
      if (m.type === type) done(undefined, m as Extract<M, { type: T }>);
      else if (m.type === "failed") done(new Error(`${name} failed: ${m.message}`));
    };
    const onExit = (code: number | null, signal: string | null) => done(new Error(`${name} exited (${code ?? signal}) before "${type}"${why()}`));
    const done = (error?: Error, message?: Extract<M, { type: T }>) => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      if (error) reject(error);
      else resolve(message!);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}
