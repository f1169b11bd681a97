/**
 * The open-file limit of the bench process, raised for the scale bench's
 * 20,000 connections (and their peers' ends, in the processes it starts,
 * which inherit the limit). Node cannot set rlimits itself; util-linux's
 * `prlimit --pid` can, raising the hard limit too when run as root.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** What the scale bench asks for: 20,000 agents' connections plus a manager's own files, with room. */
export const WANTED_FDS = 65_536;

export interface FdLimit {
  soft: number;
  hard: number;
}

export function fdLimit(pid: number | "self" = "self"): FdLimit {
  const line = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
  const num = (v: string | undefined) => (v === undefined ? NaN : v === "unlimited" ? Infinity : Number(v));
  return { soft: num(line?.[1]), hard: num(line?.[2]) };
}

/**
 * Raises this process's soft (and if need be hard) limit to `wanted`;
 * processes spawned afterwards inherit it. Says what it found, what it got
 * and, when it could not, why.
 */
export function raiseFdLimit(wanted = WANTED_FDS): { before: FdLimit; after: FdLimit; problem?: string } {
  const before = fdLimit();
  if (before.soft >= wanted) return { before, after: before };
  let problem: string | undefined;
  try {
    const hard = Math.max(wanted, before.hard === Infinity ? wanted : before.hard);
    execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${wanted}:${hard}`], { stdio: ["ignore", "ignore", "pipe"] });
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? "").trim().replace(/^prlimit: /, "");
    problem = `prlimit could not raise the open-file limit to ${wanted}: ${stderr || (error instanceof Error ? error.message : String(error))}`;
    // Without privileges the soft limit can still go up to the hard one.
    try {
      if (before.hard > before.soft) execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${before.hard}:${before.hard}`]);
    } catch {
      // As it was.
    }
  }
  const after = fdLimit();
  if (problem) console.error(`warning: ${problem}; the limit is ${after.soft} (soft) / ${after.hard} (hard)`);
  return problem ? { before, after, problem } : { before, after };
}
