/**
 * The checks of promote-manager (SPEC 7), as a pure function of where this
 * backup and its peers stand: it refuses while the primary still answers,
 * or while another backup holds a later `(epoch, revision)`, unless forced.
 */
import { failedPrecondition } from "../errors.js";
import type { Position } from "../registry/model.js";
import type { ManagerAddress } from "./manager-control.js";
import type { PeerPosition } from "./peers.js";

export interface PromotionPlan {
  /** The epoch the promoted manager reigns in: one past every epoch it knows of. */
  epoch: number;
  /** What was checked and why the promotion goes ahead, for people. */
  checked: string[];
}

/** (epoch, revision) order: a later epoch wins, then a later revision. */
export function isLater(a: { epoch: number; revision: number }, b: { epoch: number; revision: number }): boolean {
  return a.epoch > b.epoch || (a.epoch === b.epoch && a.revision > b.revision);
}

/** Throws FAILED_PRECONDITION with the reason when the promotion must not go ahead. */
export function checkPromotion(own: Position, primary: ManagerAddress, peers: readonly PeerPosition[], force: boolean): PromotionPlan {
  const checked: string[] = [];
  const primaryAnswer = peers.find(
    (p) => p.address === primary.address || (p.position.role === "MANAGER_ROLE_PRIMARY" && p.position.epoch >= own.epoch),
  );
  if (primaryAnswer) {
    const { position } = primaryAnswer;
    const why = `the primary ${position.host || primary.host} at ${primaryAnswer.address} still answers (epoch ${position.epoch}, revision ${position.revision})`;
    if (!force) throw failedPrecondition(`${why}; stop it first, or use --force to make two primaries`);
    checked.push(`${why}, promoted anyway (--force)`);
  } else {
    checked.push(`the primary ${primary.host || primary.address} does not answer`);
  }
  const ahead = peers.filter((p) => p !== primaryAnswer && isLater(p.position, own));
  for (const peer of ahead) {
    const { position } = peer;
    const why = `backup ${position.host} at ${peer.address} holds a later position (epoch ${position.epoch}, revision ${position.revision}) than this one (epoch ${own.epoch}, revision ${own.revision})`;
    if (!force) throw failedPrecondition(`${why}; promote it instead, or use --force`);
    checked.push(`${why}, promoted anyway (--force)`);
  }
  for (const peer of peers) {
    if (peer === primaryAnswer || ahead.includes(peer)) continue;
    checked.push(`${peer.position.host} at (${peer.position.epoch}, ${peer.position.revision}) is not ahead`);
  }
  const epoch = Math.max(own.epoch, ...peers.map((p) => p.position.epoch)) + 1;
  return { epoch, checked };
}
