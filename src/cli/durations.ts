import { InvalidArgumentError } from "commander";
import { DURATION_EXAMPLES, parseDurationMs } from "../registry/durations.js";

/** Parsers for command-line option values. */

/** "1500", "1500ms", "3s", "2m" → milliseconds (the syntax of src/registry/durations.ts, which fixtures share). */
export function parseDuration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`"${value}" is not a duration (${DURATION_EXAMPLES})`);
  return ms;
}

export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  return n;
}

/** "a, b,,c" → ["a", "b", "c"]. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
