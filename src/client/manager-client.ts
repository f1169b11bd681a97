/**
 * A typed client of one registry manager's Registry service (and its Watch
 * stream): used by the CLI, the demo, the benches and the tests. A write
 * refused by a backup is followed to the primary it names; a manager that
 * cannot be reached is said so in one line.
 */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { systemClock, type Clock } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { ImportChunk } from "../generated/cairn/v1/ImportChunk.js";
import type { MutationReply__Output } from "../generated/cairn/v1/MutationReply.js";
import type { SnapshotChunk__Output } from "../generated/cairn/v1/SnapshotChunk.js";
import { registryService, type RegistryDefinition } from "../wire/proto-loader.js";
import { insecureTransport, type Transport } from "../security/transport.js";
import { failureKind, fromServiceError, isRetryable } from "../wire/status.js";
import { connectionReason } from "./connection-reason.js";
import { EndpointList } from "./endpoint-list.js";
import { callUnary, type MethodName, type ReplyOf, type RequestOf } from "./methods.js";
import { isUnimplemented, notServing, wrongServer } from "./wrong-server.js";

/** Deadline of each unary call, and of the connection before a stream. */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Replies such as the tree of a large registry exceed grpc-js's default 4 MiB. */
const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** The unary methods of cairn.v1.Registry, with their request and reply types. */
export type RegistryUnaryMethod = Exclude<MethodName<RegistryDefinition>, "Export" | "Import">;
export type RegistryRequest<K extends RegistryUnaryMethod> = RequestOf<RegistryDefinition, K>;
export type RegistryReply<K extends RegistryUnaryMethod> = ReplyOf<RegistryDefinition, K>;
/** The admin writes: every one answers a MutationReply. */
export type MutationMethod = {
  [K in RegistryUnaryMethod]: RegistryReply<K> extends MutationReply__Output ? K : never;
}[RegistryUnaryMethod];

/**
 * A channel to a registry manager, or to the first of several that answers
 * (`--manager A,B,C`: a unary call moves on to the next address only when
 * the manager was not reached, see EndpointList). Calls fail fast when
 * nothing listens (grpc-js does not wait for a connection unless asked), and
 * every unary call has the deadline `timeoutMs`; streams check the
 * connection first with `probe()`, which also picks the manager they go to,
 * and then run without one.
 */
export class ManagerClient {
  private readonly endpoints: EndpointList;

  constructor(
    /** One address, or several tried in order. */
    addresses: string | readonly string[],
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
    private readonly clock: Clock = systemClock,
    /** How the channel is secured; the server must prove a manager/* identity. */
    private readonly transport: Transport = insecureTransport,
  ) {
    const { credentials, options } = transport.channel({ kind: "manager" });
    this.endpoints = new EndpointList(typeof addresses === "string" ? [addresses] : addresses, (address) =>
      new grpc.Client(address, credentials, { ...options, "grpc.max_receive_message_length": MAX_REPLY_BYTES }),
    );
  }

  /** The manager calls go to first: the one that answered last. */
  get address(): string {
    return this.endpoints.current;
  }

  /** Every address this client may try, in order. */
  get addresses(): readonly string[] {
    return this.endpoints.addresses;
  }

  /** The channel streams use: the current manager's. */
  private get client(): grpc.Client {
    return this.endpoints.channel();
  }

  close(): void {
    this.endpoints.close();
  }

  /** The same managers, with a longer (or shorter) deadline per call. */
  withTimeout(timeoutMs: number): ManagerClient {
    return timeoutMs === this.timeoutMs ? this : new ManagerClient([this.address, ...this.addresses.filter((a) => a !== this.address)], timeoutMs, this.clock, this.transport);
  }

  /**
   * A unary call. A call for another manager comes back naming it
   * (FAILED_PRECONDITION with a redirect: a write sent to a backup, a
   * promotion of another host); it is sent there once, by itself, with this
   * client's identity (SPEC 7: the admin CLI follows a backup to the primary).
   */
  async call<K extends RegistryUnaryMethod>(method: K, request: RegistryRequest<K>): Promise<RegistryReply<K>> {
    try {
      return await this.callHere(method, request);
    } catch (error) {
      const redirect = failureKind(error) === "redirect" ? (error as CairnError).redirect : undefined;
      if (!redirect || redirect === this.address) throw error;
      const primary = new ManagerClient(redirect, this.timeoutMs, this.clock, this.transport);
      try {
        return await primary.callHere(method, request);
      } catch (failure) {
        throw (failure as CairnError).code === Code.UNAVAILABLE ? await this.deadPrimary(redirect, failure as CairnError) : failure;
      } finally {
        primary.close();
      }
    }
  }

  /**
   * The primary a backup named for a write was not reached: an address the
   * user never typed, so the error says who named it and what to do (promote
   * a backup, or wait for the election when a coordinator runs one).
   */
  private async deadPrimary(primaryAddress: string, failure: CairnError): Promise<CairnError> {
    const status = await this.callHere("GetStatus", {}).catch(() => undefined);
    const reason = failure.message.replace(/^no registry manager answers at \S+?: /, "");
    const primary = status?.primary_host ? `${status.primary_host} at ${primaryAddress}` : primaryAddress;
    const namer = status ? `${status.host} at ${this.address}` : this.address;
    const next = status?.coordinator
      ? `an election is under way (--coordinator ${status.coordinator.endpoints}): retry once a new primary holds the lease`
      : `if it is down, promote a backup: cairn promote-manager ${status?.host || "HOST"} --manager ${this.address}`;
    return new CairnError(Code.UNAVAILABLE, `the primary ${primary}, named by ${namer}, does not answer (${reason}); ${next}`);
  }

  private callHere<K extends RegistryUnaryMethod>(method: K, request: RegistryRequest<K>): Promise<RegistryReply<K>> {
    // The definition of `method` has exactly these types; TypeScript cannot narrow the union by K.
    const definition = registryService[method] as unknown as MethodDefinition<RegistryRequest<K>, unknown, unknown, RegistryReply<K>>;
    return this.endpoints.call(
      (channel, address) =>
        callUnary(channel, definition, request, { deadline: this.clock.now() + this.timeoutMs }).catch(async (error: unknown) => {
          throw isUnimplemented(error) ? await wrongServer(channel, address, "manager", this.clock.now()) : error;
        }),
      "registry manager",
      (error) => this.unreachedReason(error),
    );
  }

  /** Checks that the manager answers (a GetStatus), before a stream that has no deadline. */
  probe(): Promise<RegistryReply<"GetStatus">> {
    return this.call("GetStatus", {});
  }

  /** Every chunk of one consistent snapshot of the registry. */
  async exportChunks(): Promise<SnapshotChunk__Output[]> {
    const definition = registryService.Export;
    const stream = this.client.makeServerStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      {},
    );
    const chunks: SnapshotChunk__Output[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as SnapshotChunk__Output);
    } catch (error) {
      throw this.failure(error);
    }
    return chunks;
  }

  /**
   * Streams an import. `send` writes the chunks (honouring backpressure
   * through the returned `write`); the reply comes once the server has
   * applied (or refused) the whole file.
   */
  importStream(send: (write: (chunk: ImportChunk) => Promise<void>) => Promise<void>): Promise<MutationReply__Output> {
    const definition = registryService.Import;
    return new Promise((resolve, reject) => {
      // Set once the server has answered: an early refusal (a bad size) stops the sending.
      let answered = false;
      let onAnswer = () => {};
      const answer = new Promise<void>((done) => (onAnswer = done));
      const call = this.client.makeClientStreamRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        {},
        (error, reply) => {
          answered = true;
          onAnswer();
          if (error) reject(this.failure(error));
          else resolve(reply as MutationReply__Output);
        },
      );
      const write = async (chunk: ImportChunk) => {
        if (answered) throw new CairnError(Code.ABORTED, "the manager answered before the import was sent");
        if (!call.write(chunk)) await Promise.race([new Promise((done) => call.once("drain", done)), answer]);
      };
      send(write).then(
        () => call.end(),
        (error) => {
          // After an answer the promise is settled already; otherwise the local failure (a read error) is the one to report.
          call.cancel();
          reject(error);
        },
      );
    });
  }

  /**
   * A failure to reach the manager at all (refused, unresolvable, no answer
   * before the deadline while still connecting) says so in one line; any
   * other error is the server's answer, mapped with its problem lines.
   */
  private failure(error: unknown): CairnError {
    const status = error as Partial<grpc.ServiceError>;
    const connected = this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
    if (!connected && isRetryable(status)) {
      return new CairnError(Code.UNAVAILABLE, `no registry manager answers at ${this.address}: ${this.unreachedReason(status)}`);
    }
    if (isUnimplemented(status)) return notServing(this.address, "manager");
    return fromServiceError(error);
  }

  /** Why a manager was not reached, in words. */
  private unreachedReason(status: Partial<grpc.ServiceError>): string {
    return status.code === Code.DEADLINE_EXCEEDED
      ? `no answer within ${formatSeconds(this.timeoutMs)}`
      : connectionReason(status.details ?? "unavailable", this.transport.identity !== undefined);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
