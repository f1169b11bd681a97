import type { Level } from "level";
import { ITEMS_PER_SLICE, nextTurn } from "../registry/steps.js";
import type { RawOp } from "./layout.js";

/** The root's own encodings, for keys already prefixed and values already encoded. */
const RAW = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
/** …and for a value already encoded as UTF-8 bytes: the same bytes on disk, read back as the same string. */
const RAW_BYTES = { keyEncoding: "utf8", valueEncoding: "buffer" } as const;

/**
 * One batch at the root of `db` (keys already prefixed, values already
 * encoded), written whole: all of it or none. LevelDB's cost is per entry,
 * on this thread, before the write goes to its own: a batch of one slice
 * goes in one call, as an array; a bigger one (an import's checkpoint is
 * 100,000 entries, half a second) is handed over as a chained batch, a
 * slice per turn of the event loop, then written.
 */
export async function writeRawBatch(db: Level<string, unknown>, ops: readonly RawOp[], sync: boolean): Promise<void> {
  // An op's own valueEncoding ("buffer") wins over the batch's.
  if (ops.length <= ITEMS_PER_SLICE) return db.batch(ops as never, { sync, ...RAW } as never);
  const batch = db.batch();
  try {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.type === "put") batch.put(op.key, op.value, (typeof op.value === "string" ? RAW : RAW_BYTES) as never);
      else batch.del(op.key, RAW as never);
      if ((i + 1) % ITEMS_PER_SLICE === 0) await nextTurn();
    }
  } catch (error) {
    // The batch is never written; closing it only frees it, and the error to report is the first.
    await batch.close().catch(() => undefined);
    throw error;
  }
  await batch.write({ sync } as never);
}
