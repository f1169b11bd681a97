import type { Level } from "level";
import { finishSteps, ITEMS_PER_SLICE, type Steps } from "../registry/steps.js";
import type { RawOp } from "./layout.js";

/** The root's own encodings, for keys already prefixed and values already encoded. */
const RAW = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
/** …and for a value already encoded as UTF-8 bytes: the same bytes on disk, read back as the same string. */
const RAW_BYTES = { keyEncoding: "utf8", valueEncoding: "buffer" } as const;

/**
 * A value (a log record) at least this big is written ahead of its batch,
 * on its own (`writeAhead`). Entity values are far below it (a host is
 * about 200 bytes).
 */
export const BIG_VALUE_BYTES = 2 ** 20;

/** What of a chained batch the hand-over uses. */
export interface BatchPuts {
  put(key: string, value: string | Buffer, options: typeof RAW | typeof RAW_BYTES): unknown;
  del(key: string, options: typeof RAW): unknown;
}

/**
 * One batch at the root of `db` (keys already prefixed, values already
 * encoded), written whole: all of it or none. LevelDB's cost is per entry,
 * on this thread, before the write goes to its own: a batch of one slice
 * goes in one call, as an array; a bigger one (an import's checkpoint is
 * 100,000 entries, half a second) is handed over as a chained batch, a
 * slice per turn of the event loop (`handingOver`), then written.
 */
export async function writeRawBatch(db: Level<string, unknown>, ops: readonly RawOp[], sync: boolean): Promise<void> {
  // An op's own valueEncoding ("buffer") wins over the batch's.
  if (ops.length <= ITEMS_PER_SLICE) return db.batch(ops as never, { sync, ...RAW } as never);
  const batch = db.batch();
  try {
    await finishSteps(handingOver(batch as unknown as BatchPuts, ops));
  } catch (error) {
    // The batch is never written; closing it only frees it, and the error to report is the first.
    await batch.close().catch(() => undefined);
    throw error;
  }
  await batch.write({ sync } as never);
}

/** Puts `ops` into `batch`, ITEMS_PER_SLICE per step; the first step runs in the caller's turn (finishSteps). */
export function* handingOver(batch: BatchPuts, ops: readonly RawOp[]): Steps<void> {
  let inSlice = 0;
  for (const op of ops) {
    if (op.type === "del") batch.del(op.key, RAW);
    else if (typeof op.value === "string") batch.put(op.key, op.value, RAW);
    else batch.put(op.key, op.value, RAW_BYTES);
    if (++inSlice >= ITEMS_PER_SLICE) {
      inSlice = 0;
      yield;
    }
  }
}

/**
 * Writes one big value on its own, ahead of the batch that makes it count
 * (the caller keeps it unread until then, and drops it at the next open if
 * that batch never came). Put into a batch, a value is copied twice on this
 * thread: once out of JavaScript, once into the batch, a buffer that doubles
 * as it fills and is copied whole each time, in the put that overflowed it.
 * Timed put by put on a slow day, an import's batch (its 21 MiB log record
 * and a checkpoint's 100,000 hosts): the record 29-42 ms, the 4-byte put
 * after it 15-21 ms, and a host's put at 39 MiB 37 ms (SPEC 16: no turn over
 * 50 ms). A put of its own copies it once here and builds its batch on
 * LevelDB's thread. Synced: the batch's own sync covers it only while
 * LevelDB writes the same log file, and a value this big is what makes it
 * move to a new one.
 */
export async function writeAhead(db: Level<string, unknown>, key: string, value: Buffer): Promise<void> {
  await db.put(key, value as never, { ...RAW_BYTES, sync: true } as never);
}
