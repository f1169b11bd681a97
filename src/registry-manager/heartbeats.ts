import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { HeartbeatReply } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import { packageOf, REGISTRY_TYPE, type PackageRecord } from "../registry/model.js";
import { hostIdProblem } from "../registry/names.js";
import { packageFromWire, packageHealthFromWire } from "../wire/convert.js";
import type { LivenessTracker } from "./liveness.js";
import type { ManagerControl } from "./manager-control.js";
import { ensureRegistryPackage } from "./mutations/manager-records.js";
import { firstContact, reportHealth, setHostStatus } from "./mutations/heartbeat.js";
import { combine, type Mutation } from "./mutations/mutation.js";
import type { RegistryStore } from "./store.js";

/** What recording a heartbeat needs of the manager. */
export interface HeartbeatContext {
  store: RegistryStore;
  manager: ManagerControl;
  clock: Clock;
  heartbeatIntervalMs: number;
  downAfterMs: number;
}

/** The reply to a heartbeat: this manager's epoch, the primary, how often to beat (`intervalMs`), and where to pulse (`relay`, SPEC 16). */
export function heartbeatReply(ctx: HeartbeatContext, recorded: boolean, intervalMs: number, relay?: { host: string; address: string }): HeartbeatReply {
  const primary = ctx.manager.primary();
  return {
    epoch: ctx.store.epoch,
    primary_host: primary.host,
    primary_address: primary.address,
    interval_ms: intervalMs,
    down_after_ms: ctx.downAfterMs,
    cluster_id: ctx.store.position.clusterId,
    recorded,
    relay_host: relay?.host ?? "",
    relay_address: relay?.address ?? "",
  };
}

/**
 * Records a heartbeat (a call's, or a session's message): true when it was
 * recorded, false when this manager is no primary and the sender should go
 * to the one it names. `believed`: the sender is a manager (or identities
 * are not checked), so its epoch may depose this primary and its registry
 * package is its own to keep current. An agent's heartbeat records its
 * liveness and health only.
 */
export async function recordHeartbeat(ctx: HeartbeatContext, log: Logger, request: HeartbeatRequest__Output, believed: boolean): Promise<boolean> {
  if (believed) ctx.manager.learnedEpoch(request.epoch);
  const liveness = ctx.manager.liveness();
  // Only the primary records liveness; a backup names the primary instead.
  if (ctx.manager.role() !== "primary" || !liveness) return false;
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
  // Its packages' health is reported even while it is held down.
  const status = heardStatus(liveness, log, request.host, now);
  const unchanged =
    current?.status === status &&
    healths.every((h) => (current.packages.find((p) => p.type === h.type)?.health ?? h.health) === h.health) &&
    (!registryPackage || (ownRegistry?.port === registryPackage.port && ownRegistry.role === registryPackage.role));
  if (!unchanged) {
    await ctx.store.mutate(heartbeatMutation(request.host, request.domain, request.address, status, healths, registryPackage), {
      cause: `heartbeat from ${request.host}`,
    });
  }
  return true;
}

/**
 * The status `host`, heard from at `now` (a heartbeat, or a pulse through
 * its relay), is to have: down while it is held as flapping (SPEC 13),
 * though it still counts as heard towards its release; up otherwise. The
 * one that meets the hold-down releases it, with a line in the log; the
 * caller's change marks it up.
 */
export function heardStatus(liveness: LivenessTracker, log: Logger, host: string, now: number): "up" | "down" {
  const damping = liveness.damping.heard(host, now);
  if (damping.kind === "released") log.info({ heartbeatFrom: host, steadyMs: damping.steadyMs }, `host ${host} heartbeat steadily for ${damping.steadyMs} ms: released from hold-down`);
  return damping.kind === "held" ? "down" : "up";
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
