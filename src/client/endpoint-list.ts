/**
 * Several addresses of interchangeable servers (`--manager A,B,C`), tried in
 * order: a call goes to the one that answered last, and moves on to the next
 * only when the server was not reached at all (SPEC 15). Whether a failure is
 * of that kind is the one retry table's answer (`isRetryable`) for a channel
 * that never got connected: an error the server sent back is its answer, and
 * a write that may have reached it is never sent twice.
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
  async call<T>(attempt: (channel: grpc.Client, address: string) => Promise<T>, what: string, reason: (error: grpc.ServiceError, address: string) => string): Promise<T> {
    const reasons: string[] = [];
    for (let step = 0; step < this.addresses.length; step++) {
      const index = (this.index + step) % this.addresses.length;
      const address = this.addresses[index]!;
      const channel = this.channel(address);
      try {
        const result = await attempt(channel, address);
        this.index = index;
        return result;
      } catch (error) {
        if (!unreached(channel, error)) throw fromServiceError(error);
        reasons.push(`${step === 0 ? "" : "nor "}at ${address}: ${reason(error as grpc.ServiceError, address)}`);
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
 * A failure before the server could answer: refused, unresolvable, or no
 * answer before the deadline while the channel was still connecting.
 */
export function unreached(channel: grpc.Client, error: unknown): boolean {
  const connected = channel.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
  return !connected && isRetryable(error);
}
