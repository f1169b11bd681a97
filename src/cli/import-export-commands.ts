import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { CairnError, Code } from "../errors.js";
import { registryFromSnapshot } from "../wire/snapshot.js";
import type { ManagerClient } from "../client/manager-client.js";
import { formatBytes, formatJson, type Output } from "./output.js";
import { changeCount, formatImportDiff, importDiff, importDiffJson } from "./import-diff.js";
import { withOutputFormat, type FormatOptions } from "./output-format.js";
import {
  managerAction,
  managerCommand,
  mutationCommand,
  printMutation,
  type ManagerOptions,
  type MutationOptions,
} from "./manager-session.js";

/** Import chunk size: well under the manager's 4 MiB message bound. */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;
const PROGRESS_WIDTH = 30;

interface ImportOptions extends MutationOptions {
  replace?: boolean;
  dryRun?: boolean;
}

/** `cairn import FILE [--replace]` and `cairn export [--json]` (SPEC 3, 9). */
export function registerImportExportCommands(program: Command, output: Output): void {
  mutationCommand(program, "import <file>", "load a fixture (YAML or JSON) into the registry as one change")
    .option("--replace", "swap the whole registry (the running managers' own hosts survive)")
    .option("--dry-run", "print what the import would change (domains, hosts, types) and write nothing")
    .action(
      managerAction<ImportOptions, [string]>(output, async ({ client, options }, file) => {
        const size = await fileSize(file);
        if (options.dryRun) return dryRun(client, output, file, options);
        await client.probe();
        // Progress only for a person watching: on a terminal, on stderr, never in a pipe or a log.
        const progress = process.stderr.isTTY ? new ProgressBar(size) : undefined;
        try {
          const reply = await client.importStream(async (write) => {
            const header = {
              format: file.toLowerCase().endsWith(".json") ? "json" : "yaml",
              replace: options.replace === true,
              file_name: file,
              expected_revision: options.expectedRevision,
            };
            let sent = 0;
            for await (const data of createReadStream(file, { highWaterMark: IMPORT_CHUNK_BYTES })) {
              await write(sent === 0 ? { ...header, data } : { data });
              sent += (data as Buffer).length;
              progress?.show(sent);
            }
            if (sent === 0) await write({ ...header, data: Buffer.alloc(0) });
            progress?.show(sent, "applying");
          });
          progress?.clear();
          printMutation(output, reply, options.json);
        } catch (error) {
          progress?.clear();
          throw error;
        }
      }),
    );

  withOutputFormat(managerCommand(program, "export", "write the whole registry as a fixture (YAML, or JSON with --json) to stdout"), ["yaml", "json"]).action(
    managerAction<ManagerOptions & FormatOptions, []>(output, async ({ client, options }) => {
      await client.probe();
      const registry = registryFromSnapshot(await client.exportChunks());
      const { formatFixture } = await import("../fixture/format.js"); // the YAML writer, only where it is used
      output.out(formatFixture(registry, (options.output ?? (options.json ? "json" : "yaml")) === "json" ? "json" : "yaml"));
    }),
  );
}

/**
 * `import FILE --dry-run`: the file parsed here as the manager parses it, and
 * the manager's own import mutation run on an export of the registry, so the
 * lines are the ops the import would commit; nothing is written.
 */
async function dryRun(client: ManagerClient, output: Output, file: string, options: ImportOptions & FormatOptions): Promise<void> {
  const [{ loadFixtureFile }, { importRegistry }, { checkExpectedRevision }] = await Promise.all([
    import("./fixture-file.js"),
    import("../registry-manager/mutations/import.js"),
    import("../registry-manager/mutations/mutation.js"),
  ]);
  const imported = await loadFixtureFile(file);
  await client.probe();
  const chunks = await client.exportChunks();
  const revision = Number(chunks.at(-1)?.revision ?? 0);
  checkExpectedRevision(options.expectedRevision, revision);
  const current = registryFromSnapshot(chunks);
  const diff = importDiff(current, importRegistry(imported, { replace: options.replace === true })(current));
  if (options.json) {
    output.out(formatJson({ dry_run: true, revision, changes: changeCount(diff), ...(importDiffJson(diff) as object) }));
    return;
  }
  const count = changeCount(diff);
  const lines = formatImportDiff(diff);
  lines.push(
    count === 0
      ? `dry run: importing ${file} would change nothing at revision ${revision}`
      : `dry run: ${count} change${count === 1 ? "" : "s"} at revision ${revision}; nothing written`,
  );
  output.out(lines.join("\n"));
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) throw new CairnError(Code.INVALID_ARGUMENT, `cannot read ${file}: it is a directory`);
    return info.size;
  } catch (error) {
    if (error instanceof CairnError) throw error;
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    throw new CairnError(missing ? Code.NOT_FOUND : Code.INVALID_ARGUMENT, `cannot read ${file}: ${missing ? "no such file" : (error as Error).message}`);
  }
}

/** `import [##########....................]  12.0 MiB / 36.0 MiB` on one stderr line, redrawn in place. */
class ProgressBar {
  constructor(private readonly total: number) {}

  show(sent: number, note?: string): void {
    const filled = this.total === 0 ? PROGRESS_WIDTH : Math.round((PROGRESS_WIDTH * sent) / this.total);
    const bar = "#".repeat(filled) + ".".repeat(PROGRESS_WIDTH - filled);
    process.stderr.write(`\rimport [${bar}]  ${formatBytes(sent)} / ${formatBytes(this.total)}${note ? `, ${note}` : ""}`);
  }

  clear(): void {
    process.stderr.write("\r\x1b[K");
  }
}
