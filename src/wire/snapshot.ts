import { CairnError, Code } from "../errors.js";
import type { SnapshotChunk, SnapshotChunk__Output } from "../generated/cairn/v1/SnapshotChunk.js";
import { StateDigest } from "../router/digest.js";
import { emptyRegistry, type Registry } from "../router/model.js";
import { domainFromWire, domainToWire, hostFromWire, hostToWire, typeFromWire, typeToWire } from "./convert.js";

/**
 * A registry in chunks, as Watch (a replica's resync) and Export send it,
 * and back. A snapshot counts only whole: every chunk in order, the last one,
 * and the entities matching the digest it was sent with.
 */

/** Hosts per snapshot chunk: small enough for any message limit, big enough to be few. */
export const SNAPSHOT_CHUNK_HOSTS = 1_000;

export interface SnapshotPosition {
  clusterId: string;
  epoch: number;
  revision: number;
  digest: Uint8Array;
}

export function snapshotChunks(registry: Readonly<Registry>, position: SnapshotPosition): SnapshotChunk[] {
  const hosts = [...registry.hosts.values()];
  const count = Math.max(1, Math.ceil(hosts.length / SNAPSHOT_CHUNK_HOSTS));
  return Array.from({ length: count }, (_, index) => ({
    epoch: position.epoch,
    revision: position.revision,
    digest: position.digest,
    cluster_id: position.clusterId,
    // Domains and types ride in the first chunk; hosts are spread over all.
    domains: index === 0 ? [...registry.domains.values()].map(domainToWire) : [],
    types: index === 0 ? [...registry.types.values()].map(typeToWire) : [],
    hosts: hosts.slice(index * SNAPSHOT_CHUNK_HOSTS, (index + 1) * SNAPSHOT_CHUNK_HOSTS).map(hostToWire),
    index,
    last: index === count - 1,
  }));
}

/** The registry a snapshot's chunks hold, checked whole: every chunk in order, the last one, the digest. */
export function registryFromSnapshot(chunks: readonly SnapshotChunk__Output[]): Registry {
  return verifiedSnapshot(chunks).registry;
}

/** The same, with the digest it was checked against, so that a replica need not compute it again. */
export function verifiedSnapshot(chunks: readonly SnapshotChunk__Output[]): { registry: Registry; digest: StateDigest } {
  const registry = emptyRegistry();
  chunks.forEach((chunk, i) => {
    if (chunk.index !== i) throw new CairnError(Code.DATA_LOSS, `snapshot: chunk ${chunk.index} came where chunk ${i} was due`);
    for (const domain of chunk.domains) registry.domains.set(domain.path, domainFromWire(domain));
    for (const type of chunk.types) registry.types.set(type.name, typeFromWire(type));
    for (const host of chunk.hosts) registry.hosts.set(host.id, hostFromWire(host));
  });
  const last = chunks.at(-1);
  if (!last?.last) throw new CairnError(Code.DATA_LOSS, "the snapshot ended before its last chunk");
  const digest = StateDigest.of(registry);
  if (!digest.equals(last.digest)) {
    throw new CairnError(Code.DATA_LOSS, `the snapshot does not match its digest at revision ${last.revision}`);
  }
  return { registry, digest };
}
