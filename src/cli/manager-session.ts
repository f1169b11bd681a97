/**
 * What every admin command shares: the manager to reach (`--manager` or
 * CAIRN_MANAGER), the options it takes, and the action wrapper that opens
 * a ManagerClient, runs the command, and closes it.
 */
import type { Command } from "commander";
import { CairnError, Code } from "../errors.js";
import type { MutationReply__Output } from "../generated/cairn/v1/MutationReply.js";
import {
  DEFAULT_TIMEOUT_MS,
  ManagerClient,
  type MutationMethod,
  type RegistryRequest,
} from "../client/manager-client.js";
import { currentContext } from "./cli-config.js";
import { parseCount, parseDuration } from "./durations.js";
import { EndpointError, parseEndpoints } from "./endpoints.js";
import type { Output } from "./output.js";
import { clientTransport, withClientTls, type TlsFlags } from "./tls-options.js";

export const MANAGER_ENV = "CAIRN_MANAGER";
export const AGENT_ENV = "CAIRN_AGENT";

/** Options every command that talks to a manager takes. */
export interface ManagerOptions extends TlsFlags {
  manager?: string;
  /** Milliseconds. */
  timeout: number;
  json?: boolean;
}

export interface MutationOptions extends ManagerOptions {
  expectedRevision?: number;
}

/**
 * The managers to try, in order: `--manager A,B`, else CAIRN_MANAGER, else
 * the current context's, else an error (exit 1). A bad address is an
 * EndpointError (a usage error, exit 2) naming the flag or the variable.
 */
export function managerAddresses(options: { manager?: string }, env: NodeJS.ProcessEnv = process.env): string[] {
  if (options.manager !== undefined) return parseEndpoints(options.manager, "--manager");
  const fromEnv = env[MANAGER_ENV];
  if (fromEnv) return parseEndpoints(fromEnv, `$${MANAGER_ENV}`);
  const current = currentContext(env);
  if (current && current.context.managers.length > 0) return current.context.managers;
  const context = current ? `, or give context "${current.name}" managers (cairn context set ${current.name} --manager ADDR)` : ", or pick a context with managers (cairn context use NAME)";
  throw new CairnError(Code.FAILED_PRECONDITION, `no registry manager: pass --manager ADDR, set ${MANAGER_ENV}${context}`);
}

/** The agents to try: `--agent A,B`, else CAIRN_AGENT, else the current context's `agents`. */
export function agentAddresses(options: { agent?: string }, env: NodeJS.ProcessEnv = process.env): string[] {
  if (options.agent !== undefined) return parseEndpoints(options.agent, "--agent");
  const fromEnv = env[AGENT_ENV];
  if (fromEnv) return parseEndpoints(fromEnv, `$${AGENT_ENV}`);
  const current = currentContext(env);
  if (current?.context.agents && current.context.agents.length > 0) return current.context.agents;
  throw new CairnError(Code.FAILED_PRECONDITION, `no registry agent: pass --agent ADDR, set ${AGENT_ENV}, or pick a context with agents (cairn context use NAME)`);
}

/** Runs `resolve` (an address lookup); a bad address becomes commander's usage error, exit 2, one line. */
export function checkedAddresses<T>(command: Command, resolve: () => T): T {
  try {
    return resolve();
  } catch (error) {
    if (error instanceof EndpointError) command.error(`error: ${error.message}`, { exitCode: 2, code: "cairn.badAddress" });
    throw error;
  }
}

/** A subcommand that talks to a manager: `--manager`, `--timeout`, `--json`. */
export function managerCommand(parent: Command, nameAndArgs: string, description: string): Command {
  const command = parent
    .command(nameAndArgs)
    .description(description)
    .option("--manager <addrs>", `the registry managers to ask, HOST:PORT, comma-separated: the next is tried when one does not answer (default: $${MANAGER_ENV}, else the current context's)`)
    .option("--timeout <duration>", "how long to wait for the manager (e.g. 500ms, 5s)", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
  return withClientTls(command);
}

/** A subcommand that writes: a manager command with `--expected-revision`. */
export function mutationCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return managerCommand(parent, nameAndArgs, description).option(
    "--expected-revision <revision>",
    "refuse (ABORTED) unless the registry is at this revision",
    parseCount,
  );
}

export interface Session<O extends ManagerOptions> {
  client: ManagerClient;
  options: O;
  output: Output;
}

/**
 * The action of a manager command: opens the client, runs, closes it. `run`
 * gets the command's arguments as Commander parsed them (after `choices` and
 * argument parsers).
 */
export function managerAction<O extends ManagerOptions, A extends unknown[]>(
  output: Output,
  run: (session: Session<O>, ...args: A) => Promise<void>,
): (this: Command) => Promise<void> {
  return async function (this: Command) {
    const options = this.opts<O>();
    const addresses = checkedAddresses(this, () => managerAddresses(options));
    const client = new ManagerClient(addresses, options.timeout, undefined, clientTransport(options));
    try {
      await run({ client, options, output }, ...(this.processedArgs as A));
    } finally {
      client.close();
    }
  };
}

/** Sends one admin write with the command's `--expected-revision`, and prints its reply. */
export async function mutate<K extends MutationMethod>(
  session: Session<MutationOptions>,
  method: K,
  request: Omit<RegistryRequest<K>, "expected_revision">,
): Promise<void> {
  const reply = await session.client.call(method, { ...request, expected_revision: session.options.expectedRevision } as RegistryRequest<K>);
  printMutation(session.output, reply as MutationReply__Output, session.options.json);
}

/** The one place a MutationReply becomes output: `revision 12`, or `{"revision":12,"epoch":1,"changed":true}`. */
export function printMutation(output: Output, reply: MutationReply__Output, json = false): void {
  if (json) output.out(JSON.stringify({ revision: reply.revision, epoch: reply.epoch, changed: reply.changed }));
  else output.out(reply.changed ? `revision ${reply.revision}` : `unchanged at revision ${reply.revision}`);
}

/** A mutation command's action: build the request from the arguments, send it, print the reply. */
export function mutationAction<A extends unknown[], K extends MutationMethod>(
  output: Output,
  method: K,
  request: (options: MutationOptions & Record<string, unknown>, ...args: A) => Omit<RegistryRequest<K>, "expected_revision">,
): (this: Command) => Promise<void> {
  return managerAction<MutationOptions & Record<string, unknown>, A>(output, (session, ...args) =>
    mutate(session, method, request(session.options, ...args)),
  );
}
