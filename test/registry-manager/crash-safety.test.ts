import { describe, expect, it } from "vitest";
import { seededRandom } from "../../src/clock.js";
import { registryFromSnapshot } from "../../src/wire/snapshot.js";
import { StateDigest } from "../../src/registry/digest.js";
import { applyOps, emptyRegistry } from "../../src/registry/model.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useDefer } from "../support/defer.js";
import { TestRegistryClient } from "../support/manager.js";
import { startCairn, type CairnProcess } from "../support/process.js";
import { useTempDirs } from "../support/temp-dir.js";

const ROUNDS = 20;
const WRITERS = 8;

const defer = useDefer();
const tempDir = useTempDirs();

function startManager(dataDir: string): Promise<CairnProcess> {
  return startCairn(defer, ["manager", "start", "--host", "framework-manager", "--data", dataDir, "--listen", "127.0.0.1:0", "--bootstrap"]);
}

/** Registry, revision and digest as the manager reports them; the digest is checked against the exported entities. */
async function readBack(client: TestRegistryClient) {
  const status = await client.call("GetStatus", {});
  const registry = registryFromSnapshot(await client.export());
  expect(StateDigest.of(registry).hex()).toBe(Buffer.from(status.digest).toString("hex"));
  return { registry, revision: status.revision };
}

describe("crash safety", () => {
  it(`keeps every acknowledged write through ${ROUNDS} SIGKILLs at random moments`, async () => {
    const dataDir = tempDir();
    const random = seededRandom(20261122);
    const acknowledged = new Set<string>();
    let lastRevision = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const manager = await startManager(dataDir);
      const client = new TestRegistryClient(manager.address);
      try {
        const { registry, revision } = await readBack(client);
        for (const id of acknowledged) expect(registry.hosts.has(id), `acknowledged host ${id} after round ${round}`).toBe(true);
        expect(revision).toBeGreaterThanOrEqual(lastRevision);
        lastRevision = revision;

        // Writers stream registrations; the manager dies after a random number of acknowledgements, mid-stream.
        const killAfter = 5 + Math.floor(random() * 60);
        let acksThisRound = 0;
        let killing: Promise<void> | undefined;
        let next = 0;
        const writer = async () => {
          while (!killing) {
            const id = `h-${round}-${next++}`;
            try {
              await client.call("RegisterHost", { id, domain: "/" });
            } catch {
              return; // in flight at the kill: it may or may not have landed, and either is fine
            }
            acknowledged.add(id);
            if (++acksThisRound >= killAfter) killing ??= manager.kill();
          }
        };
        await Promise.all(Array.from({ length: WRITERS }, writer));
        await killing;
      } finally {
        client.close();
      }
    }

    // Once more, to check the last round, then stop cleanly and read the log itself.
    const manager = await startManager(dataDir);
    const client = new TestRegistryClient(manager.address);
    const { registry } = await readBack(client);
    client.close();
    for (const id of acknowledged) expect(registry.hosts.has(id)).toBe(true);
    expect(await manager.stop()).toBe(0);

    const db = await RegistryDb.open(dataDir);
    defer(() => db.close());
    const { registry: onDisk, position } = await db.load();
    // What the manager served is what its folder holds, after crashes and a clean stop alike.
    expect(onDisk).toEqual(registry);
    const log = await db.readLog(1, position!.revision);
    // No gap, nothing after the state's revision, and replaying the log gives every change's digest.
    expect(log.map((c) => c.revision)).toEqual(Array.from({ length: position!.revision }, (_, i) => i + 1));
    const replayed = emptyRegistry();
    const digest = StateDigest.of(replayed);
    for (const change of log) {
      digest.update(replayed, change.ops);
      applyOps(replayed, change.ops);
      expect(digest.hex(), `digest after revision ${change.revision}`).toBe(Buffer.from(change.digest).toString("hex"));
    }
    expect(replayed).toEqual(registry);
  });
});
