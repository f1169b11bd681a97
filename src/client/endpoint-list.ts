/**
 * Several addresses of interchangeable servers (`--manager A,B,C`), tried in
 * order: a call goes to the one that answered last, and moves on to the next
 * only when the server was not reached at all (SPEC 15): the one retry
 * table's answer (`isRetryable`) for a channel that was never connected
 * while the attempt lasted. A channel that was connected at any moment may
 * have carried the request (a connection that drops mid-call leaves the
 * channel idle before the call fails), so an error then is final, and a
 * write that may have reached a server is never sent twice.
 */
import * as grpc from "@grpc/grpc-js";
import { CairnError, Code } from "../errors.js";
import { fromServiceError, isRetryable } from "../wire/status.js";

export class EndpointList {
  /** One channel per address, opened on first use; closed together. */
  private readonly channels = new Map<string, grpc.Client>();
  /** Index into `addresses` of the server calls go to first: the one that answered last. */
  private index = 0;

  constructor(
    readonly addresses: readonly string[],
    private readonly open: (address: string) => grpc.Client,
  ) {
    if (addresses.length === 0) throw new CairnError(Code.INVALID_ARGUMENT, "no server address given");
  }

  /** The address calls go to first. */
  get current(): string {
    return this.addresses[this.index]!;
  }

  /** The channel to `address` (by default the current one). */
  channel(address: string = this.current): grpc.Client {
    let channel = this.channels.get(address);
    if (!channel) {
      channel = this.open(address);
      this.channels.set(address, channel);
    }
    return channel;
  }

  /**
   * Runs `attempt` on the current server, then on each next one while the
   * failure is that the server could not be reached; the one that answers
   * becomes the current one. `reason` words a connection-level failure for
   * the error line; when every server fails so, the line names each.
   */
  async call<T>(
    attempt: (channel: grpc.Client, address: string) => Promise<T>,
    what: string,
    reason: (error: grpc.ServiceError, address: string) => string,
  ): Promise<T> {
    const reasons: string[] = [];
    for (let step = 0; step < this.addresses.length; step++) {
      const index = (this.index + step) % this.addresses.length;
      const address = this.addresses[index]!;
      const channel = this.channel(address);
      const connection = watchConnected(channel);
      try {
        const result = await attempt(channel, address);
        this.index = index;
        return result;
      } catch (error) {
        if (connection.wasConnected() || !isRetryable(error)) throw fromServiceError(error);
        reasons.push(`${step === 0 ? "" : "nor "}at ${address}: ${reason(error as grpc.ServiceError, address)}`);
      } finally {
        connection.stop();
      }
    }
    throw new CairnError(Code.UNAVAILABLE, `no ${what} answers ${reasons.join("; ")}`);
  }

  close(): void {
    for (const channel of this.channels.values()) channel.close();
    this.channels.clear();
  }
}

/**
 * Whether `channel` is connected now or gets connected before `stop`: grpc-js
 * calls state watchers synchronously at each change, so no READY in between
 * is missed.
 */
export function watchConnected(channel: grpc.Client): { wasConnected(): boolean; stop(): void } {
  const inner = channel.getChannel();
  let connected = false;
  let stopped = false;
  const follow = (state: grpc.connectivityState) => {
    if (state === grpc.connectivityState.READY) connected = true;
    if (connected || stopped || state === grpc.connectivityState.SHUTDOWN) return;
    // No deadline (no timer): the watcher is dropped at the next change, and `stop` ignores what follows.
    inner.watchConnectivityState(state, Infinity, () => follow(inner.getConnectivityState(false)));
  };
  follow(inner.getConnectivityState(false));
  return {
    wasConnected: () => connected,
    stop: () => void (stopped = true),
  };
}
