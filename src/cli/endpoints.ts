/**
 * Server addresses as the CLI takes them (`--manager A,B,C`, `--agent …`,
 * CAIRN_MANAGER, a context's `managers`): each is HOST:PORT, an IPv6 host in
 * brackets, the port 1 to 65535. They are checked before anything is sent,
 * and a bad one is a usage error that names where it came from.
 */

const MAX_PORT = 65_535;
/** A DNS name or an IPv4 address: letters, digits, dots, hyphens, underscores. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
/** What may stand in brackets: hex digits, colons, an embedded IPv4, a zone. */
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;

/** A bad address, with the name of where it came from (`--manager`, `$CAIRN_MANAGER`, `context "prod"`). */
export class EndpointError extends Error {
  override readonly name = "EndpointError";
}

/** Why `address` is not HOST:PORT, or undefined when it is. */
export function hostPortProblem(address: string): string | undefined {
  const bad = `${JSON.stringify(address)} is not HOST:PORT`;
  let host: string;
  let port: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0 || address[close + 1] !== ":") return bad;
    host = address.slice(1, close);
    port = address.slice(close + 2);
    if (!IPV6.test(host) || !host.includes(":")) return bad;
  } else {
    const colon = address.lastIndexOf(":");
    if (colon < 0) return bad;
    host = address.slice(0, colon);
    port = address.slice(colon + 1);
    if (!HOST_NAME.test(host)) return bad;
  }
  if (!/^\d{1,5}$/.test(port)) return bad;
  const n = Number(port);
  if (n < 1 || n > MAX_PORT) return bad;
  return undefined;
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
