import { createRequire } from "node:module";
import type * as http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { systemClock, type Clock } from "../../src/clock.js";
import { silentLogger } from "../../src/logger.js";
import type { ChangeRecord, EntityLists, HostRecord, Position } from "../../src/registry/model.js";
import { ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import { WHOLE_CHANGE_MAX_OPS } from "../../src/wire/change-event.js";
import type { Change__Output } from "../../src/generated/cairn/v1/Change.js";
import type { ChangeSource } from "../../src/replication/change-source.js";
import { WatchFeed } from "../../src/replication/watch-feed.js";
import { AHEAD_WAIT_MS, replicationServiceWithEncodedEvents, WatchServer } from "../../src/replication/watch-server.js";
import { v1 } from "../../src/wire/proto-loader.js";
import { bindServer, newServer, stopServer } from "../../src/wire/server.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";
import { until } from "../support/until.js";

const CLUSTER = "cluster-test";

function changeAt(revision: number, maintenance = revision % 2 === 0, epoch = 1): ChangeRecord {
  return {
    epoch,
    revision,
    digest: Buffer.alloc(32, revision),
    ops: [
      {
        kind: "put-host",
        host: { id: "target", domain: "/", address: "127.0.0.1", labels: { rack: "r1" }, maintenance, status: "up", packages: [] },
      },
    ],
    timeUnixMs: 1_700_000_000_000 + revision,
    cause: `host maintenance target ${maintenance ? "on" : "off"}`,
  };
}

/** A change source holding its log in memory; `publish` tells the subscribers at once, as the store does. */
class MemorySource implements ChangeSource {
  readonly log: ChangeRecord[] = [changeAt(1)];
  private readonly listeners = new Set<(change: ChangeRecord) => void>();

  get position(): Position {
    const last = this.log.at(-1)!;
    return { clusterId: CLUSTER, epoch: last.epoch, revision: last.revision, digest: Buffer.from(last.digest) };
  }
  get durablePosition(): Position {
    return this.position;
  }
  async changesAfter(revision: number): Promise<ChangeRecord[] | undefined> {
    return this.log.filter((c) => c.revision > revision);
  }
  snapshot(): { entities: EntityLists; position: Position } {
    return { entities: { domains: [], hosts: [], types: [] }, position: this.position };
  }
  subscribe(listener: (change: ChangeRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  subscribeDurable(): () => void {
    return () => undefined;
  }
  onCommit(): () => void {
    return () => undefined;
  }
  publish(change = changeAt(this.position.revision + 1)): ChangeRecord {
    this.log.push(change);
    for (const listener of this.listeners) listener(change);
    return change;
  }
}

/** grpc-js's own `http2` (a CommonJS module object, which can be patched, unlike an ES namespace). */
const http2Module = createRequire(import.meta.url)("node:http2") as typeof http2;

/**
 * A Replication server whose Watch is `watchServer` and whose Ack plays a
 * writer: it publishes a change, then answers, in the same turn, as a
 * registry manager's mutation does. `seen` records, in order, each Ack
 * stream's close (its trailers are out) and each message written on a
 * Watch stream after the first Ack arrived.
 */
async function startServer(source: MemorySource, watchServer: WatchServer, defer: ReturnType<typeof useDefer>) {
  const seen: string[] = [];
  let acking = false;
  const original = http2Module.createServer;
  http2Module.createServer = function (this: unknown, ...args: unknown[]) {
    const server = (original as (...a: unknown[]) => http2.Http2Server).apply(this, args);
    server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      const path = String(headers[":path"]);
      if (path.endsWith("/Ack")) {
        acking = true;
        stream.once("close", () => seen.push("ack closed"));
      } else if (path.endsWith("/Watch")) {
        const write = stream.write.bind(stream) as (...a: unknown[]) => boolean;
        (stream as unknown as { write: (...a: unknown[]) => boolean }).write = (...a: unknown[]) => {
          if (acking) seen.push("watch write");
          return write(...a);
        };
      }
    });
    return server;
  } as typeof http2Module.createServer;
  const server = newServer();
  server.addService(replicationServiceWithEncodedEvents, {
    Watch: watchServer.handle,
    Ack: (_call: unknown, callback: grpc.sendUnaryData<object>) => {
      source.publish();
      callback(null, {});
    },
  });
  let port: number;
  try {
    port = await bindServer(server, "127.0.0.1:0");
  } finally {
    http2Module.createServer = original;
  }
  defer(() => stopServer(server, 100));
  return { address: `127.0.0.1:${port}`, seen };
}

function newWatchServer(source: MemorySource, defer: ReturnType<typeof useDefer>, clock: Clock = systemClock): WatchServer {
  const watchServer = new WatchServer({
    source,
    primary: () => ({ host: "manager", address: "127.0.0.1:1" }),
    admit: () => ({ backup: false }),
    syncBackups: () => 0,
    clock,
    logger: silentLogger,
  });
  defer(() => watchServer.stop());
  return watchServer;
}

/** A change of WHOLE_CHANGE_MAX_OPS + 2 × ITEMS_PER_SLICE + 1 ops at `revision`: long, encoded over several turns. */
function longChange(revision: number): ChangeRecord {
  const change = changeAt(revision);
  const host = (change.ops[0] as { host: HostRecord }).host;
  return { ...change, ops: Array.from({ length: WHOLE_CHANGE_MAX_OPS + 2 * ITEMS_PER_SLICE + 1 }, (_, i) => ({ kind: "put-host" as const, host: { ...host, id: `h-${i}` } })) };
}

/**
 * A fresh source and its server with one watcher, live from revision 1;
 * `changes` fills as changes arrive. `watch()` opens another, the same way.
 */
async function liveWatcher(defer: ReturnType<typeof useDefer>) {
  const source = new MemorySource();
  const watchServer = newWatchServer(source, defer);
  const { address } = await startServer(source, watchServer, defer);
  const client = new v1.Replication(address, grpc.credentials.createInsecure());
  defer(() => client.close());
  const watch = async (): Promise<Change__Output[]> => {
    const call = client.Watch({ host: "watcher", from_revision: 1, epoch: 1, digest: Buffer.from(source.log[0]!.digest), cluster_id: CLUSTER });
    defer(() => call.cancel());
    const changes: Change__Output[] = [];
    let live = false;
    call.on("data", (event) => {
      if (event.change) changes.push(event.change);
      if (event.progress) live = true;
    });
    call.on("error", () => undefined);
    await until(() => live, "the watcher live");
    return changes;
  };
  return { source, watchServer, watch, changes: await watch() };
}

describe("WatchServer", () => {
  const defer = useDefer();

  it("answers the writer before the broadcast: the reply's trailers are out before any watcher is written the change", async () => {
    const source = new MemorySource();
    const watchServer = newWatchServer(source, defer);
    const { address, seen } = await startServer(source, watchServer, defer);
    const received: number[] = [];
    let live = 0;
    for (let i = 0; i < 5; i++) {
      const client = new v1.Replication(address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
      defer(() => client.close());
      const call = client.Watch({ host: `watcher-${i}`, from_revision: 1, epoch: 1, digest: Buffer.from(source.log[0]!.digest), cluster_id: CLUSTER });
      defer(() => call.cancel());
      call.on("data", (event) => {
        if (event.change) received.push(event.change.revision);
        if (event.progress) live++;
      });
      call.on("error", () => undefined);
    }
    // Each watcher gets its Progress on going live: once all have it, no write but the changes' is left.
    await until(() => live === 5, "5 watchers live");

    const writer = new v1.Replication(address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 });
    defer(() => writer.close());
    for (let round = 0; round < 3; round++) {
      seen.length = 0;
      await new Promise<void>((resolve, reject) => writer.Ack({ host: "writer", epoch: 1, revision: 1 }, (error) => (error ? reject(error) : resolve())));
      await until(() => seen.filter((s) => s === "watch write").length === 5 && seen.includes("ack closed"), "the ack and 5 writes");
      expect(seen.indexOf("ack closed"), `round ${round}: ${seen.join(", ")}`).toBe(0);
    }
    await until(() => received.length === 15, "every change at every watcher");
  });

  it("keeps changes and their order through the deferred broadcast", async () => {
    const { source, changes } = await liveWatcher(defer);
    // Bursts in one turn, and turns in a row, as group commits publish them.
    for (let turn = 0; turn < 10; turn++) {
      for (let i = 0; i < 3; i++) source.publish();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await until(() => changes.length === 30, "30 changes");
    expect(changes.map((c) => Number(c.revision))).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it("sends a long change, encoded over several turns, in order with the changes published after it, and whole", async () => {
    const { source, changes } = await liveWatcher(defer);
    const long = source.publish(longChange(2));
    // In the same turn, and in the turns after it, while the long one is still being encoded.
    source.publish();
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      source.publish();
    }
    await until(() => changes.length === 5, "5 changes");
    const received = changes.map((c) => ({ revision: Number(c.revision), ops: c.ops.length }));
    expect(received).toEqual([{ revision: 2, ops: long.ops.length }, ...[3, 4, 5, 6].map((revision) => ({ revision, ops: 1 }))]);
  });

  it("feeds a replica through the default connection the same changes as were published", async () => {
    const source = new MemorySource();
    const watchServer = newWatchServer(source, defer);
    const { address } = await startServer(source, watchServer, defer);
    const applied: ChangeRecord[] = [];
    let position = source.position;
    const feed = new WatchFeed({
      hostId: "replica",
      sink: {
        position: () => position,
        seenEpoch: () => 1,
        sawEpoch: () => undefined,
        install: () => {
          throw new Error("no snapshot expected");
        },
        apply: (changes) => {
          applied.push(...changes);
          const last = changes.at(-1)!;
          position = { clusterId: CLUSTER, epoch: last.epoch, revision: last.revision, digest: Buffer.from(last.digest) };
        },
      },
      candidates: () => [address],
      clock: systemClock,
      random: () => 0.5,
      logger: silentLogger,
    });
    feed.start();
    defer(() => feed.stop());
    await until(() => feed.status.state === "live" && watchServer.watchers === 1, "a live feed");
    for (let i = 0; i < 4; i++) source.publish();
    await until(() => applied.length === 4, "4 changes applied");
    expect(applied.map((c) => ({ ...c, digest: Buffer.from(c.digest) }))).toEqual(source.log.slice(1).map((c) => ({ ...c, digest: Buffer.from(c.digest) })));
  });

  it("sends the state, not the log, to a watcher that lagged across a promotion: it has seen a later epoch than changes it misses", async () => {
    const source = new MemorySource();
    // Revisions 2 and 3 from before the promotion, 4 from after it.
    source.log.push(changeAt(2), changeAt(3), changeAt(4, true, 2));
    const watchServer = newWatchServer(source, defer);
    const { address } = await startServer(source, watchServer, defer);
    const client = new v1.Replication(address, grpc.credentials.createInsecure());
    defer(() => client.close());
    const firstEvents = async (seenEpoch: number, from = 1) => {
      const at = source.log[from - 1]!;
      const call = client.Watch({ host: "watcher", from_revision: from, epoch: at.epoch, digest: Buffer.from(at.digest), cluster_id: CLUSTER, seen_epoch: seenEpoch });
      defer(() => call.cancel());
      const kinds: string[] = [];
      let ended: string | undefined;
      call.on("data", (event) => kinds.push(event.snapshot ? "snapshot" : event.change ? `change ${event.change.revision}` : "progress"));
      call.on("error", (error: grpc.ServiceError) => (ended = `${grpc.status[error.code]}: ${error.details}`));
      await until(() => kinds.includes("progress") || ended, "the watcher live, or refused");
      call.cancel();
      return ended ? [...kinds, ended] : kinds;
    };
    expect(await firstEvents(1)).toEqual(["change 2", "change 3", "change 4", "progress"]);
    expect(await firstEvents(2)).toEqual(["snapshot", "progress"]);
    // The change it has is from before the promotion, but none it misses is.
    expect(await firstEvents(2, 3)).toEqual(["change 4", "progress"]);
    // A state from before the epoch it has seen would be refused: it is told to watch again instead.
    expect(await firstEvents(3)).toEqual(["UNAVAILABLE: this registry manager's state is of epoch 2, before epoch 3 that you have seen; watch again"]);
  });

  it("sends nobody a change queued before closeAll: a watcher that comes after it catches up from the log", async () => {
    const { source, watchServer, watch } = await liveWatcher(defer);
    source.publish(longChange(2));
    watchServer.closeAll();
    // The manager resynced: its history no longer holds that revision 2, and another one comes.
    source.log.splice(1);
    const later = await watch();
    source.publish();
    await until(() => later.length === 1, "the new revision 2");
    expect(later.map((c) => ({ revision: Number(c.revision), ops: c.ops.length }))).toEqual([{ revision: 2, ops: 1 }]);
  });

  describe("a reader ahead of the server (it comes from the primary; this is a backup a few changes behind)", () => {
    /** Opens a watch from `from` (changeAt's history) and records what it is sent. */
    async function aheadWatcher(clock: Clock, from: number) {
      const source = new MemorySource();
      const watchServer = newWatchServer(source, defer, clock);
      const { address } = await startServer(source, watchServer, defer);
      const client = new v1.Replication(address, grpc.credentials.createInsecure());
      defer(() => client.close());
      const call = client.Watch({ host: "watcher", from_revision: from, epoch: 1, digest: Buffer.from(changeAt(from).digest), cluster_id: CLUSTER });
      defer(() => call.cancel());
      const kinds: string[] = [];
      call.on("data", (event) => kinds.push(event.snapshot ? "snapshot" : event.change ? `change ${event.change.revision}` : "progress"));
      call.on("error", () => undefined);
      await until(() => watchServer.watchers === 1, "the watch at the server");
      return { source, kinds };
    }

    it("waits for the server to reach its revision, then goes on from the log: it is not sent an older state", async () => {
      const { source, kinds } = await aheadWatcher(systemClock, 3);
      source.publish();
      source.publish();
      await until(() => kinds.includes("progress"), "the watcher live");
      source.publish();
      await until(() => kinds.length === 2, "the next change");
      expect(kinds).toEqual(["progress", "change 4"]);
    });

    it("is sent the server's state once AHEAD_WAIT_MS has passed without the server reaching its revision", async () => {
      const clock = new FakeClock();
      const { kinds } = await aheadWatcher(clock, 5);
      clock.advance(AHEAD_WAIT_MS);
      await until(() => kinds.includes("progress"), "the watcher live");
      expect(kinds).toEqual(["snapshot", "progress"]);
    });
  });
});
