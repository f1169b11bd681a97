/**
 * Real cairn processes for the agent tests: a registry manager, Command
 * Control managers and agents, each a child process on a loopback port,
 * killed after the test.
 */
import { AgentClient } from "../../src/client/agent-client.js";
import { formatFixture } from "../../src/fixture/format.js";
import type { Registry } from "../../src/registry/model.js";
import type { Defer } from "./defer.js";
import { MANAGER_HOST, TestRegistryClient } from "./manager.js";
import { startCairn, type CairnProcess } from "./process.js";

/** Fast liveness so that tests see transitions in well under a second or two. */
export const FAST_LIVENESS = ["--down-after", "1500ms", "--heartbeat-interval", "300ms"];

export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

export function startManagerProcess(defer: Defer, data: string, listen = "127.0.0.1:0"): Promise<CairnProcess> {
  return startCairn(defer, ["manager", "start", "--host", MANAGER_HOST, "--data", data, "--listen", listen, "--bootstrap", ...FAST_LIVENESS]);
}

export function startCommandControl(defer: Defer, host: string, listen = "127.0.0.1:0"): Promise<CairnProcess> {
  return startCairn(defer, ["command-control", "start", "--host", host, "--listen", listen]);
}

export function startAgent(defer: Defer, host: string, data: string, manager: string): Promise<CairnProcess> {
  return startCairn(defer, ["agent", "start", "--host", host, "--data", data, "--manager", manager, "--heartbeat-interval", "300ms"]);
}

export function registryClient(defer: Defer, address: string): TestRegistryClient {
  const client = new TestRegistryClient(address);
  defer(() => client.close());
  return client;
}

export function agentClient(defer: Defer, address: string, timeoutMs = 5_000): AgentClient {
  const client = new AgentClient(address, timeoutMs);
  defer(() => client.close());
  return client;
}

/** Imports `registry` (YAML through the Import stream) into a fresh manager. */
export async function importRegistry(client: TestRegistryClient, registry: Registry): Promise<number> {
  return (await client.import(formatFixture(registry, "yaml"), { format: "yaml", file_name: "test.yaml" })).revision;
}

/** Sets the port of `host`'s package of `type` in a registry about to be imported. */
export function setPort(registry: Registry, host: string, type: string, port: number): void {
  const record = registry.hosts.get(host)!;
  registry.hosts.set(host, { ...record, packages: record.packages.map((p) => (p.type === type ? { ...p, port } : p)) });
}

export function dropPackage(registry: Registry, host: string, type: string): void {
  const record = registry.hosts.get(host)!;
  registry.hosts.set(host, { ...record, packages: record.packages.filter((p) => p.type !== type) });
}
