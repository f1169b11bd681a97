/** A typed client of one registry agent's Agent service (`--agent ADDR`), used by the CLI, the demo, the tests and the benches. */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { systemClock, type Clock } from "../clock.js";
import type { AgentAuthorizeReply__Output } from "../generated/cairn/v1/AgentAuthorizeReply.js";
import type { AgentStatus__Output } from "../generated/cairn/v1/AgentStatus.js";
import type { Route__Output } from "../generated/cairn/v1/Route.js";
import { agentService, type AgentDefinition } from "../wire/proto-loader.js";
import { insecureTransport, type Transport } from "../security/transport.js";
import { connectionReason } from "./connection-reason.js";
import { EndpointList } from "./endpoint-list.js";
import { callUnary, type MethodName, type ReplyOf, type RequestOf } from "./methods.js";
import { isUnimplemented, wrongServer } from "./wrong-server.js";

type AgentMethod = Exclude<MethodName<AgentDefinition>, "WatchRoute">;

/** A registry agent, or the first of several that answers (`--agent A,B`; see EndpointList). */
export class AgentClient {
  private readonly endpoints: EndpointList;
  private readonly secure: boolean;

  constructor(
    /** One address, or several tried in order. */
    addresses: string | readonly string[],
    readonly timeoutMs: number,
    private readonly clock: Clock = systemClock,
    /** How the channel is secured; the server must prove a host/* identity (an agent's). */
    transport: Transport = insecureTransport,
  ) {
    this.secure = transport.identity !== undefined;
    const { credentials, options } = transport.channel({ kind: "host" });
    this.endpoints = new EndpointList(typeof addresses === "string" ? [addresses] : addresses, (address) => new grpc.Client(address, credentials, options));
  }

  /** The agent calls go to first: the one that answered last. */
  get address(): string {
    return this.endpoints.current;
  }

  private get client(): grpc.Client {
    return this.endpoints.channel();
  }

  close(): void {
    this.endpoints.close();
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
    return this.endpoints.call(
      (channel, address) =>
        callUnary(channel, definition, request, { deadline: this.clock.now() + this.timeoutMs }).catch(async (error: unknown) => {
          throw isUnimplemented(error) ? await wrongServer(channel, address, "agent", this.clock.now()) : error;
        }),
      "registry agent",
      (error) => connectionReason(error.details ?? "unavailable", this.secure),
    );
  }
}
