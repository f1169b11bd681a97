import { InvalidArgumentError } from "commander";
import { DURATION_EXAMPLES, parseDurationMs } from "../registry/durations.js";
import { portProblem, priorityProblem } from "../registry/names.js";

/**
 * Parsers for command-line option values. Each refuses, as a usage error
 * (exit 2), what the wire could not carry as given: a number is checked
 * against the range of its proto field before anything is sent (a uint32
 * port of -1 would arrive as 4294967295, an int32 priority of 99999999999
 * as 1215752191).
 */

/** The longest duration an option takes: Node's timers hold at most 2^31-1 ms (24.8 days). */
export const MAX_DURATION_MS = 2 ** 31 - 1;
export const MAX_UINT32 = 2 ** 32 - 1;

/**
 * "1500ms", "3s", "2m" → milliseconds (the syntax of src/registry/durations.ts,
 * which fixtures share). On the command line a unit is required except for 0:
 * `--timeout 5` is five milliseconds to the parser and five seconds to most people.
 */
export function parseDuration(value: string): number {
  const ms = parseDurationMs(value);
  if (ms === undefined) throw new InvalidArgumentError(`"${value}" is not a duration (${DURATION_EXAMPLES})`);
  if (ms !== 0 && /^\s*[\d.]+\s*$/.test(value)) throw new InvalidArgumentError(`"${value}" has no unit: write ${value.trim()}ms or ${value.trim()}s`);
  if (ms > MAX_DURATION_MS) throw new InvalidArgumentError(`"${value}" is longer than the longest duration, 24 days`);
  return ms;
}

/** A whole number from 0, in decimal digits, up to the largest exact integer (uint64 fields such as revisions). */
export function parseCount(value: string): number {
  return countUpTo(value, Number.MAX_SAFE_INTEGER);
}

/** A count carried in a uint32 field (backups, check rise and fall). */
export function parseUint32(value: string): number {
  return countUpTo(value, MAX_UINT32);
}

// Not exported as a parser: commander calls a parser with (value, previous), which must not become `max`.
function countUpTo(value: string, max: number): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not a whole number`);
  if (n > max) throw new InvalidArgumentError(`"${value}" is larger than ${max}`);
  return n;
}

/** A whole number, possibly negative, in decimal digits. */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*-?\d+\s*$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}

/** A package's port: 1 to 65535 (a uint32 on the wire, refused there too). */
export function parsePort(value: string): number {
  const n = parseInteger(value);
  const problem = portProblem(n);
  if (problem) throw new InvalidArgumentError(problem);
  return n;
}

/** A package's priority: an int32. */
export function parsePriority(value: string): number {
  const n = parseInteger(value);
  const problem = priorityProblem(n);
  if (problem) throw new InvalidArgumentError(problem);
  return n;
}

/** "a, b,,c" → ["a", "b", "c"]. */
export function commaList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
