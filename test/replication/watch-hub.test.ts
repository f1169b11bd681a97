import { describe, expect, it } from "vitest";
import { Code, type CairnError } from "../../src/errors.js";
import { WatchHub, type WatchSink } from "../../src/replication/watch-hub.js";

/** A sink whose transport takes `room` events before it reports full. */
class TestSink implements WatchSink<string> {
  received: string[] = [];
  closedWith: CairnError | undefined | null = null;
  constructor(private room = Infinity) {}
  write(event: string): boolean {
    this.received.push(event);
    return this.received.length < this.room;
  }
  close(error?: CairnError): void {
    this.closedWith = error;
  }
  makeRoom(room: number): void {
    this.room = room;
  }
}

describe("WatchHub", () => {
  it("queues live changes while a watcher catches up, then sends only the newer ones", () => {
    const hub = new WatchHub<string>();
    const sink = new TestSink();
    const watcher = hub.add(sink);
    hub.broadcast(5, "c5");
    hub.broadcast(6, "c6");
    void watcher.sendCatchingUp("c4", 4);
    void watcher.sendCatchingUp("c5", 5);
    watcher.goLive(5);
    hub.broadcast(7, "c7");
    expect(sink.received).toEqual(["c4", "c5", "c6", "c7"]);
  });

  it("does not send twice a change whose broadcast trails the catch-up that already carried it", () => {
    const hub = new WatchHub<string>();
    const sink = new TestSink();
    const watcher = hub.add(sink);
    void watcher.sendCatchingUp("c5", 5);
    watcher.goLive(5);
    hub.broadcast(5, "c5 again");
    hub.broadcast(6, "c6");
    expect(sink.received).toEqual(["c5", "c6"]);
  });

  it("cuts off a stalled watcher without holding up the others", () => {
    const hub = new WatchHub<string>(3);
    const stalled = new TestSink(1);
    const healthy = new TestSink();
    const slow = hub.add(stalled);
    const fast = hub.add(healthy);
    slow.goLive(0);
    fast.goLive(0);
    for (let r = 1; r <= 10; r++) hub.broadcast(r, `c${r}`);
    expect(healthy.received).toHaveLength(10);
    expect(stalled.received).toEqual(["c1"]);
    expect(stalled.closedWith?.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(stalled.closedWith?.message).toMatch(/resume from revision 1$/);
    expect(hub.size).toBe(1);
  });

  it("sends what waited once the transport drains, in order", () => {
    const hub = new WatchHub<string>(100);
    const sink = new TestSink(1);
    const watcher = hub.add(sink);
    watcher.goLive(0);
    for (let r = 1; r <= 4; r++) hub.broadcast(r, `c${r}`);
    expect(sink.received).toEqual(["c1"]);
    sink.makeRoom(Infinity);
    watcher.drained();
    expect(sink.received).toEqual(["c1", "c2", "c3", "c4"]);
    expect(watcher.lastRevision).toBe(4);
  });

  it("sends keep-alives only to idle watchers", () => {
    const hub = new WatchHub<string>(100);
    const idle = new TestSink();
    const busy = new TestSink(1);
    hub.add(idle).goLive(0);
    const busyWatcher = hub.add(busy);
    busyWatcher.goLive(0);
    hub.broadcast(1, "c1");
    hub.broadcast(2, "c2");
    hub.progress("p");
    expect(idle.received).toEqual(["c1", "c2", "p"]);
    expect(busy.received).toEqual(["c1"]);
  });

  it("waits for the transport during catch-up instead of buffering without bound", async () => {
    const hub = new WatchHub<string>(100);
    const sink = new TestSink(1);
    const watcher = hub.add(sink);
    let sent = false;
    const sending = watcher.sendCatchingUp("s0").then(() => (sent = true));
    await Promise.resolve();
    expect(sent).toBe(false);
    watcher.drained();
    await sending;
    expect(sent).toBe(true);
  });

  it("counts, across the hubs that share its counts, every event sent and every watcher cut off for falling behind", () => {
    const counts = { sent: 0, slow: 0 };
    const readers = new WatchHub<string>(2, counts);
    const backups = new WatchHub<string>(2, counts);
    const reader = readers.add(new TestSink());
    void reader.sendCatchingUp("c1", 1);
    reader.goLive(1);
    backups.add(new TestSink()).goLive(0);
    readers.broadcast(2, "c2");
    backups.broadcast(2, "c2");
    expect(counts).toEqual({ sent: 3, slow: 0 });
    // Full after one event: what follows waits, and past two waiting the watcher is cut off.
    const stalled = readers.add(new TestSink(1));
    stalled.goLive(2);
    for (let revision = 3; revision <= 6; revision++) readers.broadcast(revision, `c${revision}`);
    expect(stalled.isClosed).toBe(true);
    expect(counts.slow).toBe(1);
    expect(counts.sent).toBe(3 + 4 + 1);
  });
});
