/**
 * `--coordinator etcd://HOST:PORT[,HOST:PORT…]`: the etcd cluster a
 * registry's managers elect their primary on (SPEC 12).
 */
import { invalidArgument } from "../errors.js";

export interface CoordinatorAddress {
  /** As the user wrote it, for status and logs. */
  text: string;
  /** `http://HOST:PORT` of each etcd endpoint, as the etcd client takes them. */
  hosts: string[];
}

const SCHEME = "etcd://";

export function parseCoordinator(text: string): CoordinatorAddress {
  const bad = (why: string) => invalidArgument(`--coordinator ${JSON.stringify(text)}: ${why}; give etcd://HOST:PORT[,HOST:PORT…]`);
  if (!text.startsWith(SCHEME)) throw bad(`it does not start with ${SCHEME}`);
  const endpoints = text.slice(SCHEME.length).split(",");
  const hosts = endpoints.map((endpoint) => {
    const cut = endpoint.lastIndexOf(":");
    const host = endpoint.slice(0, cut);
    const port = endpoint.slice(cut + 1);
    if (cut <= 0 || !/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65_535) throw bad(`"${endpoint}" is not HOST:PORT`);
    return `http://${host}:${port}`;
  });
  return { text, hosts };
}
