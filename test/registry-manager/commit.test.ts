/**
 * The store's commit point (--sync-backups): durable changes go to backups
 * at once, and to readers and writers only once committed.
 */
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import type { ChangeRecord } from "../../src/registry/model.js";
import { registerHost, setMaintenance } from "../../src/registry-manager/mutations/hosts.js";
import type { WriteGate } from "../../src/registry-manager/store-api.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { FakeClock } from "../support/fake-clock.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const tempDir = useTempDirs();

const gate: WriteGate = {
  admit: () => {},
  describe: (revision, waitedMs) => `revision ${revision} held by 0 of 1 backups after ${waitedMs} ms`,
};

async function gatedStore(dir = tempDir(), clock?: FakeClock): Promise<RegistryStore> {
  const store = await RegistryStore.open(dir, { clock });
  if (!store.initialized) await store.initialize("cluster-test", 1);
  store.setWriteGate(gate);
  store.setAutoCommit(false);
  return store;
}

/** Until the store's disk writes and their callbacks have run as far as `condition`. */
function settled(condition: () => boolean): Promise<true> {
  return until(() => condition() || undefined, "the store's disk writes", 10_000, 1);
}

describe("the commit point", () => {
  it("feeds backups a durable change at once, and readers and the writer only once it is committed", async () => {
    const store = await gatedStore();
    try {
      const durable: number[] = [];
      const committed: number[] = [];
      store.subscribeDurable((c) => durable.push(c.revision));
      store.subscribe((c) => committed.push(c.revision));
      let answered = false;
      const write = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" }).then((r) => ((answered = true), r));
      await settled(() => durable.length === 1);
      expect(store.durablePosition.revision).toBe(1);
      expect(store.position.revision).toBe(0);
      expect(store.index.registry.hosts.has("a")).toBe(false);
      expect(committed).toEqual([]);
      expect(answered).toBe(false);

      store.commitThrough(1);
      expect(store.index.registry.hosts.has("a")).toBe(true);
      expect(committed).toEqual([1]);
      expect((await write).revision).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("answers a mutation that changed nothing only once the revision it saw is committed", async () => {
    const store = await gatedStore();
    try {
      const first = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
      let answered = false;
      const same = store.mutate(setMaintenance("a", false), { cause: "test" }).then((r) => ((answered = true), r));
      await settled(() => store.durablePosition.revision === 1);
      await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      store.commitThrough(1);
      expect(await same).toEqual({ revision: 1, epoch: 1, changed: false });
      await first;
    } finally {
      await store.close();
    }
  });

  it("gives a write up with UNAVAILABLE before the caller's deadline, saying who holds what, and readers still wait", async () => {
    const clock = new FakeClock(Date.now());
    const store = await gatedStore(tempDir(), clock);
    try {
      const write = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test", deadline: clock.now() + 2_000 });
      const outcome = write.then(
        () => "answered",
        (error: CairnError) => error,
      );
      await settled(() => store.durablePosition.revision === 1);
      clock.advance(1_750);
      const error = await outcome;
      expect(error).toBeInstanceOf(CairnError);
      expect((error as CairnError).code).toBe(Code.UNAVAILABLE);
      expect((error as CairnError).message).toBe("revision 1 held by 0 of 1 backups after 1750 ms; readers will see it once enough backups hold it");
      expect(store.index.registry.hosts.has("a")).toBe(false);
      // Committed later all the same, when a backup confirms it.
      store.commitThrough(1);
      expect(store.index.registry.hosts.has("a")).toBe(true);
    } finally {
      await store.close();
    }
  });

  it("answers an untilDurable write once it is on disk, without the backups", async () => {
    const store = await gatedStore();
    try {
      const result = await store.mutate(registerHost({ id: "own", domain: "/" }), { cause: "test", untilDurable: true });
      expect(result.revision).toBe(1);
      expect(store.index.registry.hosts.has("own")).toBe(false);
    } finally {
      await store.close();
    }
  });

  it("refuses every answer still waiting for the backups once writes are refused (a deposed primary acknowledges nothing)", async () => {
    const store = await gatedStore();
    try {
      const write = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test" });
      await settled(() => store.durablePosition.revision === 1);
      const deposed = new CairnError(Code.FAILED_PRECONDITION, "deposed");
      store.refuseWrites(deposed);
      await expect(write).rejects.toBe(deposed);
      store.commitThrough(1);
      // The refused write stays out of sight until something commits it; it was never acknowledged.
      expect(store.position.revision).toBe(1);
    } finally {
      await store.close();
    }
  });

  it("reopens with readers where they were: the checkpoint never goes past the commit point, the rest waits", async () => {
    const dir = tempDir();
    const store = await gatedStore(dir);
    const durable: ChangeRecord[] = [];
    store.subscribeDurable((c) => durable.push(c));
    // Enough revisions for several checkpoints (every 1,000), readers kept 1,200 behind.
    for (let i = 0; i < 3_000; i++) {
      void store.mutate(registerHost({ id: `h${i}`, domain: "/" }), { cause: "test" }).catch(() => {});
      if (i % 100 === 99) {
        await settled(() => durable.length === i + 1);
        store.commitThrough(Math.max(0, i + 1 - 1_200));
      }
    }
    expect(store.position.revision).toBe(1_800);
    await store.close();

    const reopened = await RegistryStore.open(dir);
    try {
      expect(reopened.durablePosition.revision).toBe(3_000);
      expect(reopened.position.revision).toBe(1_800);
      expect(reopened.index.registry.hosts.size).toBe(1_800);
      expect(reopened.latest.registry.hosts.size).toBe(3_000);
      const seen: number[] = [];
      reopened.subscribe((c) => seen.push(c.revision));
      reopened.commitThrough(3_000);
      expect(seen).toHaveLength(1_200);
      expect(seen[0]).toBe(1_801);
      expect(reopened.index.registry.hosts.size).toBe(3_000);
      // And the changes readers had not seen are still there for a backup catching up.
      expect((await reopened.changesAfter(1_800, 3_000))?.map((c) => c.revision)).toEqual(Array.from({ length: 1_200 }, (_, i) => 1_801 + i));
    } finally {
      await reopened.close();
    }
  });
});
