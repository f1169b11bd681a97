/**
 * How one process calls others of its kind: a channel per address, kept
 * and reused, and typed unary calls whose deadline comes from the injected
 * clock. A failure is a CairnError carrying the server's code, problem lines
 * and redirect, so the caller can ask `failureKind` what to do next.
 */
import * as grpc from "@grpc/grpc-js";
import type { Clock } from "../clock.js";
import { insecureTransport, type ChannelSettings } from "../security/transport.js";
import { fromServiceError } from "../wire/status.js";
import { callUnary, type MethodName, type ReplyOf, type RequestOf } from "./methods.js";

export interface PeersOptions<D extends grpc.ServiceDefinition> {
  /** The service every peer serves (e.g. `replicationService`). */
  service: D;
  clock: Clock;
  /** Deadline of a call that names none. */
  timeoutMs: number;
  /** How the channels are secured and who the peers must be (default: insecure). */
  channel?: ChannelSettings;
  /** More channel options (beside the channel settings' own). */
  channelOptions?: grpc.ChannelOptions;
}

export class Peers<D extends grpc.ServiceDefinition> {
  private readonly channels = new Map<string, grpc.Client>();

  constructor(private readonly options: PeersOptions<D>) {}

  /** Calls `method` on the peer at `address`; the deadline is `timeoutMs` from the clock's now. */
  call<K extends MethodName<D>>(address: string, method: K, request: RequestOf<D, K>, timeoutMs = this.options.timeoutMs): Promise<ReplyOf<D, K>> {
    const definition = this.options.service[method] as unknown as Parameters<typeof callUnary<RequestOf<D, K>, ReplyOf<D, K>>>[1];
    const deadline = this.options.clock.now() + timeoutMs;
    return callUnary(this.channel(address), definition, request, { deadline }).catch((error: unknown) => {
      throw fromServiceError(error);
    });
  }

  /**
   * Forgets the channel to `address`: the next call opens a new one. A
   * channel that failed sits in grpc-js's reconnect backoff and would fail a
   * call at once even when the peer is back.
   */
  drop(address: string): void {
    this.channels.get(address)?.close();
    this.channels.delete(address);
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }

  /** The kept channel to `address` (opened now when there is none), for a call that is no unary one. */
  channel(address: string): grpc.Client {
    let channel = this.channels.get(address);
    if (!channel) {
      const settings = this.options.channel ?? insecureTransport.channel({ kind: "manager" });
      channel = new grpc.Client(address, settings.credentials, { ...settings.options, ...this.options.channelOptions });
      this.channels.set(address, channel);
    }
    return channel;
  }
}
