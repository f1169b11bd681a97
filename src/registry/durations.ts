/**
 * The one duration syntax of cairn, shared by the CLI's options and the
 * fixture's check intervals: a number, optionally with a unit `ms`, `s` or
 * `m` (no unit: milliseconds), rounded to whole milliseconds.
 * Invariant: `parseDurationMs(formatDurationMs(ms)) === ms` for every
 * non-negative integer `ms`, so an export reads back exactly.
 */

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)?$/;
const MS_PER_UNIT = { ms: 1, s: 1_000, m: 60_000 } as const;

/** "1500", "1500ms", "3s", "2m" → milliseconds; undefined when `text` is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const unit = (match[2] ?? "ms") as keyof typeof MS_PER_UNIT;
  return Math.round(Number(match[1]) * MS_PER_UNIT[unit]);
}

/** Whole milliseconds in the largest unit that keeps them whole: 60000 → "1m", 2000 → "2s", 1500 → "1500ms". */
export function formatDurationMs(ms: number): string {
  if (ms !== 0 && ms % MS_PER_UNIT.m === 0) return `${ms / MS_PER_UNIT.m}m`;
  if (ms !== 0 && ms % MS_PER_UNIT.s === 0) return `${ms / MS_PER_UNIT.s}s`;
  return `${ms}ms`;
}

/** How a message asks for a duration. */
export const DURATION_EXAMPLES = "e.g. 500ms, 3s, 1m";
