/**
 * A WatchEvent carrying one change, encoded in slices: an import's change
 * holds 100,000 ops, and encoding it in one go held a manager's event loop
 * for about 220 ms (SPEC 16: at most 50).
 *
 * Each slice of ops is encoded alone, as the `change` of an event of its
 * own, and the slices are joined. Protobuf appends a repeated field's
 * entries across concatenated messages, so the Change is its slices' bytes
 * end to end. A nested message field repeated is not merged by protobufjs's
 * decoder (the last one wins), so the slices are joined inside the event's
 * `change` field, not as whole events: read out of each slice's event and
 * written back around the joined bytes with protobufjs's own Reader and
 * Writer, under the tag the encoder used.
 */
import protobuf from "protobufjs";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import { ITEMS_PER_SLICE, type Steps } from "../registry/steps.js";
import type { ChangeRecord } from "../registry/model.js";
import { changeToWire, opToWire } from "./convert.js";

/**
 * The most ops a change that is not long has: encoded whole, and applied to
 * readers' index in place (publication.ts), in one turn, a few ms at 2-10
 * µs an op. A longer one is encoded a slice per turn and published through
 * a copy of the whole registry (some 400 turns at 100,000 hosts), which
 * pays only for an import-sized change. Not ITEMS_PER_SLICE, how much of
 * a long work runs in a turn: this stayed at 1,000 when slices went to 250.
 */
export const WHOLE_CHANGE_MAX_OPS = 1_000;

/** Whether `change` is long: more than WHOLE_CHANGE_MAX_OPS ops, so encoded (and published, publication.ts) over several turns. */
export function isLongChange(change: ChangeRecord): boolean {
  return change.ops.length > WHOLE_CHANGE_MAX_OPS;
}

/**
 * Encodes `{ change }` with `encode` (a WatchEvent serializer), a slice of
 * ops per step. A change that is not long is encoded whole, in one step
 * that never yields.
 */
export function* changeEventSteps(change: ChangeRecord, encode: (event: WatchEvent) => Buffer): Steps<Buffer> {
  const { ops } = change;
  if (!isLongChange(change)) return encode({ change: changeToWire(change) });
  const joined: Uint8Array[] = [];
  let tag = 0;
  for (let from = 0; from < ops.length; from += ITEMS_PER_SLICE) {
    if (from > 0) yield;
    const slice = ops.slice(from, from + ITEMS_PER_SLICE).map(opToWire);
    const wire = from === 0 ? { ...changeToWire({ ...change, ops: [] }), ops: slice } : { ops: slice };
    const reader = protobuf.Reader.create(encode({ change: wire }));
    tag = reader.uint32();
    joined.push(reader.bytes());
    if (reader.pos !== reader.len) throw new Error("a change's event encoded as more than its change field");
  }
  // The field's tag and length, then its bytes: copied once.
  const length = joined.reduce((sum, part) => sum + part.length, 0);
  const head = protobuf.Writer.create().uint32(tag).uint32(length).finish();
  return Buffer.concat([head, ...joined], head.length + length);
}
