/**
 * The ephemeral port range, which bounds how many agents the scale bench
 * can run on one loopback address. A relayed agent opens a connection to
 * the primary for its whole heartbeat and closes it once a relay is named,
 * leaving a TIME_WAIT socket on its side for a minute, beside the
 * connection it keeps to its relay: two ports per agent. Linux's default
 * range (32768-60999) holds 14,000 such agents; as it fills, connect()
 * scans for a free port and each agent process's event loop stalls for
 * seconds, its pulses late. A real agent is alone on its host.
 */
import { readFileSync, writeFileSync } from "node:fs";

const RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";
/** What the bench asks for, when the range is narrower. */
const WANTED: PortRange = { low: 1024, high: 65535 };

export interface PortRange {
  low: number;
  high: number;
}

export function portRange(): PortRange {
  const [low, high] = readFileSync(RANGE_FILE, "utf8").trim().split(/\s+/).map(Number);
  return { low: low!, high: high! };
}

export const portsIn = (range: PortRange) => range.high - range.low + 1;

/**
 * Widens the range to WANTED if it is narrower and this process may (root
 * in its network namespace); `restore` puts the old range back. Says why
 * when it could not.
 */
export function widenPortRange(): { before: PortRange; after: PortRange; restore: () => void; problem?: string } {
  const before = portRange();
  if (portsIn(before) >= portsIn(WANTED)) return { before, after: before, restore: () => {} };
  try {
    writeFileSync(RANGE_FILE, `${WANTED.low} ${WANTED.high}`);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { before, after: before, restore: () => {}, problem: `could not widen the ephemeral port range ${before.low}-${before.high}: ${why}` };
  }
  return { before, after: portRange(), restore: () => writeFileSync(RANGE_FILE, `${before.low} ${before.high}`) };
}
