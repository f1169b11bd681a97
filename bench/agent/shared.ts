/**
 * What the agent bench's phases (bench/agent/*.ts) share: units, the
 * command-control type they route to, how long a timed window waits for a
 * quiet machine, and the node flags of the processes they start.
 */
export const MIB = 1024; // KiB per MiB, for /proc figures
export const CC = "command-control";
export const QUIET_WAIT_MS = 10_000;

export interface NodeArgs {
  manager: string[];
  agent: string[];
}
