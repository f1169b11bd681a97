import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { HeartbeatReply } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Position as WirePosition } from "../generated/cairn/v1/Position.js";
import type { Progress } from "../generated/cairn/v1/Progress.js";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import type { WatchRequest__Output } from "../generated/cairn/v1/WatchRequest.js";
import { changeToWire, packageHealthFromWire } from "../wire/convert.js";
import type { ReplicationHandlers } from "../wire/proto-loader.js";
import { snapshotChunks } from "../wire/snapshot.js";
import { toServiceError, unary } from "../wire/status.js";
import type { LivenessTracker } from "./liveness.js";
import { combine, firstContact, reportHealth, setHostStatus, type Mutation } from "./mutations.js";
import type { Position, RegistryStore } from "./store.js";
import type { Watcher, WatchHub } from "./watch-hub.js";

export interface ReplicationContext {
  store: RegistryStore;
  hub: WatchHub<WatchEvent>;
  liveness: LivenessTracker;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  downAfterMs: number;
  /** The primary as this manager knows it: itself for now. */
  primary(): { host: string; address: string };
}

export function replicationHandlers(ctx: ReplicationContext): ReplicationHandlers {
  const log = ctx.logger.child({ component: "replication" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in a replication call");
  return {
    Watch: (call) => void watch(ctx, call, log),
    Heartbeat: unary((request: HeartbeatRequest__Output) => heartbeat(ctx, request), unexpected),
    GetPosition: unary(async () => positionToWire(ctx.store.position)),
    Ack: unary(async () => {
      throw new CairnError(Code.UNIMPLEMENTED, "acknowledgements are for backup managers, which this manager does not run");
    }),
    Announce: unary(async () => {
      throw new CairnError(Code.UNIMPLEMENTED, "epoch announcements are for backup managers, which this manager does not run");
    }),
  };
}

export function progressOf(ctx: Pick<ReplicationContext, "store" | "primary">): Progress {
  const primary = ctx.primary();
  return { ...positionToWire(ctx.store.position), primary_host: primary.host, primary_address: primary.address };
}

export function positionToWire(position: Position): WirePosition {
  return { epoch: position.epoch, revision: position.revision, digest: position.digest };
}

// ---- Watch ----

async function watch(
  ctx: ReplicationContext,
  call: grpc.ServerWritableStream<WatchRequest__Output, WatchEvent>,
  log: Logger,
): Promise<void> {
  const request = call.request;
  // Joined before anything is read, so no change published meanwhile is missed.
  const watcher = ctx.hub.add({
    write: (event) => call.write(event),
    close: (error) => (error ? call.emit("error", toServiceError(error)) : call.end()),
  });
  call.on("drain", () => watcher.drained());
  call.on("cancelled", () => watcher.close());
  call.on("error", () => watcher.close());
  try {
    const resumed = await resume(ctx, request, watcher);
    if (resumed === undefined) await sendSnapshot(ctx, watcher);
    else watcher.goLive(resumed);
    // Tells the watcher it has caught up (and with whom), even when nothing was missing.
    watcher.deliver(0, { progress: progressOf(ctx) });
    log.debug({ host: request.host, from: request.from_revision, snapshot: resumed === undefined }, "watcher live");
  } catch (error) {
    log.warn({ err: error, host: request.host }, "watch failed");
    watcher.close(error instanceof CairnError ? error : new CairnError(Code.INTERNAL, (error as Error).message));
  }
}

/**
 * Sends the changes the watcher misses and returns the revision it is then
 * at, or undefined when its history cannot be continued from the log (it
 * needs a snapshot): another cluster, revision 0, ahead of us, compacted
 * away, or a change at its revision that is not the one it has.
 */
async function resume(ctx: ReplicationContext, request: WatchRequest__Output, watcher: Watcher<WatchEvent>): Promise<number | undefined> {
  const position = ctx.store.position;
  const from = request.from_revision;
  if (request.cluster_id && request.cluster_id !== position.clusterId) return undefined;
  if (from === 0 || from > position.revision) return undefined;
  const changes = await ctx.store.changesAfter(from - 1);
  const own = changes?.[0];
  if (!changes || !own || own.epoch !== request.epoch) return undefined;
  if (request.digest.length > 0 && !Buffer.from(own.digest).equals(request.digest)) return undefined;
  let at = from;
  for (const change of changes.slice(1)) {
    await watcher.sendCatchingUp({ change: changeToWire(change) }, change.revision);
    at = change.revision;
  }
  return at;
}

async function sendSnapshot(ctx: ReplicationContext, watcher: Watcher<WatchEvent>): Promise<void> {
  const { registry, position } = ctx.store.snapshot();
  const chunks = snapshotChunks(registry, position);
  for (const chunk of chunks) await watcher.sendCatchingUp({ snapshot: chunk });
  watcher.goLive(position.revision);
}

// ---- Heartbeat ----

async function heartbeat(ctx: ReplicationContext, request: HeartbeatRequest__Output): Promise<HeartbeatReply> {
  const now = ctx.clock.now();
  const healths = request.packages.map((p) => ({ type: p.type, health: packageHealthFromWire(p.health) }));
  const current = ctx.store.index.registry.hosts.get(request.host);
  // Most heartbeats change nothing: answer them without queueing a write.
  const unchanged =
    current?.status === "up" &&
    healths.every((h) => (current.packages.find((p) => p.type === h.type)?.health ?? h.health) === h.health);
  ctx.liveness.heard(request.host, now);
  if (!unchanged) {
    await ctx.store.mutate(heartbeatMutation(request.host, request.domain, request.address, healths), {
      cause: `heartbeat from ${request.host}`,
    });
  }
  const primary = ctx.primary();
  return {
    epoch: ctx.store.position.epoch,
    primary_host: primary.host,
    primary_address: primary.address,
    interval_ms: ctx.heartbeatIntervalMs,
    down_after_ms: ctx.downAfterMs,
    recorded: true,
    cluster_id: ctx.store.position.clusterId,
  };
}

function heartbeatMutation(
  host: string,
  domain: string,
  address: string,
  healths: { type: string; health: "healthy" | "unhealthy" }[],
): Mutation {
  return combine(firstContact(host, { domain, address }), setHostStatus(host, "up"), reportHealth(host, healths));
}
