/**
 * gRPC server reflection (@grpc/reflection, v1 and v1alpha): grpcurl and
 * the like list a cairn server's services and describe their messages
 * without the proto files. A server lists its own services (a manager shows
 * no Agent service) and grpc.health.v1.Health; the reflection services
 * themselves are not listed (their files are not loaded).
 */
import { dirname, resolve } from "node:path";
import type * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { ReflectionService } from "@grpc/reflection";
import { protoPath as healthProtoPath } from "grpc-health-check";
import { LOADER_OPTIONS, packageDefinition } from "./proto-loader.js";

/** health.proto as grpc-health-check's own loader names it (relative to its proto/ folder). */
const HEALTH_PROTO = "health/v1/health.proto";
export const HEALTH_SERVICE = "grpc.health.v1.Health";

/** The cairn protos and health.proto together, loaded at the first server that needs them. */
let described: protoLoader.PackageDefinition | undefined;
/**
 * One reflection service per list of services, shared by the servers of a
 * process that list the same: building one decodes every file descriptor
 * (tens of ms), and a bench runs hundreds of agents in one process.
 */
const reflections = new Map<string, ReflectionService>();

/** Adds server reflection to `server`, listing `services` (full names, `cairn.v1.Registry`) and the health service. */
export function serveReflection(server: grpc.Server, services: readonly string[]): void {
  const listed = [...services, HEALTH_SERVICE];
  const key = listed.join(" ");
  let reflection = reflections.get(key);
  if (!reflection) {
    described ??= { ...packageDefinition, ...healthDefinition() };
    reflection = new ReflectionService(described, { services: listed });
    reflections.set(key, reflection);
  }
  reflection.addToServer(server);
}

function healthDefinition(): protoLoader.PackageDefinition {
  const protoDir = resolve(dirname(healthProtoPath), "../..");
  return protoLoader.loadSync(HEALTH_PROTO, { ...LOADER_OPTIONS, includeDirs: [protoDir] });
}
