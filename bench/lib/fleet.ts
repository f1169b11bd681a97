/**
 * Real `cairn` server processes for the agent and HA benches, on top of
 * bench/lib/cairn-process.ts (its clean-up stack and the one launcher):
 * managers that bootstrap or join, agents, Command Control managers, with
 * the wall-clock time each was spawned and began to listen; plus the small
 * timing helpers both benches share.
 */
import { performance } from "node:perf_hooks";
import { AgentClient } from "../../src/client/agent-client.js";
import { formatFixture } from "../../src/fixture/format.js";
import type { Registry } from "../../src/registry/model.js";
import { TestRegistryClient } from "../../test/support/manager.js";
import { startServerProcess, type Cleanup, type ManagerProcess } from "./cairn-process.js";

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across processes. */
export const wallMs = (): number => performance.timeOrigin + performance.now();
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export type FleetServer = Omit<ManagerProcess, "dataDir"> & {
  /** Wall-clock ms just before the spawn, and when its `listening on` line arrived. */
  spawnedAt: number;
  listeningAt: number;
  /** SIGKILL, then wait for the exit; the wall-clock ms the signal was sent. */
  kill(): Promise<number>;
};

/** `node [nodeArgs] bin/cairn.js …args`, up and listening; stopped by `cleanup`. */
export async function startCairn(cleanup: Cleanup, what: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<FleetServer> {
  const spawnedAt = wallMs();
  const started = await startServerProcess(cleanup, { execArgv: nodeArgs, args, name: what }, 30_000);
  const listeningAt = wallMs();
  return {
    ...started,
    spawnedAt,
    listeningAt,
    kill: async () => {
      const at = wallMs();
      await started.server.kill("SIGKILL");
      return at;
    },
  };
}

export interface ManagerNode extends FleetServer {
  host: string;
  dataDir: string;
  client: TestRegistryClient;
}

export interface ManagerNodeOptions {
  host: string;
  /** Follow this primary as a backup; without it the manager bootstraps. */
  join?: string;
  syncBackups?: number;
  /** More `cairn manager start` options (e.g. `--down-after 10m`). */
  args?: readonly string[];
  nodeArgs?: readonly string[];
  listen?: string;
  dataDir?: string;
}

/** `cairn manager start --host … --data <tmp> (--bootstrap | --join P) [--sync-backups K]`, with a Registry client. */
export async function startManagerNode(cleanup: Cleanup, options: ManagerNodeOptions): Promise<ManagerNode> {
  const dataDir = options.dataDir ?? cleanup.tempDir(`cairn-bench-${options.host}-`);
  const args = [
    "manager",
    "start",
    "--host",
    options.host,
    "--data",
    dataDir,
    "--listen",
    options.listen ?? "127.0.0.1:0",
    ...(options.join ? ["--join", options.join] : ["--bootstrap"]),
    ...(options.syncBackups ? ["--sync-backups", String(options.syncBackups)] : []),
    ...(options.args ?? []),
  ];
  const server = await startCairn(cleanup, `manager ${options.host}`, args, options.nodeArgs);
  const client = new TestRegistryClient(server.address);
  cleanup.add(() => client.close());
  return { ...server, host: options.host, dataDir, client };
}

export interface AgentNode extends FleetServer {
  host: string;
  dataDir: string;
  client: AgentClient;
}

/** `cairn agent start --host … --data DIR --listen 127.0.0.1:0 --manager A[,B…]`, with an AgentClient. */
export async function startAgentNode(
  cleanup: Cleanup,
  options: { host: string; managers: readonly string[]; dataDir?: string; args?: readonly string[]; nodeArgs?: readonly string[] },
): Promise<AgentNode> {
  const dataDir = options.dataDir ?? cleanup.tempDir(`cairn-bench-agent-${options.host}-`);
  const args = ["agent", "start", "--host", options.host, "--data", dataDir, "--listen", "127.0.0.1:0", "--manager", options.managers.join(","), ...(options.args ?? [])];
  const server = await startCairn(cleanup, `agent ${options.host}`, args, options.nodeArgs);
  const client = new AgentClient(server.address, 5_000);
  cleanup.add(() => client.close());
  return { ...server, host: options.host, dataDir, client };
}

/** `cairn command-control start --host ID --listen ADDR` (no rules: everyone may run everything). */
export function startCommandControlNode(cleanup: Cleanup, host: string, listen = "127.0.0.1:0"): Promise<FleetServer> {
  return startCairn(cleanup, `command-control ${host}`, ["command-control", "start", "--host", host, "--listen", listen]);
}

/** Imports `registry` as YAML through the Import stream (TestRegistryClient.import); the reply's revision. */
export async function importRegistry(client: TestRegistryClient, registry: Registry, fileName = "bench.yaml"): Promise<number> {
  const reply = await client.import(formatFixture(registry, "yaml"), { format: "yaml", file_name: fileName }, 1024 * 1024);
  return reply.revision;
}

/**
 * Polls `check` every `everyMs` until it returns a value other than
 * undefined/false (errors count as "not yet"); throws with `what` and the
 * last error after `timeoutMs`.
 */
export async function until<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(everyMs);
  }
}

export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}

export function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}

export function fmtCount(n: number): string {
  return n.toLocaleString("en-US");
}
