import { isAlias, isMap, isNode, isScalar, isSeq, type LineCounter, type Scalar } from "yaml";

/**
 * Small readings of a YAML syntax tree, shared by the files that report
 * problems at their `line:col` (fixtures, Command Control rules).
 */

export function offsetOf(node: unknown): number | undefined {
  return isNode(node) && node.range ? node.range[0] : undefined;
}

/** `line:col` of an offset, 1-based. */
export function placeOf(lines: LineCounter, offset: number): string {
  const { line, col } = lines.linePos(offset);
  return `${Math.max(line, 1)}:${Math.max(col, 1)}`;
}

export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

/** A scalar's value; undefined for anything else (collections, aliases). */
export function scalarValue(node: unknown): unknown {
  return isScalar(node) ? node.value : undefined;
}

/**
 * A key as the author wrote it: `2024:` names the subdomain "2024", even
 * though YAML reads the key as a number.
 */
export function keyText(key: Scalar): string {
  return typeof key.value === "string" ? key.value : (key.source ?? String(key.value));
}

/** What a node is, for a message: `null`, `a mapping`, `"text"`, or a scalar as written. */
export function describe(node: unknown): string {
  if (isNull(node)) return "null";
  if (isMap(node)) return "a mapping";
  if (isSeq(node)) return "a list";
  if (isAlias(node)) return "an alias";
  const value = scalarValue(node);
  if (typeof value === "string") return JSON.stringify(value);
  // As written: `1.0`, not the number it became.
  return (isScalar(node) ? node.source : undefined) ?? String(value);
}
