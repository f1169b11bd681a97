import { InvalidArgumentError } from "commander";

/** Parsers for command-line option values. */

/** "1500", "1500ms", "3s", "2m" → milliseconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError(`"${value}" is not a duration (e.g. 500ms, 3s, 1m)`);
  const amount = Number(match[1]);
  const unit = match[2] ?? "ms";
  return Math.round(amount * (unit === "m" ? 60_000 : unit === "s" ? 1_000 : 1));
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
