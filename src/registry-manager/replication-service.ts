import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { notPrimary } from "../errors.js";
import type { WatchRequest__Output } from "../generated/cairn/v1/WatchRequest.js";
import type { Admission } from "../replication/watch-server.js";
import type { Identity } from "../security/identity.js";
import type { AckRequest__Output } from "../generated/cairn/v1/AckRequest.js";
import type { EpochNotice__Output } from "../generated/cairn/v1/EpochNotice.js";
import type { HeartbeatReply } from "../generated/cairn/v1/HeartbeatReply.js";
import type { GetPositionRequest__Output } from "../generated/cairn/v1/GetPositionRequest.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Position as WirePosition } from "../generated/cairn/v1/Position.js";
import { packageOf, REGISTRY_TYPE, type PackageRecord } from "../registry/model.js";
import { hostIdProblem } from "../registry/names.js";
import { managerRoleToWire, packageFromWire, packageHealthFromWire } from "../wire/convert.js";
import type { ReplicationHandlers } from "../wire/proto-loader.js";
import { unary } from "../wire/status.js";
import { callerOf } from "../security/authorization.js";
import type { ManagerControl } from "./manager-control.js";
import { combine, type Mutation } from "./mutations/mutation.js";
import { ensureRegistryPackage } from "./mutations/manager-records.js";
import { firstContact, reportHealth, setHostStatus } from "./mutations/heartbeat.js";
import type { RegistryStore } from "./store.js";

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

export interface ReplicationContext {
  store: RegistryStore;
  /** The Watch handler (the replication component's, src/replication/watch-server.ts). */
  watch: ReplicationHandlers["Watch"];
  manager: ManagerControl;
  clock: Clock;
  logger: Logger;
  heartbeatIntervalMs: number;
  downAfterMs: number;
}

/**
 * cairn.v1.Replication on a registry manager: Watch from the replication
 * component, and the calls that are the manager's own: heartbeats (liveness),
 * where it stands, backups' acknowledgements, epoch announcements.
 */
export function replicationHandlers(ctx: ReplicationContext): ReplicationHandlers {
  const log = ctx.logger.child({ component: "replication" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in a replication call");
  return {
    Watch: ctx.watch,
    Heartbeat: unary((request: HeartbeatRequest__Output, call) => heartbeat(ctx, log, request, ctx.manager.believes(callerOf(call))), unexpected),
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

// ---- Heartbeat ----

/**
 * `believed`: the sender is a manager (or identities are not checked), so
 * its epoch may depose this primary and its registry package is its own to
 * keep current. An agent's heartbeat records its liveness and health only.
 */
async function heartbeat(ctx: ReplicationContext, log: Logger, request: HeartbeatRequest__Output, believed: boolean): Promise<HeartbeatReply> {
  if (believed) ctx.manager.learnedEpoch(request.epoch);
  const primary = ctx.manager.primary();
  const reply = {
    epoch: ctx.store.epoch,
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
  const registryPackage = request.registry_package && believed ? packageFromWire(request.registry_package, "registry package") : undefined;
  const ownRegistry = current && registryPackage ? packageOf(current, REGISTRY_TYPE) : undefined;
  // Shown in every fleet view: a name that is no host id (too long, say) is shown as unknown.
  const known = liveness.lastHeartbeat(request.host)?.watching;
  const watching = request.watching === known || (request.watching && !hostIdProblem(request.watching)) ? request.watching : "";
  liveness.heard(request.host, now, request.revision, watching);
  // A flapping host stays down while held (SPEC 13); its heartbeats still count as heard and still
  // report its packages' health. The heartbeat that meets the hold-down marks it up in its own change.
  const damping = liveness.damping.heard(request.host, now);
  const status = damping.kind === "held" ? "down" : "up";
  if (damping.kind === "released") {
    log.info({ heartbeatFrom: request.host, steadyMs: damping.steadyMs }, `host ${request.host} heartbeat steadily for ${damping.steadyMs} ms: released from hold-down`);
  }
  const unchanged =
    current?.status === status &&
    healths.every((h) => (current.packages.find((p) => p.type === h.type)?.health ?? h.health) === h.health) &&
    (!registryPackage || (ownRegistry?.port === registryPackage.port && ownRegistry.role === registryPackage.role));
  if (!unchanged) {
    await ctx.store.mutate(heartbeatMutation(request.host, request.domain, request.address, status, healths, registryPackage), {
      cause: `heartbeat from ${request.host}`,
    });
  }
  return { ...reply, recorded: true };
}

function heartbeatMutation(
  host: string,
  domain: string,
  address: string,
  status: "up" | "down",
  healths: { type: string; health: "healthy" | "unhealthy" }[],
  registryPackage: PackageRecord | undefined,
): Mutation {
  // A backup manager keeps its own host and registry package current through the primary (SPEC 7),
  // registering them first: unlike an agent's first contact, that creates a missing domain.
  const register = registryPackage?.role
    ? ensureRegistryPackage(host, { port: registryPackage.port, role: registryPackage.role, domain, address })
    : firstContact(host, { domain, address });
  return combine(register, setHostStatus(host, status), reportHealth(host, healths));
}
