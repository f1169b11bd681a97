/**
 * The console's event stream (src/console/event-stream.ts) over a fake
 * manager, through real HTTP: a reconnect with Last-Event-ID is sent the
 * changes after it from the log, then the live ones, none twice and none
 * lost; an id the log no longer holds, or one ahead of the registry, gets
 * `reset`; a reader that stops reading is closed instead of buffered
 * without bound, and resumes from its last event.
 */
import * as http from "node:http";
import { describe, expect, it } from "vitest";
import { consoleRoutes } from "../../src/console/console-routes.js";
import type { ConsoleSource } from "../../src/console/console-source.js";
import { MAX_UNSENT_BYTES } from "../../src/console/event-stream.js";
import { findRoute } from "../../src/http/http-server.js";
import { silentLogger } from "../../src/logger.js";
import { systemClock } from "../../src/clock.js";
import { applyOps, emptyRegistry, newHost, type ChangeRecord, type Op } from "../../src/registry/model.js";
import { useDefer, type Defer } from "../support/defer.js";
import { until } from "../support/until.js";

/** A manager as the console sees it: a registry, a log that keeps changes from `firstKept` on, listeners. */
class FakeManager {
  readonly registry = emptyRegistry();
  readonly log: ChangeRecord[] = [];
  firstKept = 1;
  private readonly listeners = new Set<(change: ChangeRecord) => void>();

  get revision(): number {
    return this.log.length;
  }

  commit(ops: Op[], cause = "test"): number {
    applyOps(this.registry, ops);
    const change: ChangeRecord = { epoch: 1, revision: this.log.length + 1, digest: new Uint8Array(), ops, timeUnixMs: Date.now(), cause };
    this.log.push(change);
    for (const listener of this.listeners) listener(change);
    return change.revision;
  }

  source(): ConsoleSource {
    return {
      hostId: "m",
      registry: () => this.registry,
      position: () => ({ revision: this.revision, epoch: 1 }),
      subscribe: (listener) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
      },
      changesAfter: async (revision) => (revision + 1 < this.firstKept ? undefined : this.log.slice(revision)),
      route: () => {
        throw new Error("not in this test");
      },
      status: () => ({ host: "m", address: "", role: "primary", epoch: 1, durableRevision: this.revision, revision: this.revision, primary: { host: "m", address: "" }, clusterId: "c", backups: [], syncBackups: 0, uptimeMs: 0, version: "test" }),
      agents: () => [],
      write: () => Promise.reject(new Error("not in this test")),
      clock: systemClock,
      logger: silentLogger,
    };
  }
}

async function serve(defer: Defer, source: ConsoleSource): Promise<string> {
  const { routes, close } = consoleRoutes(source);
  defer(close);
  const server = http.createServer((request, response) => {
    const url = new URL(`http://x${request.url}`);
    const found = findRoute(routes, request.method ?? "GET", url.pathname);
    if (!("route" in found)) return void response.writeHead(found.status).end();
    void found.route.handle(request, response, { caller: undefined, secure: false, url });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  defer(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

interface Event {
  id?: number;
  event: string;
  data: { revision?: number; replayed?: boolean; counts?: unknown; reason?: string };
}

/** An EventSource's view of /api/events: its parsed events, as they come. */
function listen(defer: Defer, url: string, lastEventId?: number) {
  const events: Event[] = [];
  let request: http.ClientRequest;
  let response: http.IncomingMessage | undefined;
  let closed = false;
  const opened = new Promise<http.IncomingMessage>((resolve, reject) => {
    request = http.get(`${url}/api/events`, { headers: lastEventId === undefined ? {} : { "last-event-id": String(lastEventId) } }, (res) => {
      response = res;
      let buffer = "";
      res.setEncoding("utf8");
      res.on("data", (text: string) => {
        buffer += text;
        for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(block.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]));
          if (fields.event) events.push({ event: fields.event, data: JSON.parse(fields.data ?? "null"), ...(fields.id ? { id: Number(fields.id) } : {}) });
        }
      });
      res.on("close", () => (closed = true));
      res.on("error", () => (closed = true));
      resolve(res);
    });
    request.on("error", (error) => (closed ? undefined : reject(error)));
  });
  defer(() => void request.destroy());
  return { events, opened, closed: () => closed, response: () => response, changes: () => events.filter((e) => e.event === "change").map((e) => e.id) };
}

const put = (id: string, labels: Record<string, string> = {}): Op => ({ kind: "put-host", host: newHost(id, "/", { labels }) });

describe("the console's event stream", () => {
  const defer = useDefer();

  it("resumes after Last-Event-ID: the changes it missed from the log, `resumed`, then the live ones, none twice", async () => {
    const manager = new FakeManager();
    const url = await serve(defer, manager.source());
    for (const id of ["a", "b", "c", "d", "e"]) manager.commit([put(id)]);
    const stream = listen(defer, url, 2);
    await stream.opened;
    await until(() => stream.events.some((e) => e.event === "resumed"), "the catch-up");
    manager.commit([put("f")]);
    await until(() => stream.changes().includes(6), "the live change");

    expect(stream.changes()).toEqual([3, 4, 5, 6]);
    const [replayed, live] = [stream.events.find((e) => e.id === 3)!, stream.events.find((e) => e.id === 6)!];
    expect(replayed.data).toMatchObject({ revision: 3, replayed: true });
    expect(replayed.data.counts).toBeUndefined();
    expect(live.data.replayed).toBeUndefined();
    expect(live.data.counts).toEqual({ "/": { hosts: 6, up: 0, down: 0, unknown: 6, maintenance: 0 } });
    expect(stream.events.findIndex((e) => e.event === "resumed")).toBe(3);
    expect(stream.response()!.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  });

  it("tells `reset` to an id the log no longer holds and to one ahead of the registry, then goes on live", async () => {
    const manager = new FakeManager();
    const url = await serve(defer, manager.source());
    for (const id of ["a", "b", "c", "d", "e"]) manager.commit([put(id)]);
    manager.firstKept = 4;
    for (const last of [1, 99]) {
      const stream = listen(defer, url, last);
      await stream.opened;
      await until(() => stream.events.some((e) => e.event === "reset"), `reset for ${last}`);
      expect(stream.events.find((e) => e.event === "reset")).toMatchObject({ id: manager.revision });
      expect(stream.changes()).toEqual([]);
    }
    const fresh = listen(defer, url);
    await fresh.opened;
    await until(() => fresh.events.length > 0 || fresh.response() !== undefined, "opened");
    const revision = manager.commit([put("z")]);
    await until(() => fresh.changes().includes(revision), "the live change");
    expect(fresh.changes()).toEqual([revision]);
  });

  it("closes a reader that stops reading before it holds more than its bound, and the reader resumes from its last event", async () => {
    const manager = new FakeManager();
    const url = await serve(defer, manager.source());
    const slow = listen(defer, url);
    const reader = await slow.opened;
    await until(() => manager.revision === 0 && reader.readable, "open");
    reader.pause();
    // Each change ~150 KiB of events (100 hosts: told host by host): 200 of them are far more than the kernel's buffers and the bound.
    const big = "x".repeat(1_500);
    const changes = 200;
    for (let sent = 0; sent < changes; sent++) {
      manager.commit(Array.from({ length: 100 }, (_, i) => put(`h${sent}-${i}`, { note: big })));
      await new Promise((resolve) => setImmediate(resolve));
    }
    reader.resume();
    await until(() => slow.closed(), "the slow stream closed by the server");
    // What it got is a prefix of the changes, and not all of them: the rest was never held for it.
    const got = slow.changes();
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => i + 1));
    expect(got.length).toBeLessThan(changes);
    expect(changes * 100 * 1_500).toBeGreaterThan(10 * MAX_UNSENT_BYTES);

    const resumed = listen(defer, url, got.at(-1) ?? 0);
    await resumed.opened;
    await until(() => resumed.events.some((e) => e.event === "resumed" || e.event === "reset"), "the catch-up", 20_000);
    const caughtUp = resumed.changes();
    expect([...got, ...caughtUp]).toEqual(Array.from({ length: manager.revision }, (_, i) => i + 1));
  });
});
