/** How the CLI prints: JSON for scripts, aligned plain tables for people. */

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text.endsWith("\n") ? text : text + "\n"),
  err: (text) => process.stderr.write(text.endsWith("\n") ? text : text + "\n"),
};

export function formatJson(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

/** Columns padded to their widest cell, two spaces apart, no trailing blanks. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** `label  value` lines, labels padded to the widest, for one object shown to people. */
export function formatFields(fields: readonly (readonly [string, string])[], indent = ""): string {
  const width = Math.max(0, ...fields.map(([label]) => label.length));
  return fields.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`.trimEnd()).join("\n");
}

/** Text styles; each is the identity when colour is off. */
export interface Palette {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
}

const ANSI_STYLES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34 } as const;

/**
 * Colour only for a terminal, never when NO_COLOR is set (https://no-color.org);
 * FORCE_COLOR (not "0") turns it on anyway.
 */
export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "") return true;
  return stream.isTTY === true;
}

export function palette(enabled: boolean): Palette {
  const style = (code: number) => (enabled ? (text: string) => `\x1b[${code}m${text}\x1b[0m` : (text: string) => text);
  return {
    bold: style(ANSI_STYLES.bold),
    dim: style(ANSI_STYLES.dim),
    red: style(ANSI_STYLES.red),
    green: style(ANSI_STYLES.green),
    yellow: style(ANSI_STYLES.yellow),
    blue: style(ANSI_STYLES.blue),
  };
}

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** 192_000 → "3m 12s". */
export function formatDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  const parts: [number, string][] = [
    [Math.floor(seconds / 86_400), "d"],
    [Math.floor((seconds % 86_400) / 3_600), "h"],
    [Math.floor((seconds % 3_600) / 60), "m"],
    [seconds % 60, "s"],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return `${ms}ms`;
  return parts
    .slice(first, first + 2)
    .map(([n, unit]) => `${n}${unit}`)
    .join(" ");
}

/** Every line of `text`, indented by two spaces (or `by`). */
export function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((line) => by + line)
    .join("\n");
}
