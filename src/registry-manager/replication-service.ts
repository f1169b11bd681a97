import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { CairnError, Code, notPrimary } from "../errors.js";
import type { AckRequest__Output } from "../generated/cairn/v1/AckRequest.js";
import type { EpochNotice__Output } from "../generated/cairn/v1/EpochNotice.js";
import type { HeartbeatReply } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Position as WirePosition } from "../generated/cairn/v1/Position.js";
import type { Progress } from "../generated/cairn/v1/Progress.js";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import type { WatchRequest__Output } from "../generated/cairn/v1/WatchRequest.js";
import { packageOf, REGISTRY_TYPE, type PackageRecord } from "../router/model.js";
import { changeToWire, managerRoleToWire, packageFromWire, packageHealthFromWire } from "../wire/convert.js";
import type { ReplicationHandlers } from "../wire/proto-loader.js";
import { snapshotChunks } from "../wire/snapshot.js";
import { toServiceError, unary } from "../wire/status.js";
import type { ManagerControl } from "./manager-control.js";
import { combine, ensureRegistryPackage, firstContact, reportHealth, setHostStatus, type Mutation } from "./mutations.js";
import type { RegistryStore } from "./store.js";
import type { Watcher, WatchHub } from "./watch-hub.js";

export interface ReplicationContext {
  store: RegistryStore;
  /** Events go out as objects or already encoded (a broadcast change). */
  hub: WatchHub<WatchEvent | Buffer>;
  manager: ManagerControl;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  downAfterMs: number;
}

export function replicationHandlers(ctx: ReplicationContext): ReplicationHandlers {
  const log = ctx.logger.child({ component: "replication" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in a replication call");
  return {
    Watch: (call) => void watch(ctx, call, log),
    Heartbeat: unary((request: HeartbeatRequest__Output) => heartbeat(ctx, request), unexpected),
    GetPosition: unary(async () => positionOf(ctx)),
    Ack: unary(async (request: AckRequest__Output) => {
      ctx.manager.learnedEpoch(request.epoch);
      if (ctx.manager.role() === "primary") ctx.manager.backups.acked(request.host, request.revision);
      return {};
    }, unexpected),
    Announce: unary(async (notice: EpochNotice__Output) => {
      const wasPrimary = ctx.manager.role() === "primary";
      ctx.manager.learnedEpoch(notice.epoch, notice.primary_address ? { host: notice.primary_host, address: notice.primary_address } : undefined);
      const { epoch, revision } = ctx.store.position;
      return { epoch, revision, stepped_down: wasPrimary && ctx.manager.role() !== "primary" };
    }, unexpected),
  };
}

export function progressOf(ctx: Pick<ReplicationContext, "store" | "manager">): Progress {
  const primary = ctx.manager.primary();
  const { epoch, revision, digest } = ctx.store.position;
  return { epoch, revision, digest, primary_host: primary.host, primary_address: primary.address };
}

/** Where this manager stands, and whom it takes for the primary (GetPosition). */
export function positionOf(ctx: Pick<ReplicationContext, "store" | "manager">): WirePosition {
  const primary = ctx.manager.primary();
  const { epoch, revision, digest } = ctx.store.position;
  return {
    epoch,
    revision,
    digest,
    host: ctx.manager.hostId,
    role: managerRoleToWire(ctx.manager.role()),
    primary_host: primary.host,
    primary_address: primary.address,
  };
}

// ---- Watch ----

async function watch(
  ctx: ReplicationContext,
  call: grpc.ServerWritableStream<WatchRequest__Output, WatchEvent | Buffer>,
  log: Logger,
): Promise<void> {
  const request = call.request;
  ctx.manager.learnedEpoch(request.seen_epoch);
  if (request.seen_epoch > ctx.store.position.epoch) {
    // A deposed manager's history is not one to follow.
    call.emit("error", toServiceError(notPrimary(`this registry manager is behind epoch ${request.seen_epoch}; watch the primary`, ctx.manager.primary().address)));
    return;
  }
  if (request.is_backup) {
    const closed = ctx.manager.backups.opened(request.host);
    call.on("close", closed);
    call.on("cancelled", closed);
    call.on("error", closed);
  }
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
async function resume(ctx: ReplicationContext, request: WatchRequest__Output, watcher: Watcher<WatchEvent | Buffer>): Promise<number | undefined> {
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

async function sendSnapshot(ctx: ReplicationContext, watcher: Watcher<WatchEvent | Buffer>): Promise<void> {
  const { entities, position } = ctx.store.snapshot();
  const chunks = snapshotChunks(entities, position);
  for (const chunk of chunks) await watcher.sendCatchingUp({ snapshot: chunk });
  watcher.goLive(position.revision);
}

// ---- Heartbeat ----

async function heartbeat(ctx: ReplicationContext, request: HeartbeatRequest__Output): Promise<HeartbeatReply> {
  ctx.manager.learnedEpoch(request.epoch);
  const primary = ctx.manager.primary();
  const reply = {
    epoch: ctx.store.position.epoch,
    primary_host: primary.host,
    primary_address: primary.address,
    interval_ms: ctx.heartbeatIntervalMs,
    down_after_ms: ctx.downAfterMs,
    cluster_id: ctx.store.position.clusterId,
  };
  const liveness = ctx.manager.liveness();
  // Only the primary records liveness; a backup names the primary instead.
  if (ctx.manager.role() !== "primary" || !liveness) return { ...reply, recorded: false };
  const now = ctx.clock.now();
  const healths = request.packages.map((p) => ({ type: p.type, health: packageHealthFromWire(p.health) }));
  const current = ctx.store.index.registry.hosts.get(request.host);
  // Most heartbeats change nothing: answer them without queueing a write.
  const registryPackage = request.registry_package ? packageFromWire(request.registry_package, "registry package") : undefined;
  const ownRegistry = current && registryPackage ? packageOf(current, REGISTRY_TYPE) : undefined;
  const unchanged =
    current?.status === "up" &&
    healths.every((h) => (current.packages.find((p) => p.type === h.type)?.health ?? h.health) === h.health) &&
    (!registryPackage || (ownRegistry?.port === registryPackage.port && ownRegistry.role === registryPackage.role));
  liveness.heard(request.host, now);
  if (!unchanged) {
    await ctx.store.mutate(heartbeatMutation(request.host, request.domain, request.address, healths, registryPackage), {
      cause: `heartbeat from ${request.host}`,
    });
  }
  return { ...reply, recorded: true };
}

function heartbeatMutation(
  host: string,
  domain: string,
  address: string,
  healths: { type: string; health: "healthy" | "unhealthy" }[],
  registryPackage: PackageRecord | undefined,
): Mutation {
  const steps = [firstContact(host, { domain, address }), setHostStatus(host, "up"), reportHealth(host, healths)];
  // A backup manager keeps its own registry package current through the primary (SPEC 7).
  if (registryPackage?.role) steps.push(ensureRegistryPackage(host, { port: registryPackage.port, role: registryPackage.role, domain, address }));
  return combine(...steps);
}
