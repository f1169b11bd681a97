import { describe, expect, it } from "vitest";
import type { ChangeRecord, Op } from "../../src/registry/model.js";
import { ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import { changeEventSteps, WHOLE_CHANGE_MAX_OPS } from "../../src/wire/change-event.js";
import { changeFromWire, changeToWire } from "../../src/wire/convert.js";
import { replicationService } from "../../src/wire/proto-loader.js";
import type { WatchEvent } from "../../src/generated/cairn/v1/WatchEvent.js";
import type { WatchEvent__Output } from "../../src/generated/cairn/v1/WatchEvent.js";

const encode = replicationService.Watch.responseSerialize as (event: WatchEvent) => Buffer;
const decode = replicationService.Watch.responseDeserialize as (bytes: Buffer) => WatchEvent__Output;

function opAt(i: number): Op {
  if (i % 7 === 3) return { kind: "delete-host", id: `gone-${i}` };
  if (i % 11 === 5) return { kind: "put-domain", domain: { path: `/d${i}` } };
  return {
    kind: "put-host",
    host: { id: `h-${i}`, domain: "/", address: `10.0.${i >> 8}.${i & 255}`, labels: { rack: `r${i % 5}` }, maintenance: i % 2 === 0, status: "up", packages: [] },
  };
}

function changeOf(opCount: number): ChangeRecord {
  return {
    epoch: 3,
    revision: 41,
    digest: Buffer.alloc(32, 7),
    ops: Array.from({ length: opCount }, (_, i) => opAt(i)),
    timeUnixMs: 1_700_000_000_123,
    cause: "import fleet.yaml",
  };
}

/** Runs the steps to the end; returns the bytes and how many times they yielded. */
function run(change: ChangeRecord): { bytes: Buffer; yields: number } {
  const steps = changeEventSteps(change, encode);
  let yields = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return { bytes: next.value, yields };
    yields++;
  }
}

describe("a change's watch event, encoded in slices", () => {
  it.each([0, 1, ITEMS_PER_SLICE + 1, WHOLE_CHANGE_MAX_OPS, WHOLE_CHANGE_MAX_OPS + 1, 2 * WHOLE_CHANGE_MAX_OPS + 17])("decodes, at %i ops, to the same change as encoded whole", (opCount) => {
    const change = changeOf(opCount);
    const { bytes, yields } = run(change);
    // Whole, in one step, up to WHOLE_CHANGE_MAX_OPS; beyond it, a slice of ops per step.
    expect(yields).toBe(opCount > WHOLE_CHANGE_MAX_OPS ? Math.ceil(opCount / ITEMS_PER_SLICE) - 1 : 0);
    const sliced = decode(bytes);
    const whole = decode(encode({ change: changeToWire(change) }));
    expect(sliced).toEqual(whole);
    expect(changeFromWire(sliced.change!)).toEqual(change);
    expect(bytes.length).toBe(encode({ change: changeToWire(change) }).length);
  });
});
