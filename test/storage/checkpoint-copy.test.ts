/**
 * A logged write whose readers trail it (--sync-backups) checkpoints the
 * entity keys at the readers' revision, from the readers' registry. That
 * registry changes in place as backups confirm changes, while a big batch
 * is encoded over many turns: the checkpoint must read it as it was when
 * the write was asked for, without a copy of the whole registry (40 to 55 ms
 * at 100,000 hosts): only the entities written past the readers' revision
 * can move under it, and only those are held.
 */
import { describe, expect, it, vi } from "vitest";
import * as model from "../../src/registry/model.js";
import { applyOps, cloneRegistry, emptyRegistry, newHost, type ChangeRecord, type Op, type Registry } from "../../src/registry/model.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useTempDirs } from "../support/temp-dir.js";

vi.mock("../../src/registry/model.js", async (importOriginal) => {
  const actual = await importOriginal<typeof import("../../src/registry/model.js")>();
  return { ...actual, cloneRegistry: vi.fn(actual.cloneRegistry) };
});

const tempDir = useTempDirs();

const position = (revision: number) => ({ clusterId: "c", epoch: 1, revision, digest: "00" });

function change(revision: number, ops: Op[]): ChangeRecord {
  return { epoch: 1, revision, digest: Buffer.alloc(32), ops, timeUnixMs: 0, cause: `change ${revision}` };
}

const putHost = (id: string): Op => ({ kind: "put-host", host: newHost(id, "/") });
const deleteHost = (id: string): Op => ({ kind: "delete-host", id });

/** The database's LevelDB closed under it, with no checkpoint: what a kill -9 leaves. */
async function crash(db: RegistryDb): Promise<void> {
  await (db as unknown as { db: { close(): Promise<void> } }).db.close();
}

describe("a checkpoint under trailing readers", () => {
  it("holds the readers' registry as of the write, not as it moved while the batch was encoded", async () => {
    const dir = tempDir();
    const db = await RegistryDb.open(dir);
    // Readers: at revision 1 (host a). Revision 2 (host b) is durable, not yet committed.
    const readers: Registry = emptyRegistry();
    await db.write({ changes: [change(1, [putHost("a")])], position: position(1), log: true });
    applyOps(readers, [putHost("a")]);
    await db.write({ changes: [change(2, [putHost("b")])], position: position(2), log: true, committed: { revision: 1, registry: readers } });
    // An import at revision 3: enough entities for a checkpoint, encoded over many turns.
    const imported = Array.from({ length: 12_000 }, (_, i) => putHost(`h${i}`));
    const writing = db.write({ changes: [change(3, imported)], position: position(3), log: true, committed: { revision: 1, registry: readers } });
    // Meanwhile a backup confirms revision 2: readers' registry takes host b, in place.
    await new Promise((resolve) => setImmediate(resolve));
    applyOps(readers, [putHost("b")]);
    await writing;
    await crash(db);

    const reopened = await RegistryDb.open(dir);
    try {
      const loaded = await reopened.load();
      expect(loaded.committed.revision).toBe(1);
      expect([...loaded.committed.registry.hosts.keys()]).toEqual(["a"]);
      expect(loaded.registry.hosts.size).toBe(2 + imported.length);
    } finally {
      await reopened.close();
    }
  });

  it("holds an entity the readers lose while the batch is encoded", async () => {
    const dir = tempDir();
    const db = await RegistryDb.open(dir);
    // Readers at revision 1 (hosts a and b); revision 2, durable, deletes b.
    const readers: Registry = emptyRegistry();
    await db.write({ changes: [change(1, [putHost("a"), putHost("b")])], position: position(1), log: true });
    applyOps(readers, [putHost("a"), putHost("b")]);
    await db.write({ changes: [change(2, [deleteHost("b")])], position: position(2), log: true, committed: { revision: 1, registry: readers } });
    const imported = Array.from({ length: 12_000 }, (_, i) => putHost(`h${i}`));
    const copies = vi.mocked(model.cloneRegistry);
    copies.mockClear();
    const writing = db.write({ changes: [change(3, imported)], position: position(3), log: true, committed: { revision: 1, registry: readers } });
    await new Promise((resolve) => setImmediate(resolve));
    applyOps(readers, [deleteHost("b")]);
    await writing;
    expect(copies).not.toHaveBeenCalled();
    expect(cloneRegistry).toBe(copies);
    await crash(db);

    const reopened = await RegistryDb.open(dir);
    try {
      const loaded = await reopened.load();
      expect(loaded.committed.revision).toBe(1);
      expect([...loaded.committed.registry.hosts.keys()].sort()).toEqual(["a", "b"]);
      expect(loaded.registry.hosts.has("b")).toBe(false);
      expect(loaded.registry.hosts.size).toBe(1 + imported.length);
    } finally {
      await reopened.close();
    }
  });
});
