/** English for messages: counts, plurals, bounded lists of names. */

/** How many names a message lists before it says "…". */
const NAMES_IN_MESSAGE = 5;

/** In compareStrings' order (code units): the default sort compares strings so too, without a call per comparison. */
export function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort();
}

export function count(n: number, singular: string, pluralForm?: string): string {
  return `${n} ${plural(n, singular, pluralForm)}`;
}

export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return n === 1 ? singular : pluralForm;
}

/** `"a", "b", "c", … (12 in all)`: names for a message, never unbounded. */
export function listNames(names: readonly string[]): string {
  const shown = names.slice(0, NAMES_IN_MESSAGE).map((n) => JSON.stringify(n));
  return names.length > NAMES_IN_MESSAGE ? `${shown.join(", ")}, … (${names.length} in all)` : shown.join(", ");
}

export function joinWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}
