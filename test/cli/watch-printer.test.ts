/**
 * The watch's sink, one delivery at a time: what it prints, where the next
 * stream resumes, and that no revision is printed twice or out of order
 * whatever the streams send (repeats, snapshots ahead or behind, gaps,
 * changes from an older epoch).
 */
import { describe, expect, it } from "vitest";
import { Code } from "../../src/errors.js";
import { StateDigest } from "../../src/registry/digest.js";
import { emptyRegistry, newHost, newPackage, type ChangeRecord, type Position } from "../../src/registry/model.js";
import { WatchPrinter } from "../../src/cli/watch-printer.js";

function change(revision: number, epoch = 1, digestByte = revision): ChangeRecord {
  return {
    revision,
    epoch,
    digest: Buffer.alloc(32, digestByte),
    ops: [{ kind: "put-host", host: newHost(`h-${revision}`, "/") }],
    timeUnixMs: Date.UTC(2026, 11, 1, 21, 54, 10, 123),
    cause: `host add h-${revision}`,
  };
}

function position(revision: number, epoch = 1, digestByte = revision): Position {
  return { clusterId: "c", revision, epoch, digest: Buffer.alloc(32, digestByte) };
}

function printer(start: Position, firstRevision = start.revision + 1, json = true) {
  const out: string[] = [];
  const err: string[] = [];
  const managers: string[] = [];
  const sink = new WatchPrinter({
    output: { out: (t) => out.push(t), err: (t) => err.push(t) },
    json,
    firstRevision,
    start,
    source: () => "127.0.0.1:7401",
    onManagers: (addresses) => managers.push(...addresses),
    now: () => 0,
  });
  const revisions = () => out.map((line) => JSON.parse(line) as { revision: number; ops?: unknown }).filter((c) => c.ops).map((c) => c.revision);
  return { sink, out, err, managers, revisions };
}

describe("the watch printer", () => {
  it("prints changes in order from the first asked for, and resumes after the last one received", () => {
    const { sink, revisions } = printer(position(10), 12);
    sink.apply([change(11), change(12), change(13)]);
    expect(revisions()).toEqual([12, 13]);
    expect(sink.position()).toEqual({ clusterId: "c", revision: 13, epoch: 1, digest: Buffer.alloc(32, 13) });
    expect(sink.lastPrinted).toBe(13);
  });

  it("reads as a person expects: the change's time, revision, epoch, cause and ops", () => {
    const { sink, out } = printer(position(10), 11, false);
    sink.apply([change(11)]);
    expect(out).toEqual(["2026-12-01T21:54:10.123Z r11 e1 host add h-11: put-host h-11"]);
  });

  it("never prints a change twice: a stream that repeats some is read past them", () => {
    const { sink, revisions } = printer(position(10));
    sink.apply([change(11), change(12)]);
    sink.apply([change(11), change(12), change(13)]);
    expect(revisions()).toEqual([11, 12, 13]);
  });

  it("refuses a gap (DATA_LOSS: resync) and a change from an older epoch (ABORTED: another manager), printing neither", () => {
    const { sink, revisions, err } = printer(position(10, 2));
    expect(() => sink.apply([change(12, 2)])).toThrow(expect.objectContaining({ code: Code.DATA_LOSS }));
    expect(() => sink.apply([change(11, 1)])).toThrow(expect.objectContaining({ code: Code.ABORTED }));
    expect(revisions()).toEqual([]);
    expect(sink.position().revision).toBe(10);
    expect(err).toHaveLength(2);
    expect(err[1]).toMatch(/^watch: 127\.0\.0\.1:7401 sent change 11 is from epoch 1, older than epoch 2/);
  });

  it("after a snapshot ahead of what it printed, says which changes it cannot show and goes on after the snapshot", () => {
    const { sink, revisions, err } = printer(position(10));
    sink.apply([change(11)]);
    sink.install(emptyRegistry(), position(20, 2), StateDigest.empty());
    expect(err).toEqual([
      "watch: resynced from a snapshot of 127.0.0.1:7401 at revision 20: it could not continue after revision 11; changes 12..20 are not shown",
    ]);
    sink.apply([change(21, 2)]);
    expect(revisions()).toEqual([11, 21]);
    expect(sink.position().revision).toBe(21);
  });

  it("after a snapshot behind what it printed, prints nothing up to the last printed, and says so when a change there differs", () => {
    const { sink, revisions, err } = printer(position(10));
    sink.apply([change(11), change(12), change(13)]);
    sink.install(emptyRegistry(), position(11), StateDigest.empty());
    expect(err).toEqual(["watch: resynced from a snapshot of 127.0.0.1:7401 at revision 11, behind revision 13 printed; printing from revision 14"]);
    // The same 12, a different 13 (the failover dropped the one printed), then 14.
    sink.apply([change(12), change(13, 1, 99), change(14)]);
    expect(revisions()).toEqual([11, 12, 13, 14]);
    expect(err[1]).toBe("watch: revision 13 on 127.0.0.1:7401 is not the change printed: a failover dropped it");
    // The next stream resumes after what it received, not after what it printed.
    expect(sink.position().digest).toEqual(Buffer.alloc(32, 14));
  });

  it("sums up the snapshot of a watch that had to start with one, once, and prints the changes after it", () => {
    const { sink, out, revisions } = printer(position(0), 1);
    const registry = emptyRegistry();
    registry.hosts.set("m1", { ...newHost("m1", "/", { address: "127.0.0.1" }), packages: [newPackage("registry", 7400, { role: "primary" })] });
    sink.install(registry, position(5), StateDigest.empty());
    expect(JSON.parse(out[0]!)).toEqual({ revision: 5, epoch: 1, snapshot: { domains: 1, hosts: 1, types: 0 }, digest: Buffer.alloc(32, 5).toString("hex") });
    sink.apply([change(5), change(6)]);
    expect(revisions()).toEqual([6]);
  });

  it("refuses a snapshot of another registry (ABORTED: another manager), printing nothing", () => {
    const { sink, out } = printer(position(10));
    expect(() => sink.install(emptyRegistry(), { ...position(30), clusterId: "other" }, StateDigest.empty())).toThrow(
      expect.objectContaining({ code: Code.ABORTED }),
    );
    expect(out).toEqual([]);
    expect(sink.position()).toEqual(position(10));
  });

  it("after a first stream that printed nothing yet, a snapshot is a resync said on stderr, not a first line", () => {
    // --from 12, and the stream began one earlier: 11 is received, not printed.
    const { sink, out, err } = printer(position(10), 12);
    sink.apply([change(11)]);
    sink.install(emptyRegistry(), position(14), StateDigest.empty());
    expect(out).toEqual([]);
    expect(err).toEqual(["watch: resynced from a snapshot of 127.0.0.1:7401 at revision 14: it could not continue after revision 11; changes up to 14 are not shown"]);
  });

  it("learns the registry managers a snapshot or a change names", () => {
    const { sink, managers } = printer(position(10));
    const manager = { ...change(11), ops: [{ kind: "put-host" as const, host: { ...newHost("m2", "/", { address: "::1" }), packages: [newPackage("registry", 7401)] } }] };
    sink.apply([manager]);
    expect(managers).toEqual(["[::1]:7401"]);
  });
});
