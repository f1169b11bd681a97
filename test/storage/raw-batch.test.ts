import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Level } from "level";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import type { RawOp } from "../../src/storage/layout.js";
import { handingOver, writeRawBatch, type BatchPuts } from "../../src/storage/raw-batch.js";

/** The keys `handingOver` puts (or deletes) in each step, in order; the first step runs in the caller's turn. */
function steps(ops: readonly RawOp[]): string[][] {
  const slices: string[][] = [[]];
  const batch: BatchPuts = {
    put: (key) => slices.at(-1)!.push(key),
    del: (key) => slices.at(-1)!.push(`-${key}`),
  };
  const handing = handingOver(batch, ops);
  while (!handing.next().done) slices.push([]);
  // A step after the last that puts nothing is only the generator ending.
  if (slices.length > 1 && slices.at(-1)!.length === 0) slices.pop();
  return slices;
}

const small = (i: number): RawOp => ({ type: "put", key: `h!${i}`, value: `{"id":"${i}"}` });

describe("a big batch handed to LevelDB a slice per turn", () => {
  it("puts ITEMS_PER_SLICE ops per step, deletes included, in their order", () => {
    const ops = Array.from({ length: ITEMS_PER_SLICE * 2 + 5 }, (_, i): RawOp => (i % 3 === 0 ? { type: "del", key: `h!${i}` } : small(i)));
    const got = steps(ops);
    expect(got.map((slice) => slice.length)).toEqual([ITEMS_PER_SLICE, ITEMS_PER_SLICE, 5]);
    expect(got.flat()).toEqual(ops.map((op) => (op.type === "del" ? `-${op.key}` : op.key)));
  });
});

describe("writeRawBatch", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function openDb(): Promise<Level<string, unknown>> {
    const dir = mkdtempSync(join(tmpdir(), "cairn-raw-batch-"));
    dirs.push(dir);
    const db = new Level<string, unknown>(dir, { valueEncoding: "utf8" });
    await db.open();
    return db;
  }

  it("writes a few ops in one call, bytes among them read back as the string they encode", async () => {
    const db = await openDb();
    try {
      const batch = vi.spyOn(db, "batch");
      const record = "é".repeat(1000);
      await writeRawBatch(db, [small(0), { type: "put", key: "log!1", value: Buffer.from(record, "utf8"), valueEncoding: "buffer" }, small(1)], true);
      expect(batch.mock.calls.length).toBe(1);
      expect((batch.mock.calls[0] as unknown[])[0]).toHaveLength(3);
      expect(await db.get("log!1")).toBe(record);
      expect(await db.get("h!0")).toBe('{"id":"0"}');
      expect(await db.get("h!1")).toBe('{"id":"1"}');
    } finally {
      await db.close();
    }
  });

  it("writes nothing of a batch one of whose ops is refused part-way, and says why", async () => {
    const db = await openDb();
    try {
      const ops = [...Array.from({ length: ITEMS_PER_SLICE + 5 }, (_, i) => small(i)), { type: "put", key: undefined, value: "x" } as unknown as RawOp];
      await expect(writeRawBatch(db, ops, true)).rejects.toThrow(/key/i);
      expect(await db.get("h!0")).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});
