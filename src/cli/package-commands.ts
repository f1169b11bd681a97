import type { Command } from "commander";
import { checkToWire } from "../wire/check-convert.js";
import { addCheckOptions, checkFromFlags, type CheckFlags } from "./check-options.js";
import { parsePort, parsePriority } from "./durations.js";
import type { Output } from "./output.js";
import { mutationAction, mutationCommand } from "./manager-session.js";

/** `cairn package deploy|withdraw|restore|rm` (SPEC 9, checks SPEC 13). */
export function registerPackageCommands(program: Command, output: Output): void {
  const pkg = program.command("package").description("deploy, withdraw, restore and remove manager packages");

  const deploy = mutationCommand(pkg, "deploy <host> <type>", "deploy a package on a host, or change its port, priority and check")
    .requiredOption("--port <port>", "the port it listens on (1 to 65535)", parsePort)
    .option("--priority <priority>", "lower is preferred, a 32-bit integer (default 0 for a new package, unchanged otherwise)", parsePriority);
  addCheckOptions(deploy)
    .addHelpText(
      "after",
      [
        "",
        "Without check options the package gets the default check (tcp, every 1s), whatever it had.",
        "",
        "Examples:",
        "  cairn package deploy agent-1 command-control --port 7611",
        "  cairn package deploy agent-1 command-control --port 7611 --check grpc --check-interval 500ms --fall 2",
        "  cairn package deploy agent-1 web --port 8080 --check http --check-path /ready",
        '  cairn package deploy agent-1 db --port 5432 --check exec --check-command "/usr/local/bin/db-ok --port 5432"',
      ].join("\n"),
    )
    // Cross-option rules, before the manager is dialled: a bad combination is bad usage (exit 2).
    .hook("preAction", (command) => {
      const result = checkFromFlags(command.opts<CheckFlags>());
      if (result && "problem" in result) command.error(`error: ${result.problem}`);
    })
    .action(
      mutationAction(output, "DeployPackage", (options, host: string, type: string) => {
        const result = checkFromFlags(options as CheckFlags);
        return {
          host,
          type,
          port: options.port as number,
          priority: options.priority as number | undefined,
          check: result && "check" in result ? checkToWire(result.check) : null,
        };
      }),
    );

  const simple: [string, "WithdrawPackage" | "RestorePackage" | "RemovePackage", string][] = [
    ["withdraw", "WithdrawPackage", "take a package out of every route, keeping it in the registry"],
    ["restore", "RestorePackage", "put a withdrawn package back into routes"],
    ["rm", "RemovePackage", "remove a package from its host"],
  ];
  for (const [name, method, description] of simple) {
    mutationCommand(pkg, `${name} <host> <type>`, description).action(
      mutationAction(output, method, (_options, host: string, type: string) => ({ host, type })),
    );
  }
}
