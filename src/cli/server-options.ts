import { invalidArgument } from "../errors.js";
import { hostIdProblem } from "../registry/names.js";

/** Refuses a server's --host that is not a host id, before anything is opened or bound. */
export function checkHostOption(hostId: string): void {
  const problem = hostIdProblem(hostId);
  if (problem) throw invalidArgument(`--host: ${problem}`);
}
