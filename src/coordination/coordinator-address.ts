/**
 * `--coordinator etcd://HOST:PORT[,HOST:PORT…]`: the etcd cluster a
 * registry's managers elect their primary on (SPEC 12).
 */
import { invalidArgument } from "../errors.js";
import { hostPortProblem } from "../registry/names.js";

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
    const problem = hostPortProblem(endpoint);
    if (problem) throw bad(problem);
    return `http://${endpoint}`;
  });
  return { text, hosts };
}
