/**
 * Clients of the standard services every cairn server carries
 * (src/wire/standard-services.ts): grpc.health.v1 Check and Watch, and
 * server reflection (v1 and v1alpha, from the proto files @grpc/reflection
 * ships), insecure or on a TLS channel.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { service as healthService } from "grpc-health-check";
import { healthOf } from "../../src/wire/health.js";
import type { ChannelSettings } from "../../src/security/transport.js";
import type { Defer } from "./defer.js";
export { freePort } from "./free-port.js";

const REFLECTION_PROTO_DIR = join(dirname(createRequire(import.meta.url).resolve("@grpc/reflection")), "../proto");

export type ReflectionVersion = "v1" | "v1alpha";

function client(defer: Defer, address: string, channel?: ChannelSettings): grpc.Client {
  const made = new grpc.Client(address, channel?.credentials ?? grpc.credentials.createInsecure(), channel?.options ?? {});
  defer(() => made.close());
  return made;
}

/** The status grpc.health.v1 Check answers for `service` ("" the whole server), or NO_ANSWER. */
export function checkHealth(defer: Defer, address: string, service = "", channel?: ChannelSettings) {
  return healthOf(client(defer, address, channel), Date.now() + 2_000, service);
}

/** A grpc.health.v1 Watch of `service`: the statuses it is sent, in order, as they come; cancelled after the test. */
export function watchHealth(defer: Defer, address: string, service = "", channel?: ChannelSettings) {
  const watch = healthService.Watch!;
  const call = client(defer, address, channel).makeServerStreamRequest(watch.path, watch.requestSerialize, watch.responseDeserialize, { service }, {});
  const statuses: string[] = [];
  let ended: grpc.ServiceError | undefined;
  call.on("data", (message: { status: string }) => statuses.push(message.status));
  call.on("error", (error: grpc.ServiceError) => (ended = error));
  defer(() => call.cancel());
  return { statuses, ended: () => ended };
}

interface ReflectionReply {
  error_response?: { error_code: number; error_message: string };
  list_services_response?: { service: { name: string }[] };
  file_descriptor_response?: { file_descriptor_proto: Buffer[] };
}

/** One request on a ServerReflectionInfo stream of `version`, and its one reply. */
export function askReflection(defer: Defer, address: string, request: Record<string, string>, version: ReflectionVersion = "v1", channel?: ChannelSettings): Promise<ReflectionReply> {
  const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, { keepCase: true, includeDirs: [REFLECTION_PROTO_DIR] });
  const method = definition[`grpc.reflection.${version}.ServerReflection`] as protoLoader.ServiceDefinition;
  const info = method.ServerReflectionInfo!;
  const call = client(defer, address, channel).makeBidiStreamRequest(info.path, info.requestSerialize, info.responseDeserialize, { deadline: Date.now() + 5_000 });
  defer(() => call.cancel());
  return new Promise((resolve, reject) => {
    call.on("data", (reply: ReflectionReply) => {
      call.end();
      resolve(reply);
    });
    call.on("error", reject);
    call.write(request);
  });
}

/** The services reflection lists, sorted. */
export async function listServices(defer: Defer, address: string, version: ReflectionVersion = "v1", channel?: ChannelSettings): Promise<string[]> {
  const reply = await askReflection(defer, address, { list_services: "" }, version, channel);
  if (!reply.list_services_response) throw new Error(`no service list: ${JSON.stringify(reply.error_response)}`);
  return reply.list_services_response.service.map((s) => s.name).sort();
}

