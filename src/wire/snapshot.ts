import { CairnError, Code } from "../errors.js";
import type { SnapshotChunk, SnapshotChunk__Output } from "../generated/cairn/v1/SnapshotChunk.js";
import { StateDigest } from "../registry/digest.js";
import type { EntityLists, Position, Registry } from "../registry/model.js";
import { domainFromWire, domainToWire, hostFromWire, hostToWire, typeFromWire, typeToWire } from "./convert.js";

/**
 * A registry in chunks, as Watch (a replica's resync) and Export send it,
 * and back. A snapshot counts only whole: every chunk in order, the last one,
 * and the entities matching the digest it was sent with.
 */

/** Hosts per snapshot chunk: small enough for any message limit, big enough to be few. */
export const SNAPSHOT_CHUNK_HOSTS = 1_000;

/** The chunks of a snapshot, each made only when it is asked for: the first goes out before the last is encoded. */
export function* snapshotChunks(entities: EntityLists, position: Position): Generator<SnapshotChunk> {
  const { hosts } = entities;
  const count = Math.max(1, Math.ceil(hosts.length / SNAPSHOT_CHUNK_HOSTS));
  for (let index = 0; index < count; index++) {
    yield {
      epoch: position.epoch,
      revision: position.revision,
      digest: position.digest,
      cluster_id: position.clusterId,
      // Domains and types ride in the first chunk; hosts are spread over all.
      domains: index === 0 ? entities.domains.map(domainToWire) : [],
      types: index === 0 ? entities.types.map(typeToWire) : [],
      hosts: hosts.slice(index * SNAPSHOT_CHUNK_HOSTS, (index + 1) * SNAPSHOT_CHUNK_HOSTS).map(hostToWire),
      index,
      last: index === count - 1,
    };
  }
}

function twice(what: string): CairnError {
  return new CairnError(Code.DATA_LOSS, `snapshot: ${what} came twice`);
}

/** The registry a snapshot's chunks hold, checked whole: every chunk in order, the last one, the digest. */
export function registryFromSnapshot(chunks: readonly SnapshotChunk__Output[]): Registry {
  const assembler = new SnapshotAssembler();
  for (const chunk of chunks) assembler.add(chunk);
  return assembler.finish().registry;
}

/**
 * Builds a registry chunk by chunk as a snapshot arrives: each chunk is
 * converted and hashed when it comes, so neither the wire objects of the
 * whole snapshot nor a second pass over it are needed at the end.
 */
export class SnapshotAssembler {
  // Nothing, not even the root domain: the snapshot brings every entity.
  private readonly registry: Registry = { domains: new Map(), hosts: new Map(), types: new Map() };
  private readonly digest = StateDigest.empty();
  private expected = 0;
  private last: SnapshotChunk__Output | undefined;

  /** Adds the next chunk; true when it was the last. */
  add(chunk: SnapshotChunk__Output): boolean {
    if (this.last) throw new CairnError(Code.DATA_LOSS, `snapshot: chunk ${chunk.index} came after the last chunk`);
    if (chunk.index !== this.expected) throw new CairnError(Code.DATA_LOSS, `snapshot: chunk ${chunk.index} came where chunk ${this.expected} was due`);
    this.expected++;
    const { domains, hosts, types } = this.registry;
    for (const wire of chunk.domains) {
      const domain = domainFromWire(wire);
      if (domains.has(domain.path)) throw twice(`domain ${domain.path}`);
      domains.set(domain.path, domain);
      this.digest.addDomain(domain);
    }
    for (const wire of chunk.types) {
      const type = typeFromWire(wire);
      if (types.has(type.name)) throw twice(`type ${type.name}`);
      types.set(type.name, type);
      this.digest.addType(type);
    }
    for (const wire of chunk.hosts) {
      const host = hostFromWire(wire);
      if (hosts.has(host.id)) throw twice(`host ${host.id}`);
      hosts.set(host.id, host);
      this.digest.addHost(host);
    }
    if (chunk.last) this.last = chunk;
    return chunk.last;
  }

  /** The whole registry and its digest, checked against the digest the snapshot was sent with. */
  finish(): { registry: Registry; digest: StateDigest; position: Position } {
    const last = this.last;
    if (!last) throw new CairnError(Code.DATA_LOSS, "the snapshot ended before its last chunk");
    if (!this.digest.equals(last.digest)) {
      throw new CairnError(Code.DATA_LOSS, `the snapshot does not match its digest at revision ${last.revision}`);
    }
    const position = { clusterId: last.cluster_id, epoch: last.epoch, revision: last.revision, digest: this.digest.bytes() };
    return { registry: this.registry, digest: this.digest, position };
  }
}
