import type { Level } from "level";
import { finishSteps, ITEMS_PER_SLICE, type Steps } from "../registry/steps.js";
import type { RawOp } from "./layout.js";

/** The root's own encodings, for keys already prefixed and values already encoded. */
const RAW = { keyEncoding: "utf8", valueEncoding: "utf8" } as const;
/** …and for a value already encoded as UTF-8 bytes: the same bytes on disk, read back as the same string. */
const RAW_BYTES = { keyEncoding: "utf8", valueEncoding: "buffer" } as const;

/**
 * A value given as bytes (a log record) at least this big is handed to the
 * batch in a turn of its own. LevelDB copies each value into the batch as
 * it is put: an import's 20 MiB log record took 7-24 ms alone on the
 * 2-core machine, and 43-60 ms in a slice with 999 other puts (slices of
 * 1,000 then) during the scale bench's import (SPEC 16: no turn over 50
 * ms). Entity values are strings, and far below it (a host is about 200
 * bytes).
 *
 * The value's own copy is not the whole cost: the batch is one buffer
 * that doubles as it fills, and each doubling copies it whole in the put
 * that overflowed it. Timed put by put on a slow day: the 21 MiB record
 * 29-42 ms, the 4-byte put after it 15-21 ms (the 21 MiB copied again),
 * and one host's put 39 MiB into a batch that held another change's
 * record and a checkpoint 37 ms. Those turns stay until a change that big
 * is written in batches of a few MiB.
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
 * with no big value goes in one call, as an array; a bigger one (an
 * import's checkpoint is 100,000 entries, half a second) is handed over as
 * a chained batch, a slice per turn of the event loop (`handingOver`), then
 * written.
 */
export async function writeRawBatch(db: Level<string, unknown>, ops: readonly RawOp[], sync: boolean): Promise<void> {
  // An op's own valueEncoding ("buffer") wins over the batch's.
  if (ops.length <= ITEMS_PER_SLICE && !ops.some(isBig)) return db.batch(ops as never, { sync, ...RAW } as never);
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

/**
 * Puts `ops` into `batch`, ITEMS_PER_SLICE per step, and each big value in
 * a step of its own. The first step runs in the caller's turn (finishSteps),
 * which has done work of its own: a big value first waits for the next.
 */
export function* handingOver(batch: BatchPuts, ops: readonly RawOp[]): Steps<void> {
  let inSlice = 0;
  let callersTurn = true;
  for (const op of ops) {
    const big = isBig(op);
    if (big && (inSlice > 0 || callersTurn)) {
      inSlice = 0;
      yield;
    }
    callersTurn = false;
    if (op.type === "del") batch.del(op.key, RAW);
    else if (typeof op.value === "string") batch.put(op.key, op.value, RAW);
    else batch.put(op.key, op.value, RAW_BYTES);
    inSlice = big ? ITEMS_PER_SLICE : inSlice + 1;
    if (inSlice >= ITEMS_PER_SLICE) {
      inSlice = 0;
      yield;
    }
  }
}

function isBig(op: RawOp): boolean {
  return op.type === "put" && typeof op.value !== "string" && op.value.length >= BIG_VALUE_BYTES;
}
