/**
 * The seed network of SPEC section 4 with the web console on: a registry
 * manager with `--http`, the three Command Control managers of the seed
 * table (their ports in the registry, so that agents find them healthy) and
 * one agent per seed host, each a real process, killed after the test. The
 * console tests and the screenshot script start it.
 */
import { COMMAND_CONTROL_TYPE, type Registry } from "../../src/registry/model.js";
import { runCli, type CliResult } from "./cli.js";
import type { Defer } from "./defer.js";
import { FAST_LIVENESS, importRegistry, portOf, registryClient, setPort, startAgent, startCommandControl } from "./fleet.js";
import { MANAGER_HOST, type TestRegistryClient } from "./manager.js";
import { startCairn, type CairnProcess } from "./process.js";
import { loadSeed, SEED_AGENTS } from "./seed.js";
import { until } from "./until.js";

/** The seed hosts that run a Command Control manager. */
export const SEED_COMMAND_CONTROLS = ["framework-manager", "agent-1", "agent-3"] as const;

export interface ConsoleNetwork {
  manager: CairnProcess;
  /** The console's URL (`http://127.0.0.1:PORT`). */
  url: string;
  registry: TestRegistryClient;
  agents: Map<string, CairnProcess>;
  /** Starts (again) the agent of `host`, on its own data folder. */
  startAgent(host: string): Promise<CairnProcess>;
  /** `cairn …args --manager <the manager>`. */
  cli(args: readonly string[]): Promise<CliResult>;
  /** Resolves once every host in `hosts` has `status` in the registry. */
  hostsAre(hosts: readonly string[], status: string, timeoutMs?: number): Promise<void>;
}

export interface ConsoleNetworkOptions {
  /** Start the agents (default true). Without them every seed host stays `unknown`. */
  agents?: boolean;
  /** The registry to import (the seed by default); its Command Control ports are set to the running ones. */
  registry?: Registry;
}

export function startConsoleManager(defer: Defer, data: string, flags: readonly string[] = []): Promise<CairnProcess> {
  return startCairn(defer, ["manager", "start", "--host", MANAGER_HOST, "--data", data, "--listen", "127.0.0.1:0", "--bootstrap", "--http", "127.0.0.1:0", ...FAST_LIVENESS, ...flags]);
}

export async function startConsoleNetwork(defer: Defer, tempDir: () => string, options: ConsoleNetworkOptions = {}): Promise<ConsoleNetwork> {
  const manager = await startConsoleManager(defer, tempDir());
  if (!manager.http) throw new Error("the manager printed no `http on URL` line");
  const controls = await Promise.all(SEED_COMMAND_CONTROLS.map((host) => startCommandControl(defer, host)));
  const seed = options.registry ?? loadSeed();
  SEED_COMMAND_CONTROLS.forEach((host, i) => setPort(seed, host, COMMAND_CONTROL_TYPE, portOf(controls[i]!.address)));
  const registry = registryClient(defer, manager.address);
  await importRegistry(registry, seed);

  const dataDirs = new Map<string, string>();
  const agents = new Map<string, CairnProcess>();
  const network: ConsoleNetwork = {
    manager,
    url: manager.http,
    registry,
    agents,
    async startAgent(host) {
      if (!dataDirs.has(host)) dataDirs.set(host, tempDir());
      const agent = await startAgent(defer, host, dataDirs.get(host)!, manager.address);
      agents.set(host, agent);
      return agent;
    },
    cli: (args) => runCli([...args, "--manager", manager.address]),
    async hostsAre(hosts, status, timeoutMs = 10_000) {
      await until(
        async () => {
          const { hosts: all } = await registry.call("ListHosts", {});
          return hosts.every((id) => all.find((h) => h.id === id)?.status === `LIVENESS_${status.toUpperCase()}`);
        },
        `${hosts.join(", ")} ${status}`,
        timeoutMs,
        50,
      );
    },
  };
  if (options.agents ?? true) {
    await Promise.all(SEED_AGENTS.map((host) => network.startAgent(host)));
    await network.hostsAre(SEED_AGENTS, "up");
  }
  return network;
}
