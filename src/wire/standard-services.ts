/**
 * What every cairn server serves beside its own services (SPEC 14), added
 * in one call: grpc.health.v1 with the status its owner computes, and
 * server reflection listing its services, so that grpcurl and Kubernetes
 * gRPC probes work on each of them.
 */
import type * as grpc from "@grpc/grpc-js";
import { ServedHealth } from "./health.js";
import { serveReflection } from "./reflection.js";
import type { ServingHealth } from "./serving-health.js";

export type { ServedHealth, ServingHealth };

/**
 * Adds health and reflection to `server` for `services` (the definitions
 * it serves); the health of each, and of the whole server, is `health()`,
 * set again on each `refresh()` of the returned ServedHealth.
 */
export function serveStandardServices(server: grpc.Server, services: readonly grpc.ServiceDefinition[], health: () => ServingHealth): ServedHealth {
  const names = services.map(serviceName);
  serveReflection(server, names);
  return new ServedHealth(server, names, health);
}

/** `cairn.v1.Registry`, from the paths of its methods (`/cairn.v1.Registry/GetTree`). */
export function serviceName(service: grpc.ServiceDefinition): string {
  return Object.values(service)[0]!.path.split("/")[1]!;
}
