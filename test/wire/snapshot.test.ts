import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import type { SnapshotChunk__Output } from "../../src/generated/cairn/v1/SnapshotChunk.js";
import { StateDigest } from "../../src/registry/digest.js";
import { emptyRegistry, entityLists, newHost, newPackage, type Registry } from "../../src/registry/model.js";
import { registryFromSnapshot, SNAPSHOT_CHUNK_HOSTS, snapshotChunks } from "../../src/wire/snapshot.js";
import { registryService } from "../../src/wire/proto-loader.js";

const { responseSerialize: encode, responseDeserialize: decode } = registryService.Export;

function fleet(hosts: number): Registry {
  const registry = emptyRegistry();
  registry.domains.set("/eu", { path: "/eu" });
  registry.types.set("command-control", { name: "command-control", policy: "spread" });
  for (let i = 0; i < hosts; i++) {
    const host = newHost(`h${i}`, i % 2 ? "/eu" : "/", { labels: { rack: `r${i % 7}` } });
    if (i % 10 === 0) host.packages.push(newPackage("command-control", 7000 + i));
    registry.hosts.set(host.id, host);
  }
  return registry;
}

/** The chunks as a watcher receives them: through the wire encoding. */
function received(registry: Registry, revision = 9): SnapshotChunk__Output[] {
  const position = { clusterId: "c", epoch: 2, revision, digest: StateDigest.of(registry).bytes() };
  return [...snapshotChunks(entityLists(registry), position)].map((chunk) => decode(encode(chunk)));
}

function dataLoss(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CairnError);
    expect((error as CairnError).code).toBe(Code.DATA_LOSS);
    return (error as CairnError).message;
  }
  throw new Error("expected DATA_LOSS");
}

describe("snapshots", () => {
  it("carry a registry over several chunks and back, whole and with its digest", () => {
    const registry = fleet(2 * SNAPSHOT_CHUNK_HOSTS + 3);
    const chunks = received(registry);
    expect(chunks.map((c) => [c.index, c.last, c.hosts.length])).toEqual([
      [0, false, SNAPSHOT_CHUNK_HOSTS],
      [1, false, SNAPSHOT_CHUNK_HOSTS],
      [2, true, 3],
    ]);
    const back = registryFromSnapshot(chunks);
    expect(back).toEqual(registry);
    expect(StateDigest.of(back).equals(StateDigest.of(registry).bytes())).toBe(true);
  });

  it("of an empty registry is one chunk with the root domain", () => {
    expect(registryFromSnapshot(received(emptyRegistry()))).toEqual(emptyRegistry());
  });

  it("count only whole: chunks in order, the last one, no entity twice, the digest matching", () => {
    const chunks = received(fleet(2 * SNAPSHOT_CHUNK_HOSTS + 3));
    expect(dataLoss(() => registryFromSnapshot([chunks[0]!, chunks[2]!]))).toMatch(/chunk 2 came where chunk 1 was due/);
    expect(dataLoss(() => registryFromSnapshot(chunks.slice(0, 2)))).toMatch(/ended before its last chunk/);
    const repeated = { ...chunks[1]!, hosts: [...chunks[1]!.hosts, chunks[0]!.hosts[5]!] };
    expect(dataLoss(() => registryFromSnapshot([chunks[0]!, repeated, chunks[2]!]))).toMatch(/host h5 came twice/);
    const altered = { ...chunks[2]!, hosts: chunks[2]!.hosts.map((h) => ({ ...h, maintenance: !h.maintenance })) };
    expect(dataLoss(() => registryFromSnapshot([chunks[0]!, chunks[1]!, altered]))).toMatch(/does not match its digest at revision 9/);
  });
});
