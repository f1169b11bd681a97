import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Command } from "commander";
import { CairnError, Code } from "../errors.js";
import { registryFromSnapshot } from "../wire/snapshot.js";
import { formatBytes, type Output } from "./output.js";
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
/** Files smaller than this import too fast for a progress bar to help. */
const PROGRESS_MIN_BYTES = 4 * 1024 * 1024;
const PROGRESS_WIDTH = 30;

interface ImportOptions extends MutationOptions {
  replace?: boolean;
}

/** `cairn import FILE [--replace]` and `cairn export [--json]` (SPEC 3, 9). */
export function registerImportExportCommands(program: Command, output: Output): void {
  mutationCommand(program, "import <file>", "load a fixture (YAML or JSON) into the registry as one change")
    .option("--replace", "swap the whole registry (the running managers' own hosts survive)")
    .action(
      managerAction<ImportOptions, [string]>(output, async ({ client, options }, file) => {
        const size = await fileSize(file);
        await client.probe();
        const progress = process.stderr.isTTY && size > PROGRESS_MIN_BYTES ? new ProgressBar(size) : undefined;
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
          });
          progress?.clear();
          printMutation(output, reply, options.json);
        } catch (error) {
          progress?.clear();
          throw error;
        }
      }),
    );

  managerCommand(program, "export", "write the whole registry as a fixture (YAML, or JSON with --json) to stdout").action(
    managerAction<ManagerOptions, []>(output, async ({ client, options }) => {
      await client.probe();
      const registry = registryFromSnapshot(await client.exportChunks());
      const { formatFixture } = await import("../fixture/format.js"); // the YAML writer, only where it is used
      output.out(formatFixture(registry, options.json ? "json" : "yaml"));
    }),
  );
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

  show(sent: number): void {
    const filled = Math.round((PROGRESS_WIDTH * sent) / this.total);
    const bar = "#".repeat(filled) + ".".repeat(PROGRESS_WIDTH - filled);
    process.stderr.write(`\rimport [${bar}]  ${formatBytes(sent)} / ${formatBytes(this.total)}`);
  }

  clear(): void {
    process.stderr.write("\r\x1b[K");
  }
}
