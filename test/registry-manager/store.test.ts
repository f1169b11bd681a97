import { describe, expect, it } from "vitest";
import { Level } from "level";
import { CairnError, Code } from "../../src/errors.js";
import { StateDigest } from "../../src/registry/digest.js";
import { emptyRegistry, newHost } from "../../src/registry/model.js";
import { registerHost, setLabels, setMaintenance } from "../../src/registry-manager/mutations/hosts.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { revisionKey } from "../../src/storage/layout.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();

async function openStore(dir = tempDir(), logRetention?: number): Promise<RegistryStore> {
  const store = await RegistryStore.open(dir, { logRetention });
  if (!store.initialized) await store.initialize("cluster-test", 1);
  return store;
}

describe("RegistryStore", () => {
  it("gives each change the next revision and the digest of the state after it", async () => {
    const store = await openStore();
    try {
      const seen: number[] = [];
      store.subscribe((change) => {
        seen.push(change.revision);
        expect(Buffer.from(change.digest).equals(StateDigest.of(store.index.registry).bytes())).toBe(true);
      });
      const a = await store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
      const b = await store.mutate(registerHost({ id: "b", domain: "/" }), { cause: "test" });
      expect([a.revision, b.revision]).toEqual([1, 2]);
      expect(seen).toEqual([1, 2]);
      expect(store.position.revision).toBe(2);
    } finally {
      await store.close();
    }
  });

  it("groups concurrent writes into batches, in order, each acknowledged with its own revision", async () => {
    const store = await openStore();
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" })),
      );
      expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(store.index.registry.hosts.size).toBe(200);
    } finally {
      await store.close();
    }
  });

  it("writes the waiting mutations a quarter at a time, at least 16 to a batch", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" })));
    await store.close();

    const raw = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    try {
      const records: number[] = [];
      for await (const value of raw.values({ gt: "!log!", lt: "!log!\xff" })) records.push((JSON.parse(value) as unknown[]).length);
      // The first goes to disk alone; 199 wait: 50 of them (a quarter), 38 of the 149 left, 28, 21, then 16 at a time.
      expect(records).toEqual([1, 50, 38, 28, 21, 16, 16, 16, 14]);
    } finally {
      await raw.close();
    }
  });

  it("adds no revision for a mutation that changes nothing", async () => {
    const store = await openStore();
    try {
      await store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
      const result = await store.mutate(setMaintenance("a", false), { cause: "test" });
      expect(result).toEqual({ revision: 1, epoch: 1, changed: false });
      expect(store.position.revision).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("rejects a stale expected revision and a bad mutation without writing, and goes on with the rest of the batch", async () => {
    const store = await openStore();
    try {
      await store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
      const before = store.position;
      const [stale, bad, good] = await Promise.allSettled([
        store.mutate(setMaintenance("a", true), { cause: "test", expectedRevision: 0 }),
        store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" }),
        store.mutate(setMaintenance("a", true), { cause: "test", expectedRevision: 1 }),
      ]);
      expect(stale).toMatchObject({ status: "rejected", reason: { code: Code.ABORTED } });
      expect(bad).toMatchObject({ status: "rejected", reason: { code: Code.ALREADY_EXISTS } });
      expect(good).toMatchObject({ status: "fulfilled", value: { revision: 2, changed: true } });
      expect(store.position.revision).toBe(before.revision + 1);
    } finally {
      await store.close();
    }
  });

  it("comes back from disk with the same registry, revision and digest", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.mutate(registerHost({ id: "a", domain: "/", labels: { rack: "r1" } }), { cause: "test" });
    await store.mutate(setLabels("a", { set: { rack: "r2" } }), { cause: "test" });
    const before = store.position;
    const registry = store.index.registry;
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.position).toEqual(before);
      expect(reopened.index.registry).toEqual(registry);
      expect((await reopened.changesAfter(0))?.map((c) => c.revision)).toEqual([1, 2]);
    } finally {
      await reopened.close();
    }
  });

  it("serves changes after any revision, and nothing once the log has compacted them", async () => {
    const dir = tempDir();
    const store = await openStore(dir, 5);
    for (let i = 0; i < 12; i++) await store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" });
    expect((await store.changesAfter(9))?.map((c) => c.revision)).toEqual([10, 11, 12]);
    expect(await store.changesAfter(12)).toEqual([]);
    await store.close();

    // From disk (the in-memory window is gone after a restart): revisions 8..12 kept, older compacted.
    const reopened = await openStore(dir, 5);
    try {
      expect((await reopened.changesAfter(7))?.map((c) => c.revision)).toEqual([8, 9, 10, 11, 12]);
      expect(await reopened.changesAfter(2)).toBeUndefined();
      expect(reopened.oldestLoggedRevision).toBe(8);
    } finally {
      await reopened.close();
    }
  });

  it("compacts the log a tenth of the retention at a time, leaving no hole", async () => {
    const dir = tempDir();
    const store = await openStore(dir, 100);
    for (let i = 0; i < 125; i++) await store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" });
    // A clear is due once 10 entries are past the retention: at revision 110 (1..10 went), then at 120 (11..20).
    expect(store.oldestLoggedRevision).toBe(21);
    await store.close();

    const reopened = await openStore(dir, 100);
    try {
      expect(reopened.oldestLoggedRevision).toBe(21);
      expect((await reopened.changesAfter(20))?.map((c) => c.revision)).toEqual(Array.from({ length: 105 }, (_, i) => 21 + i));
      expect(await reopened.changesAfter(19)).toBeUndefined();
    } finally {
      await reopened.close();
    }
  });

  it("logs each batch as one record, and reads back from any revision inside one", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.mutate(registerHost({ id: "first", domain: "/" }), { cause: "test" });
    // The first of these goes to disk alone; the other 29, accepted meanwhile, make two records: 3..18 and 19..31.
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" })));
    await store.close();

    const reopened = await openStore(dir);
    try {
      // From disk: the in-memory window is gone after a restart.
      expect(reopened.oldestLoggedRevision).toBe(1);
      expect((await reopened.changesAfter(16))?.map((c) => c.revision)).toEqual(Array.from({ length: 15 }, (_, i) => i + 17));
      expect((await reopened.changesAfter(25))?.map((c) => c.revision)).toEqual([26, 27, 28, 29, 30, 31]);
      expect((await reopened.changesAfter(0))?.map((c) => c.revision)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1));
    } finally {
      await reopened.close();
    }
  });

  it("compacts whole records only: the one holding the retention bound stays", async () => {
    const oldestAfter = async (logRetention: number) => {
      const store = await openStore(tempDir(), logRetention);
      try {
        await store.mutate(registerHost({ id: "first", domain: "/" }), { cause: "test" });
        await Promise.all(Array.from({ length: 30 }, (_, i) => store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" })));
        for (let i = 0; i < 15; i++) await store.mutate(registerHost({ id: `late${i}`, domain: "/" }), { cause: "test" });
        const oldest = store.oldestLoggedRevision;
        expect((await store.changesAfter(oldest - 1))?.length).toBe(46 - oldest + 1);
        return oldest;
      } finally {
        await store.close();
      }
    };
    // Records: 1 | 2 | 3..18 | 19..31 (the 29 accepted while 2 was on its way to disk: 16, then the 13 left) | 32 | … | 46.
    expect(await oldestAfter(10)).toBe(37); // the bound, 37, is past the big records: they went, whole
    expect(await oldestAfter(20)).toBe(19); // the bound, 27, is inside 19..31: it stays whole
  });

  it("goes on from a store written before checkpoints: one change per log entry, every entity current", async () => {
    const dir = tempDir();
    const registry = emptyRegistry();
    const a = newHost("a", "/");
    registry.hosts.set("a", a);
    const digest = StateDigest.of(registry).hex();
    const raw = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await raw.batch([
      { type: "put", key: "!domain!/", value: JSON.stringify({ path: "/" }) },
      { type: "put", key: "!host!a", value: JSON.stringify(a) },
      { type: "put", key: `!log!${revisionKey(1)}`, value: JSON.stringify({ epoch: 1, revision: 1, digest, ops: [{ kind: "put-host", host: a }], timeUnixMs: 0, cause: "test" }) },
      { type: "put", key: "!meta!position", value: JSON.stringify({ clusterId: "cluster-test", epoch: 1, revision: 1, digest }) },
    ]);
    await raw.close();

    const store = await openStore(dir);
    await store.mutate(registerHost({ id: "b", domain: "/" }), { cause: "test" });
    await store.close();
    const reopened = await openStore(dir);
    try {
      expect([...reopened.index.registry.hosts.keys()].sort()).toEqual(["a", "b"]);
      expect((await reopened.changesAfter(0))?.map((c) => c.revision)).toEqual([1, 2]);
    } finally {
      await reopened.close();
    }
  });

  it("leaves the disk as it was when a write fails, and still opens after a clean close", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
    // The LevelDB under the store, made to fail its next batches (a full disk).
    const level = (store as unknown as { db: { db: { batch: unknown } } }).db.db;
    level.batch = () => Promise.reject(new Error("disk full"));
    await expect(store.mutate(registerHost({ id: "b", domain: "/" }), { cause: "test" })).rejects.toThrow(/could not be made durable: disk full/);
    delete (level as { batch?: unknown }).batch;
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.position.revision).toBe(1);
      expect([...reopened.index.registry.hosts.keys()]).toEqual(["a"]);
    } finally {
      await reopened.close();
    }
  });

  it("refuses to open a store whose entities do not match its digest", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    await store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
    await store.close();

    // Damage it behind the store's back: an entity changed without a change.
    const db = await RegistryDb.open(dir);
    const { registry, position } = await db.load();
    const host = registry.hosts.get("a")!;
    await db.write({ changes: [{ epoch: 1, revision: 1, digest: Buffer.alloc(32), ops: [{ kind: "put-host", host: { ...host, maintenance: true } }], timeUnixMs: 0, cause: "damage" }], position: position!, log: false });
    await db.close();

    await expect(RegistryStore.open(dir)).rejects.toMatchObject({ code: Code.DATA_LOSS });
  });
});

describe("RegistryStore when it stops taking writes", () => {
  it("refuses what it had accepted, yet writes it, so that the disk and the working state stay one", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const refusal = new CairnError(Code.FAILED_PRECONDITION, "not the primary any more");
    const onDisk = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" }); // on its way to disk
    const accepted = ["b", "c", "d"].map((id) => store.mutate(registerHost({ id, domain: "/" }), { cause: "test" }));
    const answers = Promise.all([onDisk, ...accepted].map((write) => expect(write).rejects.toBe(refusal)));
    store.refuseWrites(refusal);
    await answers;
    await expect(store.mutate(registerHost({ id: "e", domain: "/" }), { cause: "test" })).rejects.toBe(refusal);
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.position.revision).toBe(4);
      expect([...reopened.index.registry.hosts.keys()].sort()).toEqual(["a", "b", "c", "d"]);
    } finally {
      await reopened.close();
    }
  });

  it("installs a snapshot only after the writes it had accepted, so that none of them lands on top", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const writes = Promise.allSettled(["a", "b", "c"].map((id) => store.mutate(registerHost({ id, domain: "/" }), { cause: "test" })));
    store.refuseWrites(new CairnError(Code.FAILED_PRECONDITION, "not the primary any more"));
    const registry = emptyRegistry();
    registry.hosts.set("z", newHost("z", "/"));
    const digest = StateDigest.of(registry);
    await store.install(registry, { clusterId: "cluster-test", epoch: 2, revision: 10, digest: digest.bytes() }, digest);
    expect((await writes).map((write) => write.status)).toEqual(["rejected", "rejected", "rejected"]);
    expect(store.position.revision).toBe(10);
    expect([...store.index.registry.hosts.keys()]).toEqual(["z"]);
    await store.close();

    const reopened = await openStore(dir);
    try {
      expect(reopened.position).toMatchObject({ epoch: 2, revision: 10 });
      expect([...reopened.index.registry.hosts.keys()]).toEqual(["z"]);
    } finally {
      await reopened.close();
    }
  });

  it("opens empty, its log forgotten, after a snapshot install cut short", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    for (let i = 0; i < 5; i++) await store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" });
    await store.close();
    // The marker a replace writes first and removes last: as if the process died in between.
    const raw = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await raw.put("!meta!resyncing", "true");
    await raw.close();

    const cut = await RegistryStore.open(dir);
    try {
      expect(cut.initialized).toBe(false);
      expect(cut.position.revision).toBe(0);
      expect(cut.oldestLoggedRevision).toBe(0);
      expect(await cut.changesAfter(0)).toEqual([]);
    } finally {
      await cut.close();
    }
  });
});
