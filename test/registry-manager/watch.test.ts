import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { Code } from "../../src/errors.js";
import type { WatchEvent__Output } from "../../src/generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../../src/generated/cairn/v1/WatchRequest.js";
import { registerHost, setLabels } from "../../src/registry-manager/mutations/hosts.js";
import type { RegistryManager } from "../../src/registry-manager/manager.js";
import { StateDigest } from "../../src/registry/digest.js";
import { applyOps, type Registry } from "../../src/registry/model.js";
import { changeFromWire } from "../../src/wire/convert.js";
import { v1 } from "../../src/wire/proto-loader.js";
import { registryFromSnapshot } from "../../src/wire/snapshot.js";
import { useDefer, type Defer } from "../support/defer.js";
import { startManager } from "../support/manager.js";
import { until } from "../support/until.js";

const defer = useDefer();

/** A Watch stream whose events are collected as they come. */
function watch(defer: Defer, address: string, request: WatchRequest) {
  const client = new v1.Replication(address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": -1 });
  const stream = client.Watch(request);
  const events: WatchEvent__Output[] = [];
  let ended: grpc.ServiceError | "ok" | undefined;
  stream.on("data", (event: WatchEvent__Output) => events.push(event));
  stream.on("error", (error: grpc.ServiceError) => (ended = error));
  stream.on("end", () => (ended ??= "ok"));
  defer(() => {
    stream.cancel();
    client.close();
  });
  return {
    stream,
    events,
    ended: () => ended,
    changes: () => events.filter((e) => e.change).map((e) => changeFromWire(e.change!)),
    snapshots: () => events.filter((e) => e.snapshot).map((e) => e.snapshot!),
  };
}

async function writeHosts(manager: RegistryManager, count: number, prefix = "h"): Promise<void> {
  for (let i = 0; i < count; i++) await manager.store.mutate(registerHost({ id: `${prefix}${i}`, domain: "/" }), { cause: "test" });
}

describe("Replication.Watch", () => {
  it("resumed from any revision, sends exactly the changes after it, then live ones", async () => {
    const manager = await startManager(defer);
    await writeHosts(manager, 10);
    const head = manager.store.position.revision;
    for (let from = 1; from <= head; from++) {
      const watcher = watch(defer, manager.address, { host: "w", from_revision: from, epoch: 1 });
      await until(() => from === head || watcher.changes().at(-1)?.revision === head, `catch-up from ${from}`);
      expect(watcher.snapshots()).toEqual([]);
      expect(watcher.changes().map((c) => c.revision)).toEqual(Array.from({ length: head - from }, (_, i) => from + 1 + i));
    }
    const live = watch(defer, manager.address, { host: "w", from_revision: head, epoch: 1 });
    await manager.store.mutate(registerHost({ id: "late", domain: "/" }), { cause: "test" });
    await until(() => live.changes().length === 1, "the live change");
    expect(live.changes()[0]!.revision).toBe(head + 1);
  });

  it("builds a replica from a snapshot and the changes that has the manager's digest after every change", async () => {
    const manager = await startManager(defer);
    await writeHosts(manager, 5);
    const watcher = watch(defer, manager.address, { host: "w", from_revision: 0, epoch: 0 });
    await until(() => watcher.snapshots().at(-1)?.last, "the snapshot");
    const replica: Registry = registryFromSnapshot(watcher.snapshots());
    const digest = StateDigest.of(replica);
    for (let i = 0; i < 20; i++) {
      await manager.store.mutate(setLabels(`h${i % 5}`, { set: { round: String(i) } }), { cause: "test" });
    }
    await until(() => watcher.changes().length === 20, "20 changes");
    for (const change of watcher.changes()) {
      digest.update(replica, change.ops);
      applyOps(replica, change.ops);
      expect(digest.equals(change.digest), `digest at revision ${change.revision}`).toBe(true);
    }
    expect(digest.equals(manager.store.position.digest)).toBe(true);
  });

  it("sends a snapshot when the log no longer holds the revision, or the epoch disagrees", async () => {
    const manager = await startManager(defer, { logRetention: 5 });
    await writeHosts(manager, 2_500); // past the in-memory window (at most 2,048 changes), so the log on disk decides
    const head = manager.store.position.revision;
    const compacted = watch(defer, manager.address, { host: "w", from_revision: 3, epoch: 1 });
    const otherEpoch = watch(defer, manager.address, { host: "w", from_revision: head, epoch: 7 });
    for (const watcher of [compacted, otherEpoch]) {
      await until(() => watcher.snapshots().at(-1)?.last, "a snapshot");
      expect(watcher.snapshots()[0]!.revision).toBe(head);
      expect(registryFromSnapshot(watcher.snapshots()).hosts.size).toBe(manager.store.index.registry.hosts.size);
    }
    await manager.store.mutate(registerHost({ id: "after", domain: "/" }), { cause: "test" });
    await until(() => compacted.changes().length === 1 && otherEpoch.changes().length === 1, "the change after the snapshot");
  });

  it("cuts off a stalled watcher with RESOURCE_EXHAUSTED and keeps serving the others", async () => {
    const manager = await startManager(defer, { maxWatchQueue: 20 });
    await writeHosts(manager, 1);
    const head = manager.store.position.revision;
    const stalled = watch(defer, manager.address, { host: "stalled", from_revision: head, epoch: 1 });
    const healthy = watch(defer, manager.address, { host: "healthy", from_revision: head, epoch: 1 });
    stalled.stream.pause(); // reads nothing: the transport fills, then the manager's queue for it
    // About 15 KiB a change, so that the stream's flow-control window fills quickly.
    const bulky = (i: number) => Object.fromEntries(Array.from({ length: 60 }, (_, k) => [`k${k}`, `${i}-${"x".repeat(240)}`]));
    for (let i = 0; i < 300; i++) await manager.store.mutate(setLabels("h0", { set: bulky(i) }), { cause: "test" });
    await until(() => healthy.changes().length === 300, "all changes at the healthy watcher");
    stalled.stream.resume();
    await until(() => stalled.ended(), "the stalled watcher's end");
    const ended = stalled.ended() as grpc.ServiceError;
    expect(ended.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(ended.details).toMatch(/resume from revision \d+/);
    expect(stalled.changes().length).toBeLessThan(300);
    expect(healthy.ended()).toBeUndefined();
  });
});
