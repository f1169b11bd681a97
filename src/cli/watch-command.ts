import type { Command } from "commander";
import type { WatchEvent__Output } from "../generated/cairn/v1/WatchEvent.js";
import type { ChangeRecord } from "../registry/model.js";
import { changeFromWire } from "../wire/convert.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";
import { parseCount } from "./durations.js";
import type { Output } from "./output.js";
import { formatOps, opJson } from "./registry-format.js";
import { untilSignal } from "./signals.js";

interface WatchOptions extends ManagerOptions {
  from?: number;
}

/** Who the manager's logs say is watching. */
const WATCHER_NAME = "cairn-watch";

/**
 * `cairn watch`: every change as it is committed, one line each
 * (`r12 e1 host add agent-9: put-host agent-9`, or one JSON object per line
 * with `--json`), until SIGINT or SIGTERM.
 */
export function registerWatchCommand(program: Command, output: Output): void {
  managerCommand(program, "watch", "print each change of the registry as it is committed, until interrupted")
    .option("--from <revision>", "start with this revision (default: the changes after now)", parseCount)
    .action(
      managerAction<WatchOptions, []>(output, async ({ client, options }) => {
        const status = await client.probe();
        // The stream starts after from_revision; it can only start where the manager is or before.
        const after = options.from === undefined ? status.revision : Math.min(Math.max(options.from - 1, 0), status.revision);
        const first = options.from ?? 0;
        const printer = new EventPrinter(output, options.json === true, first);
        const watch = client.watch(
          { host: WATCHER_NAME, from_revision: after, epoch: after === 0 ? 0 : status.epoch },
          (event) => printer.print(event),
        );
        void untilSignal().then(() => watch.stop());
        await watch.done;
      }),
    );
}

class EventPrinter {
  /** Counts of the snapshot being received, printed as one line on its last chunk. */
  private snapshot = { domains: 0, hosts: 0, types: 0 };

  constructor(
    private readonly output: Output,
    private readonly json: boolean,
    /** Changes before this revision are not printed (the stream may start earlier). */
    private readonly firstRevision: number,
  ) {}

  print(event: WatchEvent__Output): void {
    if (event.change) {
      const change = changeFromWire(event.change);
      if (change.revision >= this.firstRevision) this.output.out(this.json ? changeJson(change) : formatChange(change));
    } else if (event.snapshot) {
      const chunk = event.snapshot;
      this.snapshot.domains += chunk.domains.length;
      this.snapshot.hosts += chunk.hosts.length;
      this.snapshot.types += chunk.types.length;
      if (!chunk.last) return;
      const counts = this.snapshot;
      this.snapshot = { domains: 0, hosts: 0, types: 0 };
      const digest = chunk.digest.toString("hex");
      this.output.out(
        this.json
          ? JSON.stringify({ revision: chunk.revision, epoch: chunk.epoch, snapshot: counts, digest })
          : `r${chunk.revision} e${chunk.epoch} snapshot: ${counts.domains} domains, ${counts.hosts} hosts, ${counts.types} types`,
      );
    }
    // Progress events only keep the stream alive.
  }
}

function formatChange(change: ChangeRecord): string {
  return `r${change.revision} e${change.epoch} ${change.cause}: ${formatOps(change.ops)}`;
}

function changeJson(change: ChangeRecord): string {
  return JSON.stringify({
    revision: change.revision,
    epoch: change.epoch,
    time_unix_ms: change.timeUnixMs,
    cause: change.cause,
    digest: Buffer.from(change.digest).toString("hex"),
    ops: change.ops.map(opJson),
  });
}
