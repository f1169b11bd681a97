import { StateDigest } from "../registry/digest.js";
import type { ChangeRecord, Position, Registry } from "../registry/model.js";
import type { RegistryDb } from "./registry-db.js";

export interface VerifiedLoad {
  /** Everything on disk, at `position` (an empty, unjoined position for a new store). */
  registry: Registry;
  position: Position;
  digest: StateDigest;
  /** The state readers had reached: `registry` itself unless logged changes trail it. */
  committed: { registry: Registry; position: Position; digest: StateDigest };
  /** The logged changes between the committed state and `position`, in order. */
  tail: ChangeRecord[];
  /** What is wrong with what is on disk, for a message; undefined when it is whole. */
  damage: string | undefined;
}

/**
 * Everything on disk, checked whole: the entities must reproduce the digest
 * their position names, and a log must end at that position. The caller
 * decides what damage means: a manager refuses to serve, an agent's replica
 * (a cache) starts empty and resyncs.
 */
export async function loadVerified(db: RegistryDb): Promise<VerifiedLoad> {
  const { registry, position, committed, tail } = await db.load();
  const digest = StateDigest.of(registry);
  const stored = position ?? { clusterId: "", epoch: 0, revision: 0, digest: digest.hex() };
  let damage: string | undefined;
  const holdsEntities = registry.hosts.size > 0 || registry.types.size > 0 || registry.domains.size > 1;
  if (!position && holdsEntities) {
    damage = "it holds entities but no position (meta/position is gone), so they cannot be verified";
  } else if (stored.digest !== digest.hex()) {
    damage = `its entities do not match the digest of revision ${stored.revision}`;
  } else if (db.logBounds.last !== 0 && db.logBounds.last !== stored.revision) {
    damage = `log ends at ${db.logBounds.last}, state at ${stored.revision}`;
  }
  const head = { ...stored, digest: digest.bytes() };
  if (committed.registry === registry) return { registry, position: head, digest, committed: { registry, position: head, digest }, tail, damage };
  const committedDigest = StateDigest.of(committed.registry);
  const committedPosition = { clusterId: stored.clusterId, epoch: committed.epoch, revision: committed.revision, digest: committedDigest.bytes() };
  return { registry, position: head, digest, committed: { registry: committed.registry, position: committedPosition, digest: committedDigest }, tail, damage };
}
