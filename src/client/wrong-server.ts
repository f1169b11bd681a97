/**
 * What to say when the server at an address does not serve the service a
 * client called (UNIMPLEMENTED): an agent's address given to --manager, a
 * manager's to --agent. One short call of the other service says which it is.
 */
import type * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { CairnError, Code } from "../errors.js";
import { agentService, registryService } from "../wire/proto-loader.js";
import { callUnary } from "./methods.js";

/** How long the probe of the other service may take: it only refines an error already known. */
const PROBE_TIMEOUT_MS = 2_000;

export type ServerKind = "agent" | "manager";

const KINDS = {
  agent: { name: "registry agent", service: "cairn.v1.Agent", flag: "--agent" },
  manager: { name: "registry manager", service: "cairn.v1.Registry", flag: "--manager" },
} as const satisfies Record<ServerKind, { name: string; service: string; flag: string }>;

/** Whether `error` says the method is not served there (a grpc-js ServiceError as it arrived). */
export function isUnimplemented(error: unknown): boolean {
  return (error as { code?: unknown })?.code === Code.UNIMPLEMENTED;
}

/**
 * `127.0.0.1:7400 is not a registry agent (it does not serve cairn.v1.Agent;
 * it is registry manager m1: give it with --manager)`; without the last part
 * when the other service does not answer either.
 */
export async function wrongServer(client: grpc.Client, address: string, expected: ServerKind, now: number): Promise<CairnError> {
  const other: ServerKind = expected === "agent" ? "manager" : "agent";
  return notServing(address, expected, await probeHost(client, other, now + PROBE_TIMEOUT_MS));
}

/** The same error without a probe (a stream's failure): `host` is what the other service named, if asked. */
export function notServing(address: string, expected: ServerKind, host?: string): CairnError {
  const other: ServerKind = expected === "agent" ? "manager" : "agent";
  const what = host === undefined ? "" : `; it is ${other === "manager" ? `registry manager ${host}` : `the registry agent of ${host}`}: give it with ${KINDS[other].flag}`;
  return new CairnError(Code.UNIMPLEMENTED, `${address} is not a ${KINDS[expected].name} (it does not serve ${KINDS[expected].service}${what})`);
}

/** The host id the `kind` service at the channel's address names, or undefined when it does not answer. */
async function probeHost(client: grpc.Client, kind: ServerKind, deadline: number): Promise<string | undefined> {
  const definition = (kind === "manager" ? registryService.GetStatus : agentService.Status) as unknown as MethodDefinition<object, unknown, unknown, { host: string }>;
  try {
    return (await callUnary(client, definition, {}, { deadline })).host || undefined;
  } catch {
    return undefined;
  }
}
