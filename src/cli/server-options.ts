import { InvalidArgumentError } from "commander";
import { invalidArgument } from "../errors.js";
import { hostIdProblem, hostPortProblem } from "../registry/names.js";

/** Refuses a server's --host that is not a host id, before anything is opened or bound. */
export function checkHostOption(hostId: string): void {
  const problem = hostIdProblem(hostId);
  if (problem) throw invalidArgument(`--host: ${problem}`);
}

/** `--http`'s parser: HOST:PORT as a server's peers are given, but port 0 (any free one) too; a bad one is a usage error. */
export function httpListenOption(value: string): string {
  if (hostPortProblem(value.replace(/:0$/, ":1")) !== undefined) {
    throw new InvalidArgumentError(`--http: ${JSON.stringify(value)} is not HOST:PORT (port 0: any free port)`);
  }
  return value;
}

/** `--max-connections`' parser: a whole number of at least 1 (connections one listener holds; connection-guard.ts). */
export function maxConnectionsOption(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number of at least 1`);
  }
  return n;
}

/** `--max-connections`' help. */
export const MAX_CONNECTIONS_HELP =
  "connections the gRPC port holds at most; more are refused at accept, with a log line (default: the process's open-file limit less 1,500, at most 250,000)";
