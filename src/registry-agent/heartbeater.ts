import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { callLink, HeartbeatSessions, type HeartbeatLink } from "../client/heartbeat-sessions.js";
import { Peers } from "../client/peers.js";
import type { Clock, Timer } from "../clock.js";
import type { HeartbeatReply__Output } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../generated/cairn/v1/HeartbeatRequest.js";
import { packageOf, REGISTRY_TYPE, type HostRecord } from "../registry/model.js";
import { packageHealthToWire } from "../wire/convert.js";
import { replicationService, type ReplicationDefinition } from "../wire/proto-loader.js";
import type { PackageHealthReport } from "./health-checker.js";
import type { Replica } from "./replica.js";
import type { ChannelSettings } from "../security/transport.js";

/** A heartbeat that has no answer by then is given up; the next one goes elsewhere. */
export const HEARTBEAT_TIMEOUT_MS = 1_000;
/**
 * How long a relay may take to answer a pulse. A pulse goes --down-after
 * less a second after the last (pulseIntervalMs): this leaves half a second
 * for the whole heartbeat to the primary that follows one unanswered.
 */
export const RELAY_PULSE_TIMEOUT_MS = 500;
/**
 * In a session with the primary, a whole heartbeat goes at least this
 * often even when nothing changed: pulses are not answered, and this
 * answer proves that the session still reaches a primary. (A relay
 * answers every pulse, and vouches only while it reaches the primary.)
 */
export const CONFIRM_EVERY_MS = 30_000;
/** A relay that failed a pulse is not taken again for this long, even when the primary names it. */
export const AVOID_FAILED_RELAY_MS = 30_000;

/** What the heartbeater reads of the replica, and the one thing it tells it (an epoch heard from a manager). */
export type HeartbeatReplica = Pick<Replica, "routes" | "seenEpoch" | "position" | "sawEpoch">;

/** One heartbeat to the manager at `address`, and its reply; rejects when the manager did not answer. */
export type SendHeartbeat = (address: string, request: HeartbeatRequest) => Promise<HeartbeatReply__Output>;

export interface HeartbeaterOptions {
  hostId: string;
  /** Where to register this host at first contact. */
  domain: string;
  address: string;
  replica: HeartbeatReplica;
  /** Managers to fall back on: the one watched, the seeds. */
  fallbacks: () => string[];
  /** The delay between beats until a manager's reply sets another. */
  intervalMs: number;
  /**
   * How heartbeats are sent; by default in a Replication.Session, each whole
   * heartbeat answered within HEARTBEAT_TIMEOUT_MS of the clock. `send`
   * instead: every beat is a whole heartbeat through it (no session).
   */
  link?: HeartbeatLink;
  send?: SendHeartbeat;
  /** The host id of the registry manager feeding the replica now ("" when none), for the primary's fleet view. */
  watching?: () => string;
  /** The health of each package on this host (the agent's HealthMonitor's verdicts). */
  checkPackages: (host: HostRecord) => Promise<PackageHealthReport[]>;
  /** Options of the default sender's channels. */
  channelOptions?: grpc.ChannelOptions;
  /** How the default sender's channels are secured (the managers must prove manager/*). */
  channel?: ChannelSettings;
  clock: Clock;
  logger: Logger;
}

/**
 * Tells the primary, once per interval, that this host lives and how its
 * packages are (as its checks say, health-monitor.ts), and at once when a
 * package's health changes. In a session (SPEC 16) a beat that would say
 * what the last whole heartbeat said is only a pulse, and the interval is
 * the pulse interval the primary gave. The primary is the
 * registry package with role `primary` in the replica; failing that, the
 * manager that last named itself or another as primary, then the fallbacks.
 */
export class Heartbeater {
  private readonly link: HeartbeatLink;
  private readonly checkPackages: (host: HostRecord) => Promise<PackageHealthReport[]>;
  private timer: Timer | undefined;
  private stopped = false;
  private beating = false;
  /** A health change came while a beat was under way: the next one goes at once. */
  private again = false;
  private intervalMs: number;
  private namedPrimary: string | undefined;
  /**
   * Where the last whole heartbeat was recorded, what it said (its revision
   * aside), when the next is due at the latest, and the relay its reply
   * named for the pulses ("" when they go to the session).
   */
  private recordedAt: { address: string; said: string; confirmBy: number; relay: string } | undefined;
  /** The last relay that failed a pulse, and until when it is not taken. */
  private failedRelay: { address: string; until: number } | undefined;
  /** Where the pulses go now (a relay, or the primary's session), for a line when that changes. */
  private pulsingTo: string | undefined;
  private readonly log: Logger;
  /** The time of the last heartbeat a primary recorded. */
  lastRecorded: number | undefined;

  constructor(private readonly options: HeartbeaterOptions) {
    this.intervalMs = options.intervalMs;
    this.log = options.logger.child({ component: "heartbeat" });
    this.checkPackages = options.checkPackages;
    if (options.link) {
      this.link = options.link;
    } else if (options.send) {
      this.link = callLink(options.send);
    } else {
      const peers = new Peers({ service: replicationService, clock: options.clock, timeoutMs: HEARTBEAT_TIMEOUT_MS, channel: options.channel, channelOptions: options.channelOptions });
      const sessions = new HeartbeatSessions(peers, replicationService, options.clock, HEARTBEAT_TIMEOUT_MS, RELAY_PULSE_TIMEOUT_MS);
      this.link = {
        send: (a, r) => sessions.send(a, r),
        pulse: (a, h, r) => sessions.pulse(a, h, r),
        relayPulse: (a, h, r) => sessions.relayPulse(a, h, r),
        idle: (a) => sessions.idle(a),
        close: () => (sessions.close(), peers.close()),
      };
    }
  }

  start(): void {
    void this.beat();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.link.close();
  }

  /** A heartbeat as soon as the one under way (if any) is done: a package's health changed. */
  beatSoon(): void {
    if (this.stopped || this.beating) {
      this.again = !this.stopped;
      return;
    }
    this.timer?.cancel();
    void this.beat();
  }

  /** One heartbeat now; the next is scheduled when it is done. */
  async beat(): Promise<void> {
    this.beating = true;
    try {
      await this.sendToPrimary();
    } catch (error) {
      this.log.warn({ err: error }, "no registry manager took the heartbeat");
    } finally {
      this.beating = false;
      const delay = this.again ? 0 : this.intervalMs;
      this.again = false;
      if (!this.stopped) this.timer = this.options.clock.setTimeout(() => void this.beat(), delay);
    }
  }

  private async sendToPrimary(): Promise<void> {
    const { hostId, domain, address, replica } = this.options;
    const host = replica.routes.registry.hosts.get(hostId);
    const healths = host ? await this.checkPackages(host) : [];
    const request: HeartbeatRequest = {
      host: hostId,
      epoch: replica.seenEpoch,
      packages: healths.map((h) => ({ type: h.type, health: packageHealthToWire(h.health) })),
      address,
      domain,
      revision: replica.position.revision,
      watching: this.options.watching?.() ?? "",
    };
    const targets = this.targets();
    const now = this.options.clock.now();
    const said = JSON.stringify({ ...request, revision: 0 });
    const recorded = this.recordedAt;
    if (recorded && recorded.said === said && recorded.address === targets[0]) {
      const revision = replica.position.revision;
      // A relay answers every pulse, and only while its reports reach the primary: no confirming whole heartbeat is due.
      const pulsed = recorded.relay ? await this.pulseRelay(recorded.relay, hostId, revision) : now < recorded.confirmBy && this.link.pulse(recorded.address, hostId, revision);
      if (this.stopped) return;
      if (pulsed) {
        this.lastRecorded = now;
        return;
      }
    }
    this.recordedAt = undefined;
    let lastError: unknown;
    for (const target of targets) {
      try {
        if (await this.sendWhole(target, request, said)) return;
        // A backup: it names the primary, which is tried next.
        if (this.namedPrimary && this.namedPrimary !== target && (await this.sendWhole(this.namedPrimary, request, said))) return;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError ?? new Error("no registry manager known");
  }

  /** A whole heartbeat to `target`: true when it was recorded there. */
  private async sendWhole(target: string, request: HeartbeatRequest, said: string): Promise<boolean> {
    const reply = await this.link.send(target, request);
    this.options.replica.sawEpoch(reply.epoch);
    if (reply.interval_ms > 0) this.intervalMs = reply.interval_ms;
    if (!reply.recorded) {
      this.namedPrimary = reply.primary_address || undefined;
      return false;
    }
    const now = this.options.clock.now();
    this.lastRecorded = now;
    const named = reply.relay_address && !(this.failedRelay?.address === reply.relay_address && now < this.failedRelay.until) ? reply.relay_address : "";
    // The primary judges this host by the relay's reports from now: the first pulse goes at once, not an interval
    // later (over a connection yet to be made), and only a relay that took it is pulsed from then on.
    const revision = this.options.replica.position.revision;
    const relay = named && (await this.pulseRelay(named, this.options.hostId, revision)) ? named : "";
    if (this.stopped) return true;
    // A relay that did not take its first pulse took time the host is judged by: the session says it is alive now.
    if (named && !relay) this.link.pulse(target, this.options.hostId, revision);
    const pulsingTo = relay || target;
    if (pulsingTo !== this.pulsingTo) this.log.info({ relay: reply.relay_host || undefined, primary: target }, relay ? `pulses go to relay ${reply.relay_host} at ${relay}` : `pulses go to the primary at ${target}`);
    this.pulsingTo = pulsingTo;
    this.recordedAt = { address: target, said, confirmBy: now + CONFIRM_EVERY_MS, relay };
    // Pulsing a relay, this agent has nothing to say to the primary until something changes: the primary need not keep its connection.
    if (relay) this.link.idle(target);
    return true;
  }

  /**
   * A pulse to `relay`: false when it did not relay it. One that refused
   * the stream or did not answer is not taken again for a while; one that
   * answered it cannot vouch now is, when the primary names it again.
   */
  private async pulseRelay(relay: string, hostId: string, revision: number): Promise<boolean> {
    try {
      if (await this.link.relayPulse(relay, hostId, revision)) return true;
      this.log.info({ relay }, `relay ${relay} cannot vouch for this host now: the heartbeat goes to the primary, whole`);
    } catch (error) {
      this.failedRelay = { address: relay, until: this.options.clock.now() + AVOID_FAILED_RELAY_MS };
      this.log.info({ relay, err: error }, `relay ${relay} did not take the pulse: the heartbeat goes to the primary, whole, and the pulses too for ${AVOID_FAILED_RELAY_MS / 1000} s`);
    }
    return false;
  }

  private targets(): string[] {
    const { replica, hostId } = this.options;
    const primaries: string[] = [];
    try {
      for (const candidate of replica.routes.route(hostId, REGISTRY_TYPE).candidates) {
        const manager = replica.routes.registry.hosts.get(candidate.host);
        if (manager && packageOf(manager, REGISTRY_TYPE)?.role === "primary") primaries.push(candidate.endpoint);
      }
    } catch {
      // Not registered yet: first contact goes to whoever we know.
    }
    const named = this.namedPrimary ? [this.namedPrimary] : [];
    return [...new Set([...primaries, ...named, ...this.options.fallbacks()])];
  }
}
