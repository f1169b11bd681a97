/**
 * A watch of a manager's change feed (Replication.Watch from where it stands
 * now) that notes, for the hosts a bench cares about, every change of their
 * liveness with its wall-clock receipt time: which of them went down, when,
 * and whether they came back up; and a wait for the feed to stand still.
 */
import * as grpc from "@grpc/grpc-js";
import type { WatchEvent__Output } from "../../src/generated/cairn/v1/WatchEvent.js";
import { v1 } from "../../src/wire/proto-loader.js";
import type { TestRegistryClient } from "../../test/support/manager.js";
import { sleep, until, wallMs } from "./fleet.js";

export interface DownFeed {
  /** Hosts of interest seen down at any moment since the watch began. */
  everDown(): Set<string>;
  /** Hosts of interest down now (as of the last change received). */
  downNow(): Set<string>;
  /** When `host` was last seen going down (wall-clock ms), or undefined. */
  downAt(host: string): number | undefined;
  /** The last change revision received. */
  revision(): number;
  /** Changes received, and their put-host ops in all. */
  counts(): { changes: number; hostPuts: number };
  /** Resolves when every one of `hosts` is down, with the wall-clock time the last one's change arrived. */
  allDown(hosts: readonly string[], timeoutMs: number): Promise<number>;
  /** A problem with the stream (an error, a snapshot), or undefined. */
  problem(): string | undefined;
  close(): void;
}

export async function watchDowns(address: string, client: TestRegistryClient, interesting: (host: string) => boolean): Promise<DownFeed> {
  const status = await client.call("GetStatus", {});
  const raw = new v1.Replication(address, grpc.credentials.createInsecure(), { "grpc.max_receive_message_length": -1 });
  const everDown = new Set<string>();
  const downNow = new Set<string>();
  const downAt = new Map<string, number>();
  let revision = status.revision;
  let changes = 0;
  let hostPuts = 0;
  let problem: string | undefined;
  let closed = false;
  const call = raw.Watch({ host: "bench-down-feed", from_revision: status.revision, epoch: status.epoch, cluster_id: status.cluster_id });
  call.on("data", (event: WatchEvent__Output) => {
    const at = wallMs();
    if (event.event === "snapshot") problem ??= "the down feed got a snapshot: it should have resumed";
    if (event.event !== "change") return;
    const change = event.change!;
    revision = change.revision;
    changes++;
    for (const op of change.ops) {
      if (op.op === "delete_host" && interesting(op.delete_host!)) downNow.delete(op.delete_host!);
      if (op.op !== "put_host") continue;
      hostPuts++;
      const host = op.put_host!;
      if (!interesting(host.id)) continue;
      if (host.status === "LIVENESS_DOWN") {
        everDown.add(host.id);
        downNow.add(host.id);
        downAt.set(host.id, at);
      } else {
        downNow.delete(host.id);
      }
    }
  });
  call.on("error", (error: grpc.ServiceError) => {
    if (!closed) problem ??= `the down feed failed: ${grpc.status[error.code]} ${error.details}`;
  });
  return {
    everDown: () => everDown,
    downNow: () => downNow,
    downAt: (host) => downAt.get(host),
    revision: () => revision,
    counts: () => ({ changes, hostPuts }),
    problem: () => problem,
    async allDown(hosts, timeoutMs) {
      const deadline = wallMs() + timeoutMs;
      for (;;) {
        if (hosts.every((h) => downNow.has(h))) return Math.max(...hosts.map((h) => downAt.get(h)!));
        if (problem) throw new Error(problem);
        if (wallMs() > deadline) throw new Error(`${hosts.filter((h) => !downNow.has(h)).length} of ${hosts.length} hosts not down after ${timeoutMs} ms`);
        await sleep(5);
      }
    },
    close() {
      closed = true;
      call.cancel();
      raw.close();
    },
  };
}

/** Waits until the manager's revision has not moved for `quietMs` (registrations done). */
export async function stableRevision(client: TestRegistryClient, quietMs = 1_500, timeoutMs = 120_000): Promise<number> {
  let last = -1;
  let since = wallMs();
  return until(
    `a revision unchanged for ${quietMs} ms`,
    async () => {
      const { revision } = await client.call("GetStatus", {});
      if (revision !== last) {
        last = revision;
        since = wallMs();
        return undefined;
      }
      return wallMs() - since >= quietMs ? revision : undefined;
    },
    timeoutMs,
    250,
  );
}
