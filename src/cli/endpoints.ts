/**
 * Server addresses as the CLI takes them (`--manager A,B,C`, `--agent …`,
 * CAIRN_MANAGER, a context's `managers`): each is HOST:PORT, an IPv6 host in
 * brackets, the port 1 to 65535. They are checked before anything is sent,
 * and a bad one is a usage error that names where it came from.
 */
import { InvalidArgumentError } from "commander";
import { hostPortProblem } from "../registry/names.js";

export { hostPortProblem };

/** A bad address, with the name of where it came from (`--manager`, `$CAIRN_MANAGER`, `context "prod"`). */
export class EndpointError extends Error {
  override readonly name = "EndpointError";
}

/** "a:1,b:2" → ["a:1", "b:2"], each checked; `source` names the flag or variable in the error. */
export function parseEndpoints(value: string, source: string): string[] {
  return checkEndpoints(value.split(",").map((s) => s.trim()), source);
}

/** A list of addresses (a context's), each checked. */
export function checkEndpoints(addresses: readonly string[], source: string): string[] {
  if (addresses.length === 0) throw new EndpointError(`${source}: no address given`);
  for (const address of addresses) {
    const problem = hostPortProblem(address);
    if (problem) throw new EndpointError(`${source}: ${problem}`);
  }
  return [...addresses];
}

/** A commander parser for a server's own list of addresses (`agent start --manager A,B`): a bad one is a usage error. */
export function endpointListOption(flag: string): (value: string) => string[] {
  return (value) => {
    try {
      return parseEndpoints(value, flag);
    } catch (error) {
      if (error instanceof EndpointError) throw new InvalidArgumentError(error.message);
      throw error;
    }
  };
}
