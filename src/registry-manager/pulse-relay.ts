import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { failedPrecondition } from "../errors.js";
import type { Pulse__Output } from "../generated/cairn/v1/Pulse.js";
import type { PulseAnswer } from "../generated/cairn/v1/PulseAnswer.js";
import type { RelayedPulse } from "../generated/cairn/v1/RelayedPulse.js";
import { toServiceError } from "../wire/status.js";
import { RELAY_REPORT_MS, RELAY_SILENT_MS } from "./defaults.js";
import type { ManagerControl } from "./manager-control.js";
import type { ManagerPeers } from "./peers.js";

/** How long a host the primary named back is remembered without a pulse: several of its pulse intervals. */
const WHOLE_KEPT_MS = 10_000;

/** The last pulse of a host since the last report. */
interface Taken {
  at: number;
  revision: number;
}

/**
 * A backup's relay of its agents' pulses (--relay-heartbeats, SPEC 16):
 * pulses come on Replication.Pulses, each one answered, and go to the
 * primary in one Relay report every `everyMs`, each with its age, so that
 * the primary counts it as heard when it came. The primary names this relay
 * to the agents nearest it; with 20,000 agents, its own cost is then a
 * report per relay and not a message per agent.
 *
 * A relay vouches only while it is a backup whose last report reached a
 * primary within RELAY_SILENT_MS: otherwise, and for a host the primary asked
 * to hear in whole, it answers `relayed` false, and the agent sends its
 * heartbeat, whole, to the primary in the same beat. A relay that hangs
 * answers nothing, which the agent takes the same way, and passes it over
 * for a while.
 */
export class PulseRelay {
  private taken = new Map<string, Taken>();
  /**
   * Hosts whose next pulse is answered `relayed` false: the primary wants
   * their whole heartbeat. Kept until that pulse comes, over the reports
   * between (an agent pulses every two seconds, a relay reports every 250 ms).
   */
  private whole = new Map<string, number>();
  /** Clock time of the last report a primary recorded. */
  private reportedAt: number | undefined;
  private timer: Timer | undefined;
  /** Set by stop: a report still on its way schedules no next one. */
  private stopped = false;
  /** The last report's failure, logged once until a report goes through again. */
  private failure: string | undefined;

  constructor(
    private readonly manager: ManagerControl,
    private readonly peers: Pick<ManagerPeers, "relay">,
    /** The epoch this manager is in, for fencing. */
    private readonly epoch: () => number,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly everyMs = RELAY_REPORT_MS,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer ??= this.clock.setTimeout(() => void this.report(), this.everyMs);
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Whether a pulse of `host` now is relayed. */
  vouches(host: string, now: number): boolean {
    if (this.stopped || this.manager.role() !== "backup" || this.reportedAt === undefined || now - this.reportedAt >= RELAY_SILENT_MS) return false;
    return !this.whole.has(host);
  }

  /** Replication.Pulses: every pulse is answered, in order. */
  readonly handle: grpc.handleBidiStreamingCall<Pulse__Output, PulseAnswer> = (call) => {
    call.on("data", (pulse: Pulse__Output) => {
      const now = this.clock.now();
      const relayed = this.vouches(pulse.host, now);
      if (relayed) this.take(pulse.host, now, pulse.revision);
      else this.whole.delete(pulse.host);
      call.write({ relayed });
    });
    call.on("end", () => call.end());
    // Cancelled, or the connection is gone: the host's last pulse is all that counts for it.
    call.on("error", () => {});
  };

  private take(host: string, at: number, revision: number): void {
    const known = this.taken.get(host);
    if (known) {
      known.at = at;
      known.revision = revision;
    } else {
      this.taken.set(host, { at, revision });
    }
  }

  private async report(): Promise<void> {
    this.timer = undefined;
    // Timers run before the event loop reads its sockets: after a stall, the pulses that came meanwhile are
    // still unread when this one fires. The report leaves once they are read (an immediate runs after the
    // turn's I/O), or the primary would find their hosts silent.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.stopped) return;
    const primary = this.manager.primary();
    if (this.manager.role() === "backup" && primary.address) {
      const taken = this.taken;
      this.taken = new Map();
      // Sent now: a report answered late vouches from when it left, not from its answer.
      const now = this.clock.now();
      const pulses: RelayedPulse[] = [];
      for (const [host, { at, revision }] of taken) pulses.push({ host, age_ms: Math.max(0, now - at), revision });
      try {
        const reply = await this.peers.relay(primary.address, { host: this.manager.hostId, epoch: this.epoch(), pulses }, RELAY_SILENT_MS);
        this.manager.learnedEpoch(reply.epoch, reply.primary_address ? { host: reply.primary_host, address: reply.primary_address } : undefined);
        if (!reply.recorded) throw failedPrecondition(`${primary.host || primary.address} is no primary`);
        this.reportedAt = now;
        for (const host of reply.whole) this.whole.set(host, now);
        // A host that has not pulsed here since it was named back has gone (or moved): it is not kept for ever.
        for (const [host, since] of this.whole) if (now - since > WHOLE_KEPT_MS) this.whole.delete(host);
        if (this.failure !== undefined) this.log.info({ primary: primary.address }, "relayed pulses reach the primary again");
        this.failure = undefined;
      } catch (error) {
        // Not delivered: the pulses go in the next report, or the primary would miss the last one of a host.
        for (const [host, pulse] of taken) if (!this.taken.has(host)) this.taken.set(host, pulse);
        const why = error instanceof Error ? error.message : String(error);
        if (why !== this.failure) this.log.warn({ primary: primary.address, err: error }, "relayed pulses did not reach the primary: the agents here are told to heartbeat it themselves");
        this.failure = why;
      }
    }
    if (!this.stopped) this.timer ??= this.clock.setTimeout(() => void this.report(), this.everyMs);
  }
}

/**
 * Replication.Pulses on a manager that relays none: the first pulse ends
 * the stream, and its agent goes to the primary. At the first pulse, not at
 * once: a caller the table refuses is told that first.
 */
export const refusePulses: grpc.handleBidiStreamingCall<Pulse__Output, PulseAnswer> = (call) => {
  call.on("error", () => {});
  call.once("data", () => call.emit("error", toServiceError(failedPrecondition("this registry manager relays no pulses (it runs without --relay-heartbeats)"))));
};
