import { Option, type Command } from "commander";
import type { Output } from "./output.js";
import { mutationAction, mutationCommand } from "./manager-session.js";
import { POLICY_TO_WIRE } from "../wire/convert.js";
import type { Policy } from "../registry/model.js";

/** `cairn type set TYPE --policy ordered|spread` (SPEC 9). */
export function registerTypeCommands(program: Command, output: Output): void {
  const type = program.command("type").description("routing policies of manager types");

  mutationCommand(type, "set <type>", "set the routing policy of a manager type")
    .addOption(
      new Option("--policy <policy>", "ordered (hot spares) or spread (load shared among equals)")
        .choices(Object.keys(POLICY_TO_WIRE))
        .makeOptionMandatory(),
    )
    .action(
      mutationAction(output, "SetTypePolicy", (options, name: string) => ({
        type: name,
        policy: POLICY_TO_WIRE[options.policy as Policy],
      })),
    );
}
