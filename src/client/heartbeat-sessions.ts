import { CairnError, Code } from "../errors.js";
import type { HeartbeatReply__Output } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Pulse } from "../generated/cairn/v1/Pulse.js";
import type { PulseAnswer__Output } from "../generated/cairn/v1/PulseAnswer.js";
import type { Clock } from "../clock.js";
import type { ReplicationDefinition } from "../wire/proto-loader.js";
import { AnsweredStream } from "./answered-stream.js";
import type { Peers } from "./peers.js";

/** How an agent's heartbeats reach registry managers. */
export interface HeartbeatLink {
  /** A whole heartbeat to the manager at `address`, and its reply; rejects when it did not answer in time. */
  send(address: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output>;
  /** A pulse on the session open at `address`: false, and nothing sent, when none is open there. */
  pulse(address: string, host: string, revision: number): boolean;
  /** A pulse to the relay at `address` (SPEC 16): whether it relayed it; rejects when it refused the stream or did not answer in time. */
  relayPulse(address: string, host: string, revision: number): Promise<boolean>;
  /** Nothing goes to `address` for now (its pulses go to a relay): its session and connection may go. */
  idle(address: string): void;
  close(): void;
}

/** A link of Heartbeat calls only (no session, so no pulse, and no relay): how `send` is used for a manager without sessions. */
export function callLink(send: (address: string, request: HeartbeatRequest) => Promise<HeartbeatReply__Output>): HeartbeatLink {
  return { send, pulse: () => false, relayPulse: async () => false, idle: () => {}, close: () => {} };
}

/**
 * Heartbeats in a Replication.Session (SPEC 16), one session at a time: a
 * whole heartbeat to another manager closes the session it replaces. A
 * manager that does not know sessions (UNIMPLEMENTED) gets Heartbeat calls
 * from then on. A whole heartbeat must be answered within `timeoutMs` of
 * the clock, or its session is given up; so must a pulse to a relay, on its
 * Replication.Pulses stream (one at a time too), within `relayTimeoutMs`.
 */
export class HeartbeatSessions implements HeartbeatLink {
  private session: AnsweredStream<HeartbeatRequest, HeartbeatReply__Output> | undefined;
  private relay: AnsweredStream<Pulse, PulseAnswer__Output> | undefined;
  private readonly callsOnly = new Set<string>();

  constructor(
    private readonly peers: Peers<ReplicationDefinition>,
    private readonly methods: Pick<ReplicationDefinition, "Session" | "Pulses">,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** A relay answers a pulse at once: one that takes longer leaves the agent too little of --down-after to go to the primary. */
    private readonly relayTimeoutMs = timeoutMs,
  ) {}

  async send(address: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    if (this.callsOnly.has(address)) return this.peers.call(address, "Heartbeat", request, this.timeoutMs);
    if (this.session?.address !== address || this.session.closed) {
      this.session?.close();
      // Unasked, a reply says this manager is no primary: the next beat sends a whole heartbeat.
      this.session = new AnsweredStream(address, this.peers.channel(address), this.methods.Session, this.clock, this.timeoutMs, (reply) => !reply.recorded, "heartbeat session");
    }
    try {
      return await this.session.ask(request);
    } catch (error) {
      if (!(error instanceof CairnError && error.code === Code.UNIMPLEMENTED)) throw error;
      this.callsOnly.add(address);
      return this.peers.call(address, "Heartbeat", request, this.timeoutMs);
    }
  }

  pulse(address: string, host: string, revision: number): boolean {
    const session = this.session;
    if (!session || session.closed || session.address !== address) return false;
    session.write({ host, revision, pulse: true });
    return true;
  }

  async relayPulse(address: string, host: string, revision: number): Promise<boolean> {
    if (this.relay?.address !== address || this.relay.closed) {
      this.relay?.close();
      this.relay = new AnsweredStream(address, this.peers.channel(address), this.methods.Pulses, this.clock, this.relayTimeoutMs, () => false, "relay");
    }
    try {
      return (await this.relay.ask({ host, revision })).relayed;
    } catch (error) {
      // A relay that refused or went silent is given up, and its channel with it (it may sit in backoff).
      this.relay.close();
      this.peers.drop(address);
      throw error;
    }
  }

  idle(address: string): void {
    if (this.session?.address === address) {
      this.session.close();
      this.session = undefined;
    }
    if (this.relay?.address !== address) this.peers.drop(address);
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
    this.relay?.close();
    this.relay = undefined;
  }
}
