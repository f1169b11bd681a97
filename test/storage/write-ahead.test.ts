import { Level } from "level";
import { describe, expect, it, vi } from "vitest";
import { newHost, type ChangeRecord } from "../../src/registry/model.js";
import { PREFIX, revisionKey, type StoredPosition } from "../../src/storage/layout.js";
import { BIG_VALUE_BYTES } from "../../src/storage/raw-batch.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();

/** A change registering `count` hosts at `revision`: 8,000 of them log some 1.3 MiB. */
function registering(revision: number, count: number): ChangeRecord {
  const ops = Array.from({ length: count }, (_, i) => ({ kind: "put-host" as const, host: newHost(`r${revision}-host-${i}`, "/", { labels: { rack: `rack-${i % 40}` } }) }));
  return { epoch: 1, revision, digest: Buffer.alloc(32, revision), ops, timeUnixMs: 0, cause: "import" };
}

const at = (revision: number): StoredPosition => ({ clusterId: "cluster-test", epoch: 1, revision, digest: "00".repeat(32) });

/** The LevelDB under a RegistryDb, to watch and to damage. */
const levelOf = (db: RegistryDb) => (db as unknown as { db: Level<string, unknown> }).db;

describe("a log record of BIG_VALUE_BYTES or more", () => {
  it("is written on its own, just ahead of its batch, and reads back whole after a reopen", async () => {
    const dir = tempDir();
    const db = await RegistryDb.open(dir);
    const put = vi.spyOn(levelOf(db), "put");
    const batch = vi.spyOn(levelOf(db), "batch");
    await db.write({ changes: [registering(1, 8_000)], position: at(1), log: true });
    const record = put.mock.calls.find(([key]) => key === PREFIX.log + revisionKey(1));
    expect((record?.[1] as Buffer | undefined)?.length).toBeGreaterThanOrEqual(BIG_VALUE_BYTES);
    expect(put.mock.invocationCallOrder[0]).toBeLessThan(batch.mock.invocationCallOrder[0]!);
    // A small change's record stays in its batch.
    await db.write({ changes: [registering(2, 3)], position: at(2), log: true });
    expect(put).toHaveBeenCalledTimes(1);
    await db.close();

    const reopened = await RegistryDb.open(dir);
    try {
      expect(reopened.logBounds).toEqual({ first: 1, last: 2 });
      const changes = await reopened.readLog(1, 2);
      expect(changes.map((c) => [c.revision, c.ops.length])).toEqual([[1, 8_000], [2, 3]]);
      expect((await reopened.load()).registry.hosts.size).toBe(8_003);
    } finally {
      await reopened.close();
    }
  });

  it("whose batch never came (a crash in between) is gone at the next open, and its revision is written again", async () => {
    const dir = tempDir();
    const db = await RegistryDb.open(dir);
    await db.write({ changes: [registering(1, 2)], position: at(1), log: true });
    // What a crash after the record and before its batch leaves: the record, past the position.
    await levelOf(db).put(PREFIX.log + revisionKey(2), JSON.stringify([{ ...registering(2, 8_000), digest: "00".repeat(32) }]), { keyEncoding: "utf8", valueEncoding: "utf8" } as never);
    await db.close();

    const reopened = await RegistryDb.open(dir);
    try {
      expect(reopened.logBounds).toEqual({ first: 1, last: 1 });
      expect(await levelOf(reopened).get(PREFIX.log + revisionKey(2), { keyEncoding: "utf8", valueEncoding: "utf8" } as never)).toBeUndefined();
      const loaded = await reopened.load();
      expect(loaded.position?.revision).toBe(1);
      expect(loaded.registry.hosts.size).toBe(2);
      await reopened.write({ changes: [registering(2, 1)], position: at(2), log: true });
      expect((await reopened.readLog(1, 5)).map((c) => [c.revision, c.ops.length])).toEqual([[1, 2], [2, 1]]);
    } finally {
      await reopened.close();
    }
  });
});
