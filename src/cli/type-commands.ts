import { InvalidArgumentError, Option, type Command } from "commander";
import type { Output } from "./output.js";
import { mutationAction, mutationCommand } from "./manager-session.js";
import { POLICY_TO_WIRE } from "../wire/convert.js";
import type { Policy } from "../registry/model.js";
import { minHealthyProblem } from "../registry/names.js";

/** `cairn type set TYPE [--policy ordered|spread] [--min-healthy F]` (SPEC 9, 13). */
export function registerTypeCommands(program: Command, output: Output): void {
  const type = program.command("type").description("routing policies of manager types");

  mutationCommand(type, "set <type>", "set the routing policy or health threshold of a manager type; what is not given is kept")
    .addOption(new Option("--policy <policy>", "ordered (hot spares) or spread (load shared among equals)").choices(Object.keys(POLICY_TO_WIRE)))
    .option(
      "--min-healthy <share>",
      "0 to 1 (default 0): a tier with a smaller share of its packages available yields to the next tier that has it",
      parseShare,
    )
    .addHelpText(
      "after",
      ["", "Examples:", "  cairn type set command-control --policy spread", "  cairn type set command-control --min-healthy 0.5"].join("\n"),
    )
    .hook("preAction", (command) => {
      const options = command.opts<{ policy?: string; minHealthy?: number }>();
      if (options.policy === undefined && options.minHealthy === undefined) command.error("error: give --policy, --min-healthy or both");
    })
    .action(
      mutationAction(output, "SetTypePolicy", (options, name: string) => ({
        type: name,
        policy: options.policy === undefined ? ("POLICY_UNSPECIFIED" as const) : POLICY_TO_WIRE[options.policy as Policy],
        min_healthy: options.minHealthy as number | undefined,
      })),
    );
}

/** "0.5", "1", "0" → a share; anything outside 0 to 1 is a usage error (exit 2). */
export function parseShare(value: string): number {
  const n = Number(value);
  const problem = /^\s*(\d+(\.\d*)?|\.\d+)\s*$/.test(value) ? minHealthyProblem(n) : `"${value}" is not a number from 0 to 1`;
  if (problem) throw new InvalidArgumentError(problem);
  return n;
}
