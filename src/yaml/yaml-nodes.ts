import { isAlias, isMap, isNode, isScalar, isSeq, type LineCounter, type Scalar } from "yaml";
import { invalidArgument } from "../errors.js";

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

/**
 * Problems found while reading a YAML file, each at its offset; thrown all
 * at once as one INVALID_ARGUMENT whose details are `file:line:col: …` lines
 * in file order, the first of them also the message.
 */
export class ProblemReader {
  private readonly problems: { offset: number; message: string }[] = [];

  constructor(private readonly lines: LineCounter) {}

  report(offset: number, message: string): void {
    this.problems.push({ offset, message });
  }

  throwIfProblems(fileName: string): void {
    if (this.problems.length === 0) return;
    // Stable sort: problems at one place keep the order they were found in.
    const lines = [...this.problems]
      .sort((a, b) => a.offset - b.offset)
      .map((p) => `${fileName}:${this.place(p.offset)}: ${p.message}`);
    const more = lines.length - 1;
    const first = lines[0]!;
    throw invalidArgument(more === 0 ? first : `${first} (and ${more} more problem${more === 1 ? "" : "s"})`, lines);
  }

  protected place(offset: number): string {
    return placeOf(this.lines, offset);
  }
}
