/**
 * A write of many turns (an import) and what stops the store meanwhile: a
 * failed disk write, a refusal (a step-down, a switchover), a close. Up to
 * the moment it starts to apply its change it is dropped whole, nothing of
 * it in the working state or on disk, and its caller is refused; nothing
 * is acknowledged by a store that no longer knows what is durable.
 */
import { describe, expect, it, vi } from "vitest";
import { CairnError, Code, unavailable } from "../../src/errors.js";
import { emptyRegistry, joinPath, newHost, type Op, type Registry } from "../../src/registry/model.js";
import { ITEMS_PER_SLICE, type Steps } from "../../src/registry/steps.js";
import { GroupCommit, type Accepted } from "../../src/registry-manager/group-commit.js";
import { registerHost } from "../../src/registry-manager/mutations/hosts.js";
import { importRegistrySteps } from "../../src/registry-manager/mutations/import.js";
import type { SteppedMutation } from "../../src/registry-manager/mutations/mutation.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { WriteIntake } from "../../src/registry-manager/write-intake.js";
import { FakeClock } from "../support/fake-clock.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const tempDir = useTempDirs();

async function openStore(dir = tempDir(), clock?: FakeClock): Promise<RegistryStore> {
  const store = await RegistryStore.open(dir, { clock });
  if (!store.initialized) await store.initialize("cluster-test", 1);
  return store;
}

function bigRegistry(hosts: number): Registry {
  const registry = emptyRegistry();
  for (let d = 0; d < 10; d++) registry.domains.set(joinPath("/", `d${d}`), { path: joinPath("/", `d${d}`) });
  for (let i = 0; i < hosts; i++) {
    const id = `host-${String(i).padStart(6, "0")}`;
    registry.hosts.set(id, newHost(id, `/d${i % 10}`, { status: "up" }));
  }
  return registry;
}

/** A stepped mutation of `count` new hosts that yields twice, then calls `last` in the step that returns its ops. */
function manyHosts(count: number, last: () => void): SteppedMutation {
  return function* (): Steps<Op[]> {
    yield;
    yield;
    last();
    return Array.from({ length: count }, (_, i): Op => ({ kind: "put-host", host: newHost(`h${i}`, "/") }));
  };
}

/** Resolves with the rejection of `promise`; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<CairnError> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ("value" in outcome) throw new Error(`answered ${JSON.stringify(outcome.value)}`);
  return outcome.error as CairnError;
}

/** Some turns of the event loop: what a write left to do on later turns has run. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("a write of many turns when the store stops meanwhile", () => {
  it("is refused, not written, when an earlier write fails on disk while it is on its way", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    // The LevelDB under the store fails its next batch a turn later (EIO), then works again.
    const level = (store as unknown as { db: { db: { batch: unknown } } }).db.db;
    level.batch = () => {
      delete (level as { batch?: unknown }).batch;
      return new Promise((_, reject) => setImmediate(() => reject(Object.assign(new Error("EIO: i/o error"), { code: "EIO" }))));
    };
    const a = store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "host add a" });
    const importing = store.mutate(importRegistrySteps(bigRegistry(5 * ITEMS_PER_SLICE)), { cause: "import big.yaml" });

    expect((await rejection(a)).message).toMatch(/could not be made durable: EIO/);
    const refused = await rejection(importing);
    expect(refused.code).toBe(Code.UNAVAILABLE);
    expect(refused.message).toMatch(/stopped after a failed write: EIO/);
    await turns();
    expect(store.durablePosition.revision).toBe(0);
    expect(store.position.revision).toBe(0);
    await store.close();

    // Nothing of either write is on disk, and what is there is whole.
    const reopened = await openStore(dir);
    try {
      expect(reopened.durablePosition.revision).toBe(0);
      expect(reopened.index.registry.hosts.size).toBe(0);
    } finally {
      await reopened.close();
    }
  });

  it.each([
    // Refused as the last op is made, before the digest.
    { when: "once its ops are worked out", why: "switching over to m2", refuse: (refuse: () => void) => refuse() },
    // Refused on the next turn: the ops are out by then, and the digest takes several turns.
    { when: "while its digest is worked out", why: "stepped down", refuse: (refuse: () => void) => void setImmediate(refuse) },
  ])("is dropped whole when writes are refused $when", async ({ why, refuse }) => {
    const store = await openStore();
    try {
      const refusal = unavailable(why);
      const importing = store.mutate(manyHosts(3 * ITEMS_PER_SLICE, () => refuse(() => store.refuseWrites(refusal))), { cause: "import" });
      expect(await rejection(importing)).toBe(refusal);
      await turns();
      expect(store.latest.registry.hosts.size).toBe(0);
      expect(store.durablePosition.revision).toBe(0);
    } finally {
      await store.close();
    }
  });

  it("is refused when the store closes during its steps, and the close still completes", async () => {
    const dir = tempDir();
    const store = await openStore(dir);
    const importing = store.mutate(importRegistrySteps(bigRegistry(5 * ITEMS_PER_SLICE)), { cause: "import" });
    const closing = store.close();
    expect((await rejection(importing)).message).toMatch(/shutting down/);
    await closing;
    const reopened = await openStore(dir);
    try {
      expect(reopened.durablePosition.revision).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});

describe("an answer given up for the caller's own deadline", () => {
  it("says the deadline passed, not that backups are too few", async () => {
    const clock = new FakeClock(Date.now());
    const store = await openStore(tempDir(), clock);
    store.setWriteGate({ admit: () => {}, describe: (revision, waitedMs) => `revision ${revision} held by 0 of 1 backups after ${waitedMs} ms` });
    store.setAutoCommit(false);
    try {
      const write = rejection(store.mutate(registerHost({ id: "a", domain: "/" }), { cause: "test", deadline: clock.now() + 2_000 }));
      // The caller's time runs out before the change is even durable (as an import's can).
      clock.advance(1_900);
      await until(() => store.durablePosition.revision === 1 || undefined, "the write on disk", 10_000, 1);
      clock.advance(1);
      const error = await write;
      expect(error.code).toBe(Code.UNAVAILABLE);
      expect(error.message).toBe("the caller's deadline passed before revision 1 was on disk; readers will see it once enough backups hold it");
    } finally {
      await store.close();
    }
  });
});

describe("WriteIntake", () => {
  it("rejects the caller of a write whose step throws, and runs the next", async () => {
    const failed = vi.fn();
    const intake = new WriteIntake(failed);
    const reject = vi.fn();
    const bug = new Error("a bug");
    intake.push(function* () {
      yield;
      throw bug;
    }, reject);
    let ran = false;
    intake.push(function* () {
      ran = true;
    }, () => {});
    await intake.idle();
    expect(reject).toHaveBeenCalledWith(bug);
    expect(failed).toHaveBeenCalledWith(bug);
    expect(ran).toBe(true);
  });

  it("runs writes that never yield at once, in order, and many queued behind one that yields in one go", async () => {
    const intake = new WriteIntake(() => {});
    const order: number[] = [];
    intake.push(function* () {
      yield;
      order.push(0);
    }, () => {});
    for (let i = 1; i <= 20_000; i++) intake.push(function* () {
      order.push(i);
    }, () => {});
    expect(order).toEqual([]);
    await intake.idle();
    expect(order).toHaveLength(20_001);
    expect(order.every((n, i) => n === i)).toBe(true);
  });
});

describe("GroupCommit once a batch failed", () => {
  it("refuses what is pushed later instead of writing it", async () => {
    const refusal = new Error("refused after EIO");
    const write = vi.fn((changes: readonly unknown[]) => (changes.length > 0 ? Promise.reject(new Error("EIO")) : Promise.resolve()));
    const queue = new GroupCommit({ write, written: () => {}, failed: () => refusal });
    const accepted = (reject: (error: unknown) => void): Accepted => ({
      change: { epoch: 1, revision: 1, digest: Buffer.alloc(32), ops: [], timeUnixMs: 0, cause: "t" },
      revision: 1,
      deadline: undefined,
      answer: () => {},
      reject,
    });
    queue.push(accepted(() => {}));
    await queue.idle();
    const reject = vi.fn();
    queue.push(accepted(reject));
    await queue.idle();
    expect(reject).toHaveBeenCalledWith(refusal);
    expect(write).toHaveBeenCalledTimes(1);
  });
});
