/** A typed client of one registry agent's Agent service (`--agent ADDR`), used by the CLI, the demo, the tests and the benches. */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { systemClock, type Clock } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { AgentAuthorizeReply__Output } from "../generated/cairn/v1/AgentAuthorizeReply.js";
import type { AgentStatus__Output } from "../generated/cairn/v1/AgentStatus.js";
import type { Route__Output } from "../generated/cairn/v1/Route.js";
import { agentService, type AgentDefinition } from "../wire/proto-loader.js";
import { insecureTransport, type Transport } from "../security/transport.js";
import { fromServiceError, isRetryable } from "../wire/status.js";
import { connectionReason } from "./connection-reason.js";
import { callUnary, type MethodName, type ReplyOf, type RequestOf } from "./methods.js";

type AgentMethod = Exclude<MethodName<AgentDefinition>, "WatchRoute">;

export class AgentClient {
  private readonly client: grpc.Client;
  private readonly secure: boolean;

  constructor(
    readonly address: string,
    readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
    /** How the channel is secured; the server must prove a host/* identity (an agent's). */
    transport: Transport = insecureTransport,
  ) {
    this.secure = transport.identity !== undefined;
    const { credentials, options } = transport.channel({ kind: "host" });
    this.client = new grpc.Client(address, credentials, options);
  }

  close(): void {
    this.client.close();
  }

  resolve(from: string, type: string): Promise<Route__Output> {
    return this.call("Resolve", { from, type, explain: true });
  }

  authorize(user: string, command: string): Promise<AgentAuthorizeReply__Output> {
    return this.call("Authorize", { user, command });
  }

  status(): Promise<AgentStatus__Output> {
    return this.call("Status", {});
  }

  /** The route now, then each time it changes (a registry change or an ejection), until cancelled. No deadline. */
  watchRoute(from: string, type: string, explain = true): grpc.ClientReadableStream<Route__Output> {
    const { path, requestSerialize, responseDeserialize } = agentService.WatchRoute;
    return this.client.makeServerStreamRequest(path, requestSerialize, responseDeserialize, { from, type, explain });
  }

  private call<K extends AgentMethod>(method: K, request: RequestOf<AgentDefinition, K>): Promise<ReplyOf<AgentDefinition, K>> {
    // The definition of `method` has exactly these types; TypeScript cannot narrow the union by K.
    const definition = agentService[method] as unknown as MethodDefinition<RequestOf<AgentDefinition, K>, unknown, unknown, ReplyOf<AgentDefinition, K>>;
    return callUnary(this.client, definition, request, { deadline: this.clock.now() + this.timeoutMs }).catch((error: unknown) => {
      throw this.failure(error as grpc.ServiceError);
    });
  }

  private failure(error: grpc.ServiceError): CairnError {
    const connected = this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
    if (!connected && isRetryable(error)) {
      return new CairnError(Code.UNAVAILABLE, `no registry agent answers at ${this.address}: ${connectionReason(error.details ?? "unavailable", this.secure)}`);
    }
    return fromServiceError(error);
  }
}
