import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import type { HeartbeatReply__Output } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../../src/generated/cairn/v1/HeartbeatRequest.js";
import type { ImportChunk } from "../../src/generated/cairn/v1/ImportChunk.js";
import type { MutationReply__Output } from "../../src/generated/cairn/v1/MutationReply.js";
import type { SnapshotChunk__Output } from "../../src/generated/cairn/v1/SnapshotChunk.js";
import { RegistryManager, type ManagerOptions } from "../../src/registry-manager/manager.js";
import { registryService, v1, type RegistryClient } from "../../src/wire/proto-loader.js";
import type { RegistryReply, RegistryRequest, RegistryUnaryMethod } from "../../src/client/manager-client.js";
import type { ChannelSettings } from "../../src/security/transport.js";
import type { Defer } from "./defer.js";

export const MANAGER_HOST = "framework-manager";

/**
 * A registry manager in this process on 127.0.0.1:0 with a fresh LevelDB
 * folder, stopped and removed by `defer`.
 */
export async function startManager(defer: Defer, options: Partial<ManagerOptions> = {}): Promise<RegistryManager> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "cairn-manager-"));
  if (!options.dataDir) defer(() => rmSync(dataDir, { recursive: true, force: true }));
  const manager = await RegistryManager.start({
    hostId: MANAGER_HOST,
    dataDir,
    listen: "127.0.0.1:0",
    bootstrap: true,
    ...options,
  });
  defer(() => manager.stop());
  return manager;
}

/** A raw cairn.v1.Registry client: errors are the grpc-js ServiceError, as it arrived. */
export class TestRegistryClient {
  readonly raw: RegistryClient;

  /** Insecure unless given a TLS channel (`transport.channel(…)`). */
  constructor(address: string, channel?: ChannelSettings) {
    this.raw = new v1.Registry(address, channel?.credentials ?? grpc.credentials.createInsecure(), channel?.options ?? {});
  }

  close(): void {
    this.raw.close();
  }

  call<K extends RegistryUnaryMethod>(method: K, request: RegistryRequest<K>): Promise<RegistryReply<K>> {
    const definition = registryService[method] as unknown as MethodDefinition<RegistryRequest<K>, unknown, unknown, RegistryReply<K>>;
    return new Promise((resolve, reject) =>
      this.raw.makeUnaryRequest(
        definition.path,
        definition.requestSerialize,
        definition.responseDeserialize,
        request,
        { deadline: Date.now() + 10_000 },
        (error, reply) => (error ? reject(error) : resolve(reply!)),
      ),
    );
  }

  /** The call's ServiceError; fails when the call succeeds. */
  async rejection<K extends RegistryUnaryMethod>(method: K, request: RegistryRequest<K>): Promise<grpc.ServiceError> {
    try {
      const reply = await this.call(method, request);
      throw new Error(`${method} succeeded: ${JSON.stringify(reply)}`);
    } catch (error) {
      if (typeof (error as grpc.ServiceError).code !== "number") throw error;
      return error as grpc.ServiceError;
    }
  }

  async export(): Promise<SnapshotChunk__Output[]> {
    const chunks: SnapshotChunk__Output[] = [];
    for await (const chunk of this.raw.Export({}, { deadline: Date.now() + 30_000 })) chunks.push(chunk as SnapshotChunk__Output);
    return chunks;
  }

  /** Streams `text` in chunks of `chunkBytes`; the first chunk carries the options. */
  import(
    text: string | Buffer,
    options: Omit<ImportChunk, "data"> = {},
    chunkBytes = 64 * 1024,
  ): Promise<MutationReply__Output> {
    return new Promise((resolve, reject) => {
      const call = this.raw.Import({ deadline: Date.now() + 30_000 }, (error, reply) => (error ? reject(error) : resolve(reply!)));
      const data = Buffer.isBuffer(text) ? text : Buffer.from(text);
      for (let at = 0; at === 0 || at < data.length; at += chunkBytes) {
        const piece = data.subarray(at, at + chunkBytes);
        call.write(at === 0 ? { ...options, data: piece } : { data: piece });
      }
      call.end();
    });
  }
}

export function connect(defer: Defer, address: string): TestRegistryClient {
  const client = new TestRegistryClient(address);
  defer(() => client.close());
  return client;
}

/** A raw Replication.Heartbeat caller to `address`, closed by `defer`. */
export function heartbeatClient(defer: Defer, address: string) {
  const client = new v1.Replication(address, grpc.credentials.createInsecure());
  defer(() => client.close());
  return (request: HeartbeatRequest) =>
    new Promise<HeartbeatReply__Output>((resolve, reject) =>
      client.Heartbeat(request, { deadline: Date.now() + 5_000 }, (error, reply) => (error ? reject(error) : resolve(reply!))),
    );
}
