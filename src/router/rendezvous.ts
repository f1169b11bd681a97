import { createHash } from "node:crypto";

/**
 * The rendezvous (highest random weight) score of manager host `manager` for
 * origin host `origin`: the first 8 bytes of SHA-256("origin\nmanager") read
 * as an unsigned big-endian integer. Higher wins. Each origin sticks to its
 * own winner, and removing a manager only moves the origins it had won.
 */
export function rendezvousScore(origin: string, manager: string): bigint {
  return createHash("sha256").update(`${origin}\n${manager}`, "utf8").digest().readBigUInt64BE(0);
}
