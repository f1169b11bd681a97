/**
 * How every admin command reaches a registry manager: the address (from
 * `--manager` or CAIRN_MANAGER), one channel, typed calls with a deadline,
 * the one error mapping (`fromServiceError`, which keeps the server's problem
 * lines), and the declarations and action wrapper the command files share.
 */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import type { Command } from "commander";
import { CairnError, Code } from "../errors.js";
import type { ImportChunk } from "../generated/cairn/v1/ImportChunk.js";
import type { MutationReply__Output } from "../generated/cairn/v1/MutationReply.js";
import type { SnapshotChunk__Output } from "../generated/cairn/v1/SnapshotChunk.js";
import type { WatchEvent__Output } from "../generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../generated/cairn/v1/WatchRequest.js";
import { registryService, replicationService, type RegistryDefinition } from "../wire/proto-loader.js";
import { fromServiceError } from "../wire/status.js";
import { parseCount, parseDuration } from "./durations.js";
import type { Output } from "./output.js";

export const MANAGER_ENV = "CAIRN_MANAGER";
/** Deadline of each unary call, and of the connection before a stream. */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** Replies such as the tree of a large registry exceed grpc-js's default 4 MiB. */
const MAX_REPLY_BYTES = 256 * 1024 * 1024;

/** Options every command that talks to a manager takes. */
export interface ManagerOptions {
  manager?: string;
  /** Milliseconds. */
  timeout: number;
  json?: boolean;
}

export interface MutationOptions extends ManagerOptions {
  expectedRevision?: number;
}

// ---- typed methods of cairn.v1.Registry ----

/** The method names of a service definition, without its index signature. */
type MethodName<D> = keyof { [K in keyof D as string extends K ? never : K]: D[K] };
type RegistryMethod = MethodName<RegistryDefinition>;
export type UnaryMethod = Exclude<RegistryMethod, "Export" | "Import">;
export type RequestOf<K extends RegistryMethod> =
  RegistryDefinition[K] extends MethodDefinition<infer Req, infer _Res, infer _ReqOut, infer _ResOut> ? Req : never;
export type ReplyOf<K extends RegistryMethod> =
  RegistryDefinition[K] extends MethodDefinition<infer _Req, infer _Res, infer _ReqOut, infer ResOut> ? ResOut : never;
/** The admin writes: every one answers a MutationReply. */
export type MutationMethod = { [K in UnaryMethod]: ReplyOf<K> extends MutationReply__Output ? K : never }[UnaryMethod];

/** The address to reach: `--manager`, else CAIRN_MANAGER, else an error (exit 1). */
export function managerAddress(options: { manager?: string }): string {
  const address = options.manager || process.env[MANAGER_ENV];
  if (!address) throw new CairnError(Code.FAILED_PRECONDITION, `no registry manager: pass --manager ADDR or set ${MANAGER_ENV}`);
  return address;
}

/**
 * One channel to one registry manager. Calls fail fast when nothing listens
 * (grpc-js does not wait for a connection unless asked), and every unary
 * call has the deadline `timeoutMs`; streams check the connection first with
 * `probe()` and then run without one.
 */
export class ManagerClient {
  private readonly client: grpc.Client;

  constructor(
    readonly address: string,
    readonly timeoutMs: number = DEFAULT_TIMEOUT_MS,
  ) {
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": MAX_REPLY_BYTES,
    });
  }

  close(): void {
    this.client.close();
  }

  /** The same manager, with a longer (or shorter) deadline per call. */
  withTimeout(timeoutMs: number): ManagerClient {
    return timeoutMs === this.timeoutMs ? this : new ManagerClient(this.address, timeoutMs);
  }

  /**
   * A unary call. A write refused by a backup names the primary
   * (FAILED_PRECONDITION with a redirect); it is sent there once, by itself
   * (SPEC 7: the admin CLI follows a backup to the primary).
   */
  async call<K extends UnaryMethod>(method: K, request: RequestOf<K>): Promise<ReplyOf<K>> {
    try {
      return await this.callHere(method, request);
    } catch (error) {
      const redirect = error instanceof CairnError && error.code === Code.FAILED_PRECONDITION ? error.redirect : undefined;
      if (!redirect || redirect === this.address) throw error;
      const primary = new ManagerClient(redirect, this.timeoutMs);
      try {
        return await primary.callHere(method, request);
      } finally {
        primary.close();
      }
    }
  }

  private callHere<K extends UnaryMethod>(method: K, request: RequestOf<K>): Promise<ReplyOf<K>> {
    // The definition of `method` has exactly these types; TypeScript cannot narrow the union by K.
    const definition = registryService[method] as unknown as MethodDefinition<RequestOf<K>, unknown, unknown, ReplyOf<K>>;
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        { deadline: this.deadline() },
        (error, reply) => (error ? reject(this.failure(error)) : resolve(reply!)),
      );
    });
  }

  /** Checks that the manager answers (a GetStatus), before a stream that has no deadline. */
  probe(): Promise<ReplyOf<"GetStatus">> {
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

  /** Replication.Watch: calls `onEvent` for each event until the stream ends or `stop` is called. */
  watch(request: WatchRequest, onEvent: (event: WatchEvent__Output) => void): { done: Promise<void>; stop(): void } {
    const definition = replicationService.Watch;
    const stream = this.client.makeServerStreamRequest(
      definition.path,
      definition.requestSerialize,
      definition.responseDeserialize,
      request,
    );
    let stopped = false;
    const done = new Promise<void>((resolve, reject) => {
      stream.on("data", (event: WatchEvent__Output) => onEvent(event));
      stream.on("end", () => resolve());
      stream.on("error", (error: grpc.ServiceError) =>
        stopped && error.code === grpc.status.CANCELLED ? resolve() : reject(this.failure(error)),
      );
    });
    return {
      done,
      stop: () => {
        stopped = true;
        stream.cancel();
      },
    };
  }

  private deadline(): Date {
    return new Date(Date.now() + this.timeoutMs);
  }

  /**
   * A failure to reach the manager at all (refused, unresolvable, no answer
   * before the deadline while still connecting) says so in one line; any
   * other error is the server's answer, mapped with its problem lines.
   */
  private failure(error: unknown): CairnError {
    const status = error as Partial<grpc.ServiceError>;
    const connected = this.client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
    if (!connected && (status.code === Code.UNAVAILABLE || status.code === Code.DEADLINE_EXCEEDED)) {
      const reason =
        status.code === Code.DEADLINE_EXCEEDED
          ? `no answer within ${formatSeconds(this.timeoutMs)}`
          : connectionReason(status.details ?? "unavailable");
      return new CairnError(Code.UNAVAILABLE, `no registry manager answers at ${this.address}: ${reason}`);
    }
    return fromServiceError(error);
  }
}

/** "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: " → "connect ECONNREFUSED 127.0.0.1:1". */
function connectionReason(details: string): string {
  const last = /Last error: (?:Error: )?(.*?)(?:\.\s*Resolution note:.*)?$/s.exec(details);
  return (last?.[1] ?? details).trim() || details;
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

// ---- declarations and actions shared by the command files ----

/** A subcommand that talks to a manager: `--manager`, `--timeout`, `--json`. */
export function managerCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return parent
    .command(nameAndArgs)
    .description(description)
    .option("--manager <addr>", `the registry manager to ask (default: $${MANAGER_ENV})`)
    .option("--timeout <duration>", "how long to wait for the manager (e.g. 500ms, 5s)", parseDuration, DEFAULT_TIMEOUT_MS)
    .option("--json", "print JSON");
}

/** A subcommand that writes: a manager command with `--expected-revision`. */
export function mutationCommand(parent: Command, nameAndArgs: string, description: string): Command {
  return managerCommand(parent, nameAndArgs, description).option(
    "--expected-revision <revision>",
    "refuse (ABORTED) unless the registry is at this revision",
    parseCount,
  );
}

export interface Session<O extends ManagerOptions> {
  client: ManagerClient;
  options: O;
  output: Output;
}

/**
 * The action of a manager command: opens the client, runs, closes it. `run`
 * gets the command's arguments as Commander parsed them (after `choices` and
 * argument parsers).
 */
export function managerAction<O extends ManagerOptions, A extends unknown[]>(
  output: Output,
  run: (session: Session<O>, ...args: A) => Promise<void>,
): (this: Command) => Promise<void> {
  return async function (this: Command) {
    const options = this.opts<O>();
    const client = new ManagerClient(managerAddress(options), options.timeout);
    try {
      await run({ client, options, output }, ...(this.processedArgs as A));
    } finally {
      client.close();
    }
  };
}

/** Sends one admin write with the command's `--expected-revision`, and prints its reply. */
export async function mutate<K extends MutationMethod>(
  session: Session<MutationOptions>,
  method: K,
  request: Omit<RequestOf<K>, "expected_revision">,
): Promise<void> {
  const reply = await session.client.call(method, { ...request, expected_revision: session.options.expectedRevision } as RequestOf<K>);
  printMutation(session.output, reply as MutationReply__Output, session.options.json);
}

/** The one place a MutationReply becomes output: `revision 12`, or `{"revision":12,"epoch":1,"changed":true}`. */
export function printMutation(output: Output, reply: MutationReply__Output, json = false): void {
  if (json) output.out(JSON.stringify({ revision: reply.revision, epoch: reply.epoch, changed: reply.changed }));
  else output.out(reply.changed ? `revision ${reply.revision}` : `unchanged at revision ${reply.revision}`);
}

/** A mutation command's action: build the request from the arguments, send it, print the reply. */
export function mutationAction<A extends unknown[], K extends MutationMethod>(
  output: Output,
  method: K,
  request: (options: MutationOptions & Record<string, unknown>, ...args: A) => Omit<RequestOf<K>, "expected_revision">,
): (this: Command) => Promise<void> {
  return managerAction<MutationOptions & Record<string, unknown>, A>(output, (session, ...args) =>
    mutate(session, method, request(session.options, ...args)),
  );
}
