import type { Logger } from "pino";
import { notPrimary } from "../errors.js";
import type { WatchRequest__Output } from "../generated/cairn/v1/WatchRequest.js";
import type { Admission } from "../replication/watch-server.js";
import type { Identity } from "../security/identity.js";
import type { AckRequest__Output } from "../generated/cairn/v1/AckRequest.js";
import type { EpochNotice__Output } from "../generated/cairn/v1/EpochNotice.js";
import type { GetPositionRequest__Output } from "../generated/cairn/v1/GetPositionRequest.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Position as WirePosition } from "../generated/cairn/v1/Position.js";
import { managerRoleToWire } from "../wire/convert.js";
import type { ReplicationHandlers } from "../wire/proto-loader.js";
import { unary } from "../wire/status.js";
import { callerOf } from "../security/authorization.js";
import type { ManagerControl } from "./manager-control.js";
import { heartbeatReply, recordHeartbeat, type HeartbeatContext } from "./heartbeats.js";
import { heartbeatSession } from "./heartbeat-session.js";
import { pulseIntervalMs } from "./liveness.js";
import { refusePulses, type PulseRelay } from "./pulse-relay.js";
import { recordRelayReport } from "./relay-reports.js";
import type { RelayReport__Output } from "../generated/cairn/v1/RelayReport.js";

/**
 * Whether a Watch is served, and as a backup's: epochs and revisions are
 * believed of managers only, the claim to be backup H of manager/H only
 * (when callers prove who they are).
 */
export function admitWatch(manager: ManagerControl, epoch: number, request: WatchRequest__Output, caller: Identity | undefined): Admission {
  if (manager.believes(caller)) {
    manager.learnedEpoch(request.seen_epoch);
    if (request.seen_epoch > epoch) {
      // A deposed manager's history is not one to follow.
      throw notPrimary(`this registry manager is behind epoch ${request.seen_epoch}; watch the primary`, manager.primary().address);
    }
    manager.sawRevision(request.epoch, request.from_revision, request.is_backup ? `backup ${request.host}` : `${request.host}'s replica`);
  }
  const refusal = manager.refusal();
  if (refusal) throw refusal;
  const backup = request.is_backup && manager.believes(caller, request.host);
  return { backup, ended: backup ? manager.backups.opened(request.host) : undefined };
}

export interface ReplicationContext extends HeartbeatContext {
  /** The Watch handler (the replication component's, src/replication/watch-server.ts). */
  watch: ReplicationHandlers["Watch"];
  /** With --relay-heartbeats: this manager's relay, which takes pulses while it is a backup. */
  relay: PulseRelay | undefined;
  logger: Logger;
}

/**
 * cairn.v1.Replication on a registry manager: Watch from the replication
 * component, and the calls that are the manager's own: heartbeats,
 * heartbeat sessions and relayed pulses (liveness),
 * where it stands, backups' acknowledgements, epoch announcements.
 */
export function replicationHandlers(ctx: ReplicationContext): ReplicationHandlers {
  const log = ctx.logger.child({ component: "replication" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in a replication call");
  return {
    Watch: ctx.watch,
    Heartbeat: unary(async (request: HeartbeatRequest__Output, call) => {
      const recorded = await recordHeartbeat(ctx, log, request, ctx.manager.believes(callerOf(call)));
      return heartbeatReply(ctx, recorded, ctx.heartbeatIntervalMs);
    }, unexpected),
    Session: heartbeatSession(ctx, log, pulseIntervalMs(ctx.heartbeatIntervalMs, ctx.downAfterMs), unexpected),
    Pulses: ctx.relay?.handle ?? refusePulses,
    Relay: unary(async (report: RelayReport__Output, call) => recordRelayReport(ctx, log, report, ctx.manager.believes(callerOf(call), report.host)), unexpected),
    GetPosition: unary(async (request: GetPositionRequest__Output) => {
      ctx.manager.learnedEpoch(request.seen_epoch);
      return positionOf(ctx);
    }),
    Ack: unary(async (request: AckRequest__Output) => {
      ctx.manager.learnedEpoch(request.epoch);
      ctx.manager.sawRevision(request.epoch, request.revision, `backup ${request.host}`);
      // Of this reign only: an ack of another epoch's change is of a history this primary may not share
      // there (its own first change comes right after it becomes primary, and covers the rest).
      const ours = request.epoch === ctx.store.epoch;
      if (ours && ctx.manager.role() === "primary" && !ctx.manager.refusal()) ctx.manager.backups.acked(request.host, request.revision);
      return {};
    }, unexpected),
    Announce: unary(async (notice: EpochNotice__Output) => {
      const wasPrimary = ctx.manager.role() === "primary";
      ctx.manager.learnedEpoch(notice.epoch, notice.primary_address ? { host: notice.primary_host, address: notice.primary_address } : undefined);
      const { revision } = ctx.store.durablePosition;
      return { epoch: ctx.store.epoch, revision, stepped_down: wasPrimary && ctx.manager.role() !== "primary" };
    }, unexpected),
  };
}

/** Where this manager stands (its epoch, what its disk holds), and whom it takes for the primary (GetPosition). */
export function positionOf(ctx: Pick<ReplicationContext, "store" | "manager">): WirePosition {
  const primary = ctx.manager.primary();
  const { revision, digest, clusterId } = ctx.store.durablePosition;
  return {
    epoch: ctx.store.epoch,
    cluster_id: clusterId,
    revision,
    digest,
    host: ctx.manager.hostId,
    role: managerRoleToWire(ctx.manager.role()),
    primary_host: primary.host,
    primary_address: primary.address,
  };
}
