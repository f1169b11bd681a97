import * as grpc from "@grpc/grpc-js";
import { Command, CommanderError } from "commander";
import { CairnError } from "../errors.js";
import { processOutput, type Output } from "./output.js";
import { registerAgentCommands } from "./agent-commands.js";
import { registerCertsCommands } from "./certs-command.js";
import { registerManagerCommands } from "./manager-command.js";
import { registerPromoteCommand } from "./promote-command.js";
import { registerCommandControlCommands } from "./command-control-command.js";
import { registerDemoCommand } from "./demo-command.js";
import { registerRouteCommand } from "./route-command.js";
import { registerDomainCommands } from "./domain-commands.js";
import { registerHostCommands } from "./host-commands.js";
import { registerImportExportCommands } from "./import-export-commands.js";
import { registerPackageCommands } from "./package-commands.js";
import { registerStatusCommand } from "./status-command.js";
import { registerAgentsCommand } from "./agents-command.js";
import { registerTreeCommand } from "./tree-command.js";
import { registerTypeCommands } from "./type-commands.js";
import { registerWatchCommand } from "./watch-command.js";
import { registerContextCommands } from "./context-command.js";
import { registerVersionCommand } from "./version-command.js";
import { registerCompletionCommand } from "./completion.js";
import { decorateHelp } from "./help-text.js";

/** Exit codes of SPEC section 9. */
export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

export function buildProgram(output: Output): Command {
  const program = new Command("cairn")
    .description("A hierarchical registry of hosts and manager services with routed failover")
    .exitOverride()
    // A usage error is one line (SPEC 15): commander's suggestion ("(Did you mean host?)") joins its line.
    .configureOutput({ writeOut: (s) => output.out(s), writeErr: (s) => output.err(s), outputError: (s, write) => write(oneLine(s)) });
  registerRouteCommand(program, output);
  registerManagerCommands(program, output);
  registerAgentCommands(program, output);
  registerCommandControlCommands(program, output);
  registerDomainCommands(program, output);
  registerHostCommands(program, output);
  registerPackageCommands(program, output);
  registerTypeCommands(program, output);
  registerTreeCommand(program, output);
  registerStatusCommand(program, output);
  registerAgentsCommand(program, output);
  registerWatchCommand(program, output);
  registerImportExportCommands(program, output);
  registerPromoteCommand(program, output);
  registerCertsCommands(program, output);
  registerDemoCommand(program, output);
  registerContextCommands(program, output);
  registerVersionCommand(program, output);
  registerCompletionCommand(program, output);
  // Last: it walks every command above (examples, required options, durations in units).
  decorateHelp(program);
  return program;
}

/** Runs the CLI; returns the exit code instead of exiting, so tests can drive it. */
export async function main(argv: readonly string[], output: Output = processOutput): Promise<number> {
  // grpc-js prints its own errors on stderr ("E No address added out of total 1 resolved") beside
  // ours, which say the same in one line; GRPC_VERBOSITY still turns them on for debugging.
  if (process.env.GRPC_VERBOSITY === undefined) grpc.setLogVerbosity(grpc.logVerbosity.NONE);
  const program = buildProgram(output);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; help and version exit 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    reportError(error, output);
    return EXIT_ERROR;
  }
}

/** Commander's message, its lines joined: `error: unknown command 'hots' (did you mean host?)`. */
export function oneLine(message: string): string {
  return message
    .trim()
    .split(/\s*\n\s*/)
    .map((line, i) => (i > 0 ? line.replace(/^\(Did you/, "(did you") : line))
    .join(" ");
}

/** One line per problem on stderr, `error: …`; a stack only for a bug. */
export function reportError(error: unknown, output: Output): void {
  if (error instanceof CairnError) {
    const lines = error.details.length > 0 ? error.details : [error.message];
    for (const line of lines) output.err(`error: ${line}`);
  } else if (error instanceof Error) {
    output.err(`error: ${error.message}`);
    if (process.env.CAIRN_DEBUG) output.err(error.stack ?? "");
  } else {
    output.err(`error: ${String(error)}`);
  }
}
