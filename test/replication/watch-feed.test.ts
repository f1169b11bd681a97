import { EventEmitter } from "node:events";
import fc from "fast-check";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import type { Progress, Progress__Output } from "../../src/generated/cairn/v1/Progress.js";
import type { WatchEvent, WatchEvent__Output } from "../../src/generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../../src/generated/cairn/v1/WatchRequest.js";
import { silentLogger } from "../../src/logger.js";
import { StateDigest } from "../../src/registry/digest.js";
import { applyOps, emptyRegistry, entityLists, newHost, type ChangeRecord, type Op, type Position, type Registry } from "../../src/registry/model.js";
import {
  nextFeedState,
  reconnectDelayMs,
  RECONNECT_BASE_MS,
  RECONNECT_MAX_MS,
  type FeedEvent,
  type FeedState,
} from "../../src/replication/feed-state.js";
import { RETARGET_HOLD_MS, WatchFeed, type FeedSink, type WatchConnection } from "../../src/replication/watch-feed.js";
import { changeToWire } from "../../src/wire/convert.js";
import { replicationService } from "../../src/wire/proto-loader.js";
import { SNAPSHOT_CHUNK_HOSTS, snapshotChunks } from "../../src/wire/snapshot.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";

const defer = useDefer();

// ---- the pure transition function ----

const ev = {
  start: { type: "start" },
  retry: { type: "retry" },
  progress: { type: "progress" },
  chunk: { type: "snapshot-chunk" },
  delivered: { type: "delivered" },
  installed: { type: "installed" },
  refused: { type: "refused", aborted: false },
  aborted: { type: "refused", aborted: true },
  ended: (jitter: number) => ({ type: "stream-ended", jitter }),
  retarget: { type: "retarget" },
  stop: { type: "stop" },
} as const satisfies Record<string, FeedEvent | ((jitter: number) => FeedEvent)>;

describe("nextFeedState, one transition at a time", () => {
  it("idle --start--> connecting to the first candidate, resuming", () => {
    expect(nextFeedState({ kind: "idle" }, ev.start)).toEqual({ kind: "connecting", candidate: 0, failures: 0, resync: false });
  });

  it("live --retarget--> waiting no time, on the first candidate, failures none and a resync kept", () => {
    expect(nextFeedState({ kind: "live", candidate: 3, failures: 0, resync: true }, ev.retarget)).toEqual({
      kind: "waiting",
      delayMs: 0,
      candidate: 0,
      failures: 0,
      resync: true,
    });
  });

  it("connecting, syncing and waiting --retarget--> unchanged: only a live stream moves", () => {
    const carried = { candidate: 2, failures: 1, resync: false };
    for (const state of [
      { kind: "connecting", ...carried },
      { kind: "syncing", ...carried },
      { kind: "waiting", delayMs: 40, ...carried },
    ] as FeedState[]) {
      expect(nextFeedState(state, ev.retarget)).toEqual(state);
    }
  });

  it("idle --stop--> stopped", () => {
    expect(nextFeedState({ kind: "idle" }, ev.stop)).toEqual({ kind: "stopped" });
  });

  it("connecting --progress--> live, failures reset", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 2, failures: 3, resync: false }, ev.progress)).toEqual({
      kind: "live",
      candidate: 2,
      failures: 0,
      resync: false,
    });
  });

  it("connecting --delivered--> live, failures reset", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 2, failures: 3, resync: false }, ev.delivered)).toEqual({
      kind: "live",
      candidate: 2,
      failures: 0,
      resync: false,
    });
  });

  it("connecting --snapshot chunk--> syncing", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 1, failures: 2, resync: true }, ev.chunk)).toEqual({
      kind: "syncing",
      candidate: 1,
      failures: 2,
      resync: true,
    });
  });

  it("connecting --stream ended--> waiting twice as long, on the next candidate", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 1, failures: 2, resync: false }, ev.ended(0.5))).toEqual({
      kind: "waiting",
      delayMs: 4 * RECONNECT_BASE_MS,
      candidate: 2,
      failures: 3,
      resync: false,
    });
  });

  it("connecting --stream ended--> waiting, a resync already asked for kept", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 0, failures: 0, resync: true }, ev.ended(0.5))).toMatchObject({
      kind: "waiting",
      resync: true,
    });
  });

  it("connecting --refused ABORTED--> waiting no time, on the next candidate, a resync already asked for kept", () => {
    expect(nextFeedState({ kind: "connecting", candidate: 0, failures: 2, resync: true }, ev.aborted)).toEqual({
      kind: "waiting",
      delayMs: 0,
      candidate: 1,
      failures: 2,
      resync: true,
    });
  });

  it("syncing --snapshot chunk--> syncing", () => {
    const syncing: FeedState = { kind: "syncing", candidate: 0, failures: 1, resync: true };
    expect(nextFeedState(syncing, ev.chunk)).toEqual(syncing);
  });

  it("syncing --progress--> syncing", () => {
    const syncing: FeedState = { kind: "syncing", candidate: 0, failures: 1, resync: true };
    expect(nextFeedState(syncing, ev.progress)).toEqual(syncing);
  });

  it("syncing --installed--> syncing, next connect resumes", () => {
    expect(nextFeedState({ kind: "syncing", candidate: 3, failures: 1, resync: true }, ev.installed)).toEqual({
      kind: "syncing",
      candidate: 3,
      failures: 1,
      resync: false,
    });
  });

  it("syncing --delivered--> live, failures reset", () => {
    expect(nextFeedState({ kind: "syncing", candidate: 3, failures: 1, resync: false }, ev.delivered)).toEqual({
      kind: "live",
      candidate: 3,
      failures: 0,
      resync: false,
    });
  });

  it("syncing --refused--> waiting no time, next connect asks the same manager for a snapshot", () => {
    expect(nextFeedState({ kind: "syncing", candidate: 1, failures: 1, resync: false }, ev.refused)).toEqual({
      kind: "waiting",
      delayMs: 0,
      candidate: 1,
      failures: 1,
      resync: true,
    });
  });

  it("live --snapshot chunk--> syncing", () => {
    expect(nextFeedState({ kind: "live", candidate: 1, failures: 0, resync: false }, ev.chunk)).toEqual({
      kind: "syncing",
      candidate: 1,
      failures: 0,
      resync: false,
    });
  });

  it("live --progress--> live, and live --delivered--> live", () => {
    const live: FeedState = { kind: "live", candidate: 1, failures: 0, resync: false };
    expect(nextFeedState(live, ev.progress)).toEqual(live);
    expect(nextFeedState(live, ev.delivered)).toEqual(live);
  });

  it("live --stream ended--> waiting, next connect resumes", () => {
    expect(nextFeedState({ kind: "live", candidate: 0, failures: 0, resync: false }, ev.ended(0))).toEqual({
      kind: "waiting",
      delayMs: RECONNECT_BASE_MS / 2,
      candidate: 1,
      failures: 1,
      resync: false,
    });
  });

  it("live --refused--> waiting no time, next connect asks the same manager for a snapshot", () => {
    expect(nextFeedState({ kind: "live", candidate: 4, failures: 0, resync: false }, ev.refused)).toEqual({
      kind: "waiting",
      delayMs: 0,
      candidate: 4,
      failures: 0,
      resync: true,
    });
  });

  it("live --refused ABORTED--> waiting no time, on the next candidate, resuming", () => {
    expect(nextFeedState({ kind: "live", candidate: 4, failures: 0, resync: false }, ev.aborted)).toEqual({
      kind: "waiting",
      delayMs: 0,
      candidate: 5,
      failures: 0,
      resync: false,
    });
  });

  it("waiting --retry--> connecting, carrying the candidate, the failures and the resync", () => {
    expect(nextFeedState({ kind: "waiting", delayMs: 75, candidate: 2, failures: 2, resync: true }, ev.retry)).toEqual({
      kind: "connecting",
      candidate: 2,
      failures: 2,
      resync: true,
    });
  });

  it("waiting --installed--> waiting, next connect resumes (a snapshot of a stream already gone)", () => {
    expect(nextFeedState({ kind: "waiting", delayMs: 75, candidate: 2, failures: 2, resync: true }, ev.installed)).toEqual({
      kind: "waiting",
      delayMs: 75,
      candidate: 2,
      failures: 2,
      resync: false,
    });
  });

  it("any --stop--> stopped, and stopped --anything--> stopped", () => {
    const states: FeedState[] = [
      { kind: "idle" },
      { kind: "connecting", candidate: 0, failures: 0, resync: false },
      { kind: "syncing", candidate: 0, failures: 0, resync: false },
      { kind: "live", candidate: 0, failures: 0, resync: false },
      { kind: "waiting", delayMs: 10, candidate: 0, failures: 1, resync: false },
      { kind: "stopped" },
    ];
    for (const state of states) expect(nextFeedState(state, ev.stop)).toEqual({ kind: "stopped" });
    const events: FeedEvent[] = [ev.start, ev.retry, ev.progress, ev.chunk, ev.delivered, ev.installed, ev.refused, ev.aborted, ev.ended(0)];
    for (const event of events) expect(nextFeedState({ kind: "stopped" }, event)).toEqual({ kind: "stopped" });
  });

  it("an event that cannot happen in a state has no transition", () => {
    const connecting: FeedState = { kind: "connecting", candidate: 0, failures: 0, resync: false };
    const live: FeedState = { kind: "live", candidate: 0, failures: 0, resync: false };
    const waiting: FeedState = { kind: "waiting", delayMs: 10, candidate: 0, failures: 1, resync: false };
    const impossible: [FeedState, FeedEvent][] = [
      [{ kind: "idle" }, ev.retry],
      [{ kind: "idle" }, ev.progress],
      [{ kind: "idle" }, ev.installed],
      [{ kind: "idle" }, ev.ended(0)],
      [connecting, ev.start],
      [connecting, ev.retry],
      [live, ev.start],
      [live, ev.retry],
      [waiting, ev.start],
      [waiting, ev.progress],
      [waiting, ev.chunk],
      [waiting, ev.delivered],
      [waiting, ev.refused],
      [waiting, ev.ended(0)],
    ];
    for (const [state, event] of impossible) expect(nextFeedState(state, event), `${state.kind} on ${event.type}`).toBeUndefined();
  });

  it("the reconnect delay doubles from RECONNECT_BASE_MS up to RECONNECT_MAX_MS, with ±50% jitter", () => {
    expect([1, 2, 3, 7, 8, 30].map((failures) => reconnectDelayMs(failures, 0.5))).toEqual([50, 100, 200, 3_200, 5_000, 5_000]);
    expect(reconnectDelayMs(1, 0)).toBe(RECONNECT_BASE_MS / 2);
    expect(reconnectDelayMs(30, 0.999)).toBeCloseTo(RECONNECT_MAX_MS * 1.499);
  });

  it("whatever happens: live has no failures, the candidate goes back only to the first on a retarget, delays stay within the jittered bounds", () => {
    const event = fc.oneof(
      fc.constantFrom<FeedEvent>(ev.start, ev.retry, ev.progress, ev.chunk, ev.delivered, ev.installed, ev.refused, ev.aborted, ev.retarget),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }).map(ev.ended),
    );
    fc.assert(
      fc.property(fc.array(event, { maxLength: 60 }), (events) => {
        let state: FeedState = { kind: "idle" };
        let candidate = 0;
        for (const e of events) {
          const next = nextFeedState(state, e);
          if (!next) continue;
          if (next.kind === "live") expect(next.failures).toBe(0);
          if ("candidate" in next) {
            if (e.type === "retarget" && state.kind === "live") candidate = 0;
            expect(next.candidate).toBeGreaterThanOrEqual(candidate);
            candidate = next.candidate;
          }
          if (next.kind === "waiting") {
            expect(next.delayMs).toBeGreaterThanOrEqual(0);
            expect(next.delayMs).toBeLessThan(RECONNECT_MAX_MS * 1.5);
          }
          state = next;
        }
      }),
    );
  });
});

// ---- the feed, driven through fake streams and a fake clock ----

const { responseSerialize: encode, responseDeserialize: decode } = replicationService.Watch;

/** An event as a watcher receives it: through the wire encoding. */
const received = (event: WatchEvent): WatchEvent__Output => decode(encode(event));

/** Lets every promise chain that is ready run (the sink's awaits, the drain loop). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Real changes: each adds a host and carries the digest of the state after it. */
class History {
  readonly registry: Registry = emptyRegistry();
  private readonly digest = StateDigest.of(this.registry);
  private revision = 0;

  constructor(
    private readonly epoch = 2,
    readonly clusterId = "cluster-a",
  ) {}

  next(): ChangeRecord {
    const revision = ++this.revision;
    const ops: Op[] = [{ kind: "put-host", host: newHost(`h${revision}`, "/") }];
    this.digest.update(this.registry, ops);
    applyOps(this.registry, ops);
    return { epoch: this.epoch, revision, digest: this.digest.bytes(), ops, timeUnixMs: 1_700_000_000_000 + revision, cause: `host add h${revision}` };
  }

  advance(changes: number): this {
    for (let i = 0; i < changes; i++) this.next();
    return this;
  }

  position(): Position {
    return { clusterId: this.clusterId, epoch: this.epoch, revision: this.revision, digest: this.digest.bytes() };
  }
}

const changeEvent = (change: ChangeRecord) => received({ change: changeToWire(change) });
const progressEvent = (progress: Progress) => received({ progress });

function snapshotEvents(registry: Registry, position: Position): WatchEvent__Output[] {
  return [...snapshotChunks(entityLists(registry), position)].map((snapshot) => received({ snapshot }));
}

/** A registry big enough for two snapshot chunks. */
function bigRegistry(): Registry {
  const registry = emptyRegistry();
  for (let i = 0; i <= SNAPSHOT_CHUNK_HOSTS; i++) registry.hosts.set(`s${i}`, newHost(`s${i}`, "/"));
  return registry;
}

/** A Watch call as grpc-js makes one, but fed by the test. */
class FakeStream extends EventEmitter {
  cancelled = false;

  constructor(
    readonly address: string,
    readonly request: WatchRequest,
  ) {
    super();
  }

  send(...events: WatchEvent__Output[]): void {
    for (const event of events) this.emit("data", event);
  }

  fail(code: number = Code.UNAVAILABLE): void {
    this.emit("error", { code, details: "the connection dropped" });
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    // As grpc-js does: a cancelled call ends with CANCELLED, a little later.
    setImmediate(() => this.emit("error", { code: Code.CANCELLED, details: "Cancelled on client" }));
  }
}

class FakeManagers {
  readonly streams: FakeStream[] = [];
  readonly closed: string[] = [];

  readonly connect = (address: string): WatchConnection => ({
    Watch: (request) => {
      const stream = new FakeStream(address, request);
      this.streams.push(stream);
      return stream;
    },
    close: () => void this.closed.push(address),
  });

  get last(): FakeStream {
    const stream = this.streams.at(-1);
    if (!stream) throw new Error("no Watch call was made");
    return stream;
  }
}

/** A sink that records what it is handed; `hold()` keeps it busy until `release()`. */
class FakeSink implements FeedSink {
  readonly batches: number[][] = [];
  readonly installs: { registry: Registry; position: Position; digest: StateDigest }[] = [];
  readonly epochsSeen: number[] = [];
  /** The next apply throws this. */
  refusal: Error | undefined;
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;

  constructor(
    public at: Position,
    public seen = at.epoch,
  ) {}

  position(): Position {
    return this.at;
  }

  seenEpoch(): number {
    return this.seen;
  }

  sawEpoch(epoch: number): void {
    this.epochsSeen.push(epoch);
    this.seen = Math.max(this.seen, epoch);
  }

  async install(registry: Registry, position: Position, digest: StateDigest): Promise<void> {
    this.installs.push({ registry, position, digest });
    await this.gate;
    this.at = position;
  }

  async apply(changes: readonly ChangeRecord[]): Promise<void> {
    const refusal = this.refusal;
    this.refusal = undefined;
    if (refusal) throw refusal;
    this.batches.push(changes.map((c) => c.revision));
    await this.gate;
    const last = changes.at(-1)!;
    this.at = { ...this.at, epoch: last.epoch, revision: last.revision, digest: Buffer.from(last.digest) };
  }

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }
}

const EMPTY: Position = { clusterId: "", epoch: 0, revision: 0, digest: Buffer.alloc(0) };

function startFeed(options: { sink: FakeSink; candidates?: string[]; random?: () => number; isBackup?: boolean; logger?: pino.Logger }) {
  const clock = new FakeClock();
  const managers = new FakeManagers();
  const progress: Progress__Output[] = [];
  const candidates = options.candidates ?? ["m1:7000", "m2:7000"];
  const feed = new WatchFeed({
    hostId: "agent-1",
    sink: options.sink,
    candidates: () => candidates,
    ...(options.isBackup ? { isBackup: true } : {}),
    clock,
    random: options.random ?? (() => 0.5),
    logger: options.logger ?? silentLogger,
    onProgress: (p) => progress.push(p),
    connect: managers.connect,
  });
  defer(() => feed.stop());
  feed.start();
  return { feed, clock, managers, progress, sink: options.sink };
}

/** How long the feed waits before its next Watch call, found by moving the clock a millisecond at a time. */
function waitedMs(clock: FakeClock, managers: FakeManagers, limitMs = 2 * RECONNECT_MAX_MS): number {
  const calls = managers.streams.length;
  for (let waited = 0; waited <= limitMs; waited++) {
    if (managers.streams.length > calls) return waited;
    clock.advance(1);
  }
  throw new Error(`no reconnect within ${limitMs} ms`);
}

describe("WatchFeed on fake streams", () => {
  it("connects to the first candidate, resuming from the sink's position", () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position(), 4);
    const { feed, managers } = startFeed({ sink, isBackup: true });
    expect(managers.streams).toHaveLength(1);
    expect(managers.last.address).toBe("m1:7000");
    expect(managers.last.request).toEqual({
      host: "agent-1",
      from_revision: 3,
      epoch: 2,
      digest: history.position().digest,
      cluster_id: "cluster-a",
      seen_epoch: 4,
      is_backup: true,
    });
    expect(feed.status).toMatchObject({ state: "connecting", manager: "m1:7000" });
  });

  it("with an empty sink, connects asking for a snapshot (from_revision 0)", () => {
    const { managers } = startFeed({ sink: new FakeSink(EMPTY) });
    expect(managers.last.request).toMatchObject({ from_revision: 0, epoch: 0, digest: Buffer.alloc(0), cluster_id: "", is_backup: false });
  });

  it("a progress event makes it live and resets failures", () => {
    const sink = new FakeSink(new History().advance(3).position());
    const { feed, clock, managers, progress } = startFeed({ sink });
    managers.last.fail();
    expect(waitedMs(clock, managers)).toBe(RECONNECT_BASE_MS);
    managers.last.fail();
    expect(waitedMs(clock, managers)).toBe(2 * RECONNECT_BASE_MS);
    expect(feed.status.state).toBe("connecting");

    managers.last.send(progressEvent({ epoch: 3, revision: 10, primary_host: "m1", primary_address: "m1:7000" }));
    expect(feed.status).toMatchObject({ state: "live", lag: 7, primary: { host: "m1", address: "m1:7000" } });
    expect(progress.map((p) => p.revision)).toEqual([10]);
    expect(sink.epochsSeen).toEqual([3]);

    // Live again: the next failure waits the first delay, not the fourth.
    managers.last.fail();
    expect(waitedMs(clock, managers)).toBe(RECONNECT_BASE_MS);
  });

  it("changes reach the sink in order, batched when they arrive while the sink is busy", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const { feed, managers } = startFeed({ sink });
    const stream = managers.last;
    sink.hold();
    stream.send(changeEvent(history.next()));
    expect(sink.batches).toEqual([[4]]);
    stream.send(changeEvent(history.next()), changeEvent(history.next()));
    await settle();
    expect(sink.batches).toEqual([[4]]);
    expect(feed.status.state).toBe("connecting");

    sink.release();
    await settle();
    expect(sink.batches).toEqual([[4], [5, 6]]);
    expect(feed.status.state).toBe("live");
    expect(sink.at.revision).toBe(6);

    stream.send(changeEvent(history.next()));
    await settle();
    expect(sink.batches).toEqual([[4], [5, 6], [7]]);
  });

  it("a change that arrives on a new stream while the sink is still busy with the old stream's batch is delivered once the sink is free", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const { feed, clock, managers } = startFeed({ sink });
    sink.hold();
    managers.last.send(changeEvent(history.next()));
    managers.last.fail();
    waitedMs(clock, managers);
    // The new stream resumes from where the sink will be, and its first change waits behind the busy sink.
    managers.last.send(changeEvent({ ...history.next() }));
    sink.release();
    await settle();
    expect(sink.batches).toEqual([[4], [5]]);
    expect(feed.status.state).toBe("live");
  });

  it("a snapshot is assembled from its chunks and installed, and the next connect resumes from it", async () => {
    const registry = bigRegistry();
    const position: Position = { clusterId: "cluster-b", epoch: 3, revision: 40, digest: StateDigest.of(registry).bytes() };
    const sink = new FakeSink(EMPTY);
    const { feed, clock, managers } = startFeed({ sink });
    const [first, last, ...none] = snapshotEvents(registry, position);
    expect(none).toEqual([]);

    managers.last.send(first!);
    expect(feed.status.state).toBe("syncing");
    expect(sink.installs).toEqual([]);
    managers.last.send(last!);
    await settle();
    expect(sink.installs).toHaveLength(1);
    const installed = sink.installs[0]!;
    expect(installed.registry).toEqual(registry);
    expect(installed.position).toEqual(position);
    expect(installed.digest.equals(position.digest)).toBe(true);
    expect(feed.snapshots).toBe(1);
    expect(feed.status.state).toBe("live");

    managers.last.fail();
    waitedMs(clock, managers);
    expect(managers.last.request).toMatchObject({ from_revision: 40, epoch: 3, digest: position.digest, cluster_id: "cluster-b" });
  });

  it("a sink refusal with code ABORTED moves to the next candidate at once, resuming; the old stream is ignored", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const { feed, clock, managers } = startFeed({ sink });
    const at = sink.position();
    const old = managers.last;
    sink.refusal = new CairnError(Code.ABORTED, "change 4 is from epoch 1, older than epoch 2 already seen");
    old.send(changeEvent(history.next()));
    await settle();
    expect(old.cancelled).toBe(true);
    expect(feed.status.state).toBe("waiting");

    clock.advance(0);
    expect(managers.streams).toHaveLength(2);
    expect(managers.last.address).toBe("m2:7000");
    expect(managers.last.request).toMatchObject({ from_revision: 3, epoch: 2, digest: at.digest });

    old.send(changeEvent(history.next()));
    await settle();
    expect(sink.batches).toEqual([]);
  });

  it("any other refusal reconnects to the same manager asking for a snapshot, until one is installed", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position(), 5);
    const { feed, clock, managers } = startFeed({ sink });
    sink.refusal = new CairnError(Code.DATA_LOSS, "change 4 leaves another digest");
    managers.last.send(changeEvent(history.next()));
    await settle();
    expect(managers.streams[0]!.cancelled).toBe(true);

    clock.advance(0);
    expect(managers.last.address).toBe("m1:7000");
    expect(managers.last.request).toMatchObject({ from_revision: 0, epoch: 0, digest: Buffer.alloc(0), cluster_id: "cluster-a", seen_epoch: 5 });

    // The stream breaks before the snapshot: the next manager is asked for one too.
    managers.last.fail();
    waitedMs(clock, managers);
    expect(managers.last.address).toBe("m2:7000");
    expect(managers.last.request).toMatchObject({ from_revision: 0 });

    managers.last.send(...snapshotEvents(history.registry, history.position()));
    await settle();
    expect(sink.installs).toHaveLength(1);
    expect(feed.status.state).toBe("live");
    managers.last.fail();
    waitedMs(clock, managers);
    expect(managers.last.request).toMatchObject({ from_revision: 4, epoch: 2, digest: history.position().digest });
  });

  it("a snapshot that does not match its digest is refused: the same manager is asked for a snapshot again", async () => {
    const registry = bigRegistry();
    const position: Position = { clusterId: "cluster-b", epoch: 3, revision: 40, digest: StateDigest.of(registry).bytes() };
    const sink = new FakeSink(EMPTY);
    const { feed, clock, managers } = startFeed({ sink });
    const [first, last] = snapshotEvents(registry, position);
    const altered = { ...last!, snapshot: { ...last!.snapshot!, hosts: last!.snapshot!.hosts.map((h) => ({ ...h, maintenance: true })) } };
    managers.last.send(first!, altered);
    await settle();
    expect(sink.installs).toEqual([]);
    expect(managers.last.cancelled).toBe(true);
    expect(feed.status.state).toBe("waiting");
    clock.advance(0);
    expect(managers.streams).toHaveLength(2);
    expect(managers.last.address).toBe("m1:7000");
    expect(managers.last.request).toMatchObject({ from_revision: 0 });
  });

  it("a stream error waits with exponential backoff and jitter, then moves to the next candidate", () => {
    const jitters = [0, 0.25, 0.5, 0.75];
    let draws = 0;
    const sink = new FakeSink(new History().advance(3).position());
    const { feed, clock, managers } = startFeed({ sink, candidates: ["m1:7000", "m2:7000", "m3:7000"], random: () => jitters[draws++ % jitters.length]! });
    const delays: number[] = [];
    for (let failure = 1; failure <= 9; failure++) {
      managers.last.fail();
      expect(feed.status.state).toBe("waiting");
      delays.push(waitedMs(clock, managers));
      expect(managers.last.request).toMatchObject({ from_revision: 3 });
    }
    // 50 ms doubling, capped at 5 s, each times 0.5 + jitter.
    expect(delays).toEqual([25, 75, 200, 500, 400, 1_200, 3_200, 6_250, 2_500]);
    expect(managers.streams.map((s) => s.address)).toEqual([
      "m1:7000",
      "m2:7000",
      "m3:7000",
      "m1:7000",
      "m2:7000",
      "m3:7000",
      "m1:7000",
      "m2:7000",
      "m3:7000",
      "m1:7000",
    ]);
  });

  it("follows the first candidate when a delivery changes it: the old stream is cancelled, the new one resumes where the sink is", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const changes = [4, 5, 6, 7].map(() => history.next());
    const candidates = ["m1:7000"];
    const { feed, clock, managers } = startFeed({ sink, candidates });
    const old = managers.last;
    old.send(changeEvent(changes[0]!));
    await settle();
    expect(feed.status).toMatchObject({ state: "live", manager: "m1:7000" });

    // The registry route now ranks a nearer manager first (say, one deployed in this host's domain).
    candidates.unshift("m0:7000");
    old.send(changeEvent(changes[1]!), changeEvent(changes[2]!));
    await settle();
    expect(old.cancelled).toBe(true);
    expect(feed.status.state).toBe("waiting");
    clock.advance(0);
    expect(managers.last.address).toBe("m0:7000");
    const from = managers.last.request.from_revision as number;
    expect(from).toBe(sink.at.revision);
    expect(managers.last.request).toMatchObject({ digest: sink.at.digest });

    // What the old stream still sends is ignored; the new one continues without a gap or a repeat.
    old.send(changeEvent(changes[3]!));
    managers.last.send(...changes.filter((c) => c.revision > from).map(changeEvent));
    await settle();
    expect(sink.batches.flat()).toEqual([4, 5, 6, 7]);
    expect(feed.status).toMatchObject({ state: "live", manager: "m0:7000" });
  });

  it("does not move back to a nearer manager whose stream broke within RETARGET_HOLD_MS; after that, it does", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const { feed, clock, managers } = startFeed({ sink });
    managers.last.fail();
    waitedMs(clock, managers);
    expect(managers.last.address).toBe("m2:7000");
    managers.last.send(changeEvent(history.next()));
    await settle();
    expect(feed.status).toMatchObject({ state: "live", manager: "m2:7000" });

    clock.advance(RETARGET_HOLD_MS - 100);
    managers.last.send(changeEvent(history.next()));
    await settle();
    expect(feed.status).toMatchObject({ state: "live", manager: "m2:7000" });

    clock.advance(100);
    managers.last.send(changeEvent(history.next()));
    await settle();
    expect(feed.status.state).toBe("waiting");
    clock.advance(0);
    expect(managers.last.address).toBe("m1:7000");
    expect(managers.last.request).toMatchObject({ from_revision: 6 });
  });

  it("stop() cancels the stream and no reconnect happens", async () => {
    const history = new History().advance(3);
    const sink = new FakeSink(history.position());
    const { feed, clock, managers } = startFeed({ sink });
    const stream = managers.last;
    stream.send(progressEvent({ epoch: 2, revision: 3 }));
    feed.stop();
    expect(stream.cancelled).toBe(true);
    expect(managers.closed).toEqual(["m1:7000"]);
    expect(feed.status.state).toBe("stopped");

    await settle(); // the CANCELLED error the stream ends with
    stream.send(changeEvent(history.next()));
    await settle();
    clock.advance(10 * RECONNECT_MAX_MS);
    expect(managers.streams).toHaveLength(1);
    expect(sink.batches).toEqual([]);
  });

  it("stop() while waiting cancels the reconnect", () => {
    const { feed, clock, managers } = startFeed({ sink: new FakeSink(new History().advance(3).position()) });
    managers.last.fail();
    expect(feed.status.state).toBe("waiting");
    feed.stop();
    clock.advance(10 * RECONNECT_MAX_MS);
    expect(managers.streams).toHaveLength(1);
    expect(feed.status.state).toBe("stopped");
  });

  it("logs each transition as `A -> B` with the manager in use", async () => {
    const lines: { msg: string; manager?: string; component?: string }[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const registry = emptyRegistry();
    const position: Position = { clusterId: "c", epoch: 1, revision: 2, digest: StateDigest.of(registry).bytes() };
    const { feed, clock, managers } = startFeed({ sink: new FakeSink(EMPTY), logger });
    managers.last.send(...snapshotEvents(registry, position));
    await settle();
    managers.last.fail();
    waitedMs(clock, managers);
    feed.stop();
    const transitions = lines.filter((l) => l.msg.includes(" -> "));
    expect(transitions.map((l) => [l.msg, l.manager])).toEqual([
      ["idle -> connecting", "m1:7000"],
      ["connecting -> syncing", "m1:7000"],
      ["syncing -> live", "m1:7000"],
      ["live -> waiting", "m1:7000"],
      ["waiting -> connecting", "m2:7000"],
      ["connecting -> stopped", "m2:7000"],
    ]);
    expect(transitions.every((l) => l.component === "replica-feed")).toBe(true);
  });
});
