import { InvalidArgumentError, type Command } from "commander";
import type { Output } from "./output.js";
import { mutationAction, mutationCommand } from "./manager-session.js";

/** `cairn package deploy|withdraw|restore|rm` (SPEC 9). */
export function registerPackageCommands(program: Command, output: Output): void {
  const pkg = program.command("package").description("deploy, withdraw, restore and remove manager packages");

  mutationCommand(pkg, "deploy <host> <type>", "deploy a package on a host, or change its port and priority")
    .requiredOption("--port <port>", "the port it listens on", parseInteger)
    .option("--priority <priority>", "lower is preferred (default 0 for a new package, unchanged otherwise)", parseInteger)
    .action(
      mutationAction(output, "DeployPackage", (options, host: string, type: string) => ({
        host,
        type,
        port: options.port as number,
        priority: options.priority as number | undefined,
      })),
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

/** A whole number, possibly negative; anything else is a usage error (exit 2). */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return n;
}
