import type * as grpc from "@grpc/grpc-js";
import type { Clock, Timer } from "../clock.js";
import { CairnError, Code, unavailable } from "../errors.js";
import { fromServiceError } from "../wire/status.js";

/** A bidi method as the proto-loader definitions give it. */
export interface BidiMethod<Request, Reply> {
  path: string;
  requestSerialize: (value: Request) => Buffer;
  responseDeserialize: (bytes: Buffer) => Reply;
}

interface Waiting<Reply> {
  resolve(reply: Reply): void;
  reject(error: CairnError): void;
  timer: Timer;
}

/**
 * One open bidi stream on which some requests are asked and answered in
 * order (a heartbeat session's whole heartbeats, a relay's pulses), and
 * others only written. An answer must come within `timeoutMs` of the clock,
 * or the stream is given up. `onReply` sees every reply (answering or not)
 * and says whether the stream ends with it.
 */
export class AnsweredStream<Request, Reply> {
  closed = false;
  private readonly stream: grpc.ClientDuplexStream<Request, Reply>;
  private readonly waiting: Waiting<Reply>[] = [];

  constructor(
    readonly address: string,
    client: grpc.Client,
    method: BidiMethod<Request, Reply>,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** What a reply means; true ends the stream after it. */
    onReply: (reply: Reply) => boolean,
    private readonly what: string,
  ) {
    this.stream = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
    this.stream.on("data", (reply: Reply) => {
      const waiting = this.waiting.shift();
      if (waiting) {
        waiting.timer.cancel();
        waiting.resolve(reply);
      }
      if (onReply(reply)) this.close();
    });
    this.stream.on("error", (error) => this.fail(fromServiceError(error)));
    this.stream.on("end", () => this.fail(unavailable(`the ${what} with ${address} ended`)));
  }

  ask(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.fail(new CairnError(Code.DEADLINE_EXCEEDED, `no answer in the ${this.what} with ${this.address} within ${this.timeoutMs} ms`));
        this.stream.cancel();
      }, this.timeoutMs);
      this.waiting.push({ resolve, reject, timer });
      this.write(request);
    });
  }

  write(request: Request): void {
    if (!this.closed) this.stream.write(request);
  }

  close(): void {
    if (this.closed) return;
    this.fail(unavailable(`the ${this.what} with ${this.address} was closed`));
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
