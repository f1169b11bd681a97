import * as grpc from "@grpc/grpc-js";
import { CairnError, Code } from "../errors.js";
import type { AgentAuthorizeReply__Output } from "../generated/cairn/v1/AgentAuthorizeReply.js";
import type { AgentStatus__Output } from "../generated/cairn/v1/AgentStatus.js";
import type { Route__Output } from "../generated/cairn/v1/Route.js";
import { v1, type AgentClient as WireAgentClient } from "../wire/proto-loader.js";
import { fromServiceError } from "../wire/status.js";

/** The CLI's way to a registry agent (`--agent ADDR`): promisified calls with a deadline. */
export class AgentClient {
  private readonly client: WireAgentClient;

  constructor(
    readonly address: string,
    readonly timeoutMs: number,
  ) {
    this.client = new v1.Agent(address, grpc.credentials.createInsecure());
  }

  close(): void {
    this.client.close();
  }

  resolve(from: string, type: string): Promise<Route__Output> {
    return this.unary((callback) => this.client.Resolve({ from, type, explain: true }, this.options(), callback));
  }

  authorize(user: string, command: string): Promise<AgentAuthorizeReply__Output> {
    return this.unary((callback) => this.client.Authorize({ user, command }, this.options(), callback));
  }

  status(): Promise<AgentStatus__Output> {
    return this.unary((callback) => this.client.Status({}, this.options(), callback));
  }

  private options(): grpc.CallOptions {
    return { deadline: Date.now() + this.timeoutMs };
  }

  private unary<R>(start: (callback: (error: grpc.ServiceError | null, reply?: R) => void) => void): Promise<R> {
    return new Promise((resolve, reject) =>
      start((error, reply) => (error ? reject(this.failure(error)) : resolve(reply!))),
    );
  }

  private failure(error: grpc.ServiceError): CairnError {
    const connected = this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
    if (!connected && (error.code === Code.UNAVAILABLE || error.code === Code.DEADLINE_EXCEEDED)) {
      return new CairnError(Code.UNAVAILABLE, `no registry agent answers at ${this.address}: ${error.details}`);
    }
    return fromServiceError(error);
  }
}
