import type * as grpc from "@grpc/grpc-js";
import type { Clock, Timer } from "../clock.js";
import { CairnError, Code, unavailable } from "../errors.js";
import type { HeartbeatReply__Output } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { ReplicationDefinition } from "../wire/proto-loader.js";
import { fromServiceError } from "../wire/status.js";
import type { Peers } from "./peers.js";

/** How an agent's heartbeats reach registry managers. */
export interface HeartbeatLink {
  /** A whole heartbeat to the manager at `address`, and its reply; rejects when it did not answer in time. */
  send(address: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output>;
  /** A pulse on the session open at `address`: false, and nothing sent, when none is open there. */
  pulse(address: string, host: string, revision: number): boolean;
  close(): void;
}

/** A link of Heartbeat calls only (no session, so no pulse): how `send` is used for a manager without sessions. */
export function callLink(send: (address: string, request: HeartbeatRequest) => Promise<HeartbeatReply__Output>): HeartbeatLink {
  return { send, pulse: () => false, close: () => {} };
}

/**
 * Heartbeats in a Replication.Session (SPEC 16), one session at a time: a
 * whole heartbeat to another manager closes the session it replaces. A
 * manager that does not know sessions (UNIMPLEMENTED) gets Heartbeat calls
 * from then on. A whole heartbeat must be answered within `timeoutMs` of
 * the clock, or its session is given up.
 */
export class HeartbeatSessions implements HeartbeatLink {
  private session: Session | undefined;
  private readonly callsOnly = new Set<string>();

  constructor(
    private readonly peers: Peers<ReplicationDefinition>,
    private readonly method: ReplicationDefinition["Session"],
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  async send(address: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    if (this.callsOnly.has(address)) return this.peers.call(address, "Heartbeat", request, this.timeoutMs);
    if (this.session?.address !== address || this.session.closed) {
      this.session?.close();
      this.session = new Session(address, this.peers.channel(address), this.method, this.clock, this.timeoutMs);
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

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}

interface Waiting {
  resolve(reply: HeartbeatReply__Output): void;
  reject(error: CairnError): void;
  timer: Timer;
}

/** One open Session stream: replies are matched to whole heartbeats in order. */
class Session {
  closed = false;
  private readonly stream: grpc.ClientDuplexStream<HeartbeatRequest, HeartbeatReply__Output>;
  private readonly waiting: Waiting[] = [];

  constructor(
    readonly address: string,
    client: grpc.Client,
    method: ReplicationDefinition["Session"],
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.stream = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
    this.stream.on("data", (reply: HeartbeatReply__Output) => {
      const waiting = this.waiting.shift();
      if (waiting) {
        waiting.timer.cancel();
        waiting.resolve(reply);
      }
      // Unasked, a reply says this manager is no primary: the next beat sends a whole heartbeat.
      if (!reply.recorded) this.close();
    });
    this.stream.on("error", (error) => this.fail(fromServiceError(error)));
    this.stream.on("end", () => this.fail(unavailable(`the heartbeat session with ${address} ended`)));
  }

  ask(request: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.fail(new CairnError(Code.DEADLINE_EXCEEDED, `no answer to a heartbeat from ${this.address} within ${this.timeoutMs} ms`));
        this.stream.cancel();
      }, this.timeoutMs);
      this.waiting.push({ resolve, reject, timer });
      this.write(request);
    });
  }

  write(request: HeartbeatRequest): void {
    if (!this.closed) this.stream.write(request);
  }

  close(): void {
    if (this.closed) return;
    this.fail(unavailable(`the heartbeat session with ${this.address} was closed`));
    this.stream.end();
  }

  private fail(error: CairnError): void {
    this.closed = true;
    for (const waiting of this.waiting.splice(0)) {
      waiting.timer.cancel();
      waiting.reject(error);
    }
  }
}
