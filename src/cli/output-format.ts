/**
 * `-o table|wide|json|yaml` on every read command (SPEC 15). `--json` stays,
 * as `-o json`, with the same bytes as before; `wide` is the table with more
 * columns; `yaml` is the JSON value written as YAML.
 */
import { Option, type Command } from "commander";
import { formatJson, type Output } from "./output.js";

export const OUTPUT_FORMATS = ["table", "wide", "json", "yaml"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface FormatOptions {
  output?: OutputFormat;
  json?: boolean;
}

/** Adds `-o, --output FORMAT` (and `--json`, if the command has none yet). An unknown format is a usage error. */
export function withOutputFormat(command: Command, formats: readonly OutputFormat[] = OUTPUT_FORMATS): Command {
  command.addOption(new Option("-o, --output <format>", "how to print").choices(formats));
  if (!command.options.some((o) => o.long === "--json")) command.option("--json", "print JSON (as -o json)");
  return command;
}

/** The format asked for: `-o`, else json with `--json`, else the table. */
export function outputFormat(options: FormatOptions): OutputFormat {
  return options.output ?? (options.json ? "json" : "table");
}

export interface Printers {
  /** The value `-o json` prints (and `-o yaml` writes as YAML). */
  json(): unknown;
  table(): string;
  /** More columns; the table when a command has nothing more to show. */
  wide?(): string;
}

export async function printFormatted(output: Output, options: FormatOptions, printers: Printers): Promise<void> {
  switch (outputFormat(options)) {
    case "json":
      output.out(formatJson(printers.json()));
      return;
    case "yaml": {
      // Loaded here: the YAML writer is not worth its start-up time to the other formats.
      const { stringify } = await import("yaml");
      output.out(stringify(printers.json(), { aliasDuplicateObjects: false }).trimEnd());
      return;
    }
    case "wide":
      output.out((printers.wide ?? printers.table)());
      return;
    case "table":
      output.out(printers.table());
  }
}
