import type { Logger } from "pino";
import type { RelayReply } from "../generated/cairn/v1/RelayReply.js";
import type { RelayReport__Output } from "../generated/cairn/v1/RelayReport.js";
import { packageOf, REGISTRY_TYPE } from "../registry/model.js";
import { RELAY_SILENT_MS } from "./defaults.js";
import { heardStatus, type HeartbeatContext } from "./heartbeats.js";
import { setStatusWhere } from "./mutations/heartbeat.js";

/** A relay as named to an agent: its host id, and where to dial it. */
export interface NamedRelay {
  host: string;
  address: string;
}

/**
 * A relaying backup's report on the primary (Replication.Relay, SPEC 16):
 * each pulse counts as the host heard from when it came, as long as the
 * host sent its whole heartbeat to this primary this reign and its answer
 * named this relay; the others are named back, so that their agents send
 * a whole one. A pulse says nothing changed since that whole heartbeat, as
 * one in a session does: a host marked down meanwhile (its pulse came late)
 * is marked up by it, in one change for the report, and one held down as
 * flapping stays down while its pulses count towards its release, rather
 * than every such agent coming to the primary again. (A relay back from a
 * stall may carry pulses it read late, of agents that died meanwhile: each
 * such host is up for one more --down-after, as it would be had it stayed
 * up; thousands of live agents are not sent to the primary for it.)
 * `believed`: the relay is the manager it says it is, so its epoch may
 * depose this primary.
 */
export function recordRelayReport(ctx: HeartbeatContext, log: Logger, report: RelayReport__Output, believed: boolean): RelayReply {
  if (believed) ctx.manager.learnedEpoch(report.epoch);
  const liveness = ctx.manager.liveness();
  const primary = ctx.manager.primary();
  const answer = { primary_host: primary.host, primary_address: primary.address, epoch: ctx.store.epoch };
  if (ctx.manager.role() !== "primary" || !liveness) return { ...answer, recorded: false, whole: [] };
  const now = ctx.clock.now();
  liveness.relayReported(report.host, now);
  // A host is known by the committed registry (an import under way holds only part of the newest state), its
  // status by the writes already accepted, which the mark-up runs against: a mark-down not yet committed is one to undo.
  const committed = ctx.store.index.registry.hosts;
  const accepted = ctx.store.latest.registry.hosts;
  const whole: string[] = [];
  const backUp: string[] = [];
  for (const pulse of report.pulses) {
    if (!committed.has(pulse.host) || !liveness.relayed(pulse.host, now - pulse.age_ms, pulse.revision, report.host)) {
      whole.push(pulse.host);
    } else if (accepted.get(pulse.host)?.status !== "up" && heardStatus(liveness, log, pulse.host, now) === "up") {
      backUp.push(pulse.host);
    }
  }
  if (backUp.length > 0) {
    // Not waited for: the relay's report must not wait behind writes (it vouches only while its reports get through),
    // and a host the write leaves down is marked up by its next pulse.
    const stillHeard = (host: string) => !liveness.isOverdue(host, ctx.clock.now()) && !liveness.damping.isHeld(host);
    const cause = backUp.length === 1 ? `pulse from ${backUp[0]} through relay ${report.host}` : `pulses from ${backUp.length} hosts through relay ${report.host}`;
    ctx.store.mutate(setStatusWhere(backUp, "up", stillHeard), { cause }).catch((error) => log.warn({ err: error, hosts: backUp.length, relay: report.host }, "could not mark relayed hosts up"));
  }
  return { ...answer, recorded: true, whole };
}

/**
 * The relay `host` is told to pulse (relayFor), if any; from now on the
 * host's silence is judged by that relay's reports.
 */
export function nameRelay(ctx: HeartbeatContext, host: string): NamedRelay | undefined {
  const relay = relayFor(ctx, host);
  if (relay) ctx.manager.liveness()?.pulsesVia(host, relay.host);
  return relay;
}

/**
 * The relay for `host`'s pulses: the nearest registry manager on its
 * registry route that reports as a relay. None for a host that is not up,
 * nor for a registry manager (it speaks to the primary for itself).
 */
function relayFor(ctx: HeartbeatContext, host: string): NamedRelay | undefined {
  const liveness = ctx.manager.liveness();
  if (!liveness || liveness.relayCount === 0) return undefined;
  const record = ctx.store.index.registry.hosts.get(host);
  if (record?.status !== "up" || packageOf(record, REGISTRY_TYPE)) return undefined;
  const now = ctx.clock.now();
  for (const candidate of ctx.store.index.route(host, REGISTRY_TYPE).candidates) {
    // Dialled where the registry has its registry package, not where its report says it is.
    if (liveness.isLiveRelay(candidate.host, now, RELAY_SILENT_MS)) return { host: candidate.host, address: candidate.endpoint };
  }
  return undefined;
}
