import type { Command } from "commander";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";
import { formatJson, type Output } from "./output.js";

interface PromoteOptions extends ManagerOptions {
  force?: boolean;
}

/** A promotion checks its peers before it answers: longer than a plain call. */
const PROMOTE_TIMEOUT_MS = 15_000;

/** `cairn promote-manager HOST [--force]` (SPEC 7), sent to `--manager`, HOST's own or one that can reach it. */
export function registerPromoteCommand(program: Command, output: Output): void {
  managerCommand(program, "promote-manager <host>", "make HOST's backup registry manager the primary, at the next epoch")
    .option("--force", "promote even if the primary still answers or another backup is ahead")
    .action(
      managerAction<PromoteOptions, [string]>(output, async ({ client, options }, host) => {
        const patient = client.withTimeout(Math.max(options.timeout, PROMOTE_TIMEOUT_MS));
        const reply = await patient.call("PromoteManager", { host, force: options.force ?? false }).finally(() => {
          if (patient !== client) patient.close();
        });
        output.out(
          options.json
            ? formatJson({ host: reply.host, address: reply.address, epoch: reply.epoch, revision: reply.revision, reason: reply.reason })
            : `${reply.host} at ${reply.address} is the primary at epoch ${reply.epoch}, revision ${reply.revision}\n  ${reply.reason}`,
        );
      }),
    );
}
