/**
 * The agent bench (SPEC 6 and 10), against REAL `cairn` processes started
 * from the compiled tree (`npm run bench` builds first), loopback only; one
 * file per phase, run in this order, each with a clean-up of its own:
 *
 * 1. bench/agent/failover.ts: a routed call while its manager is killed;
 *    bench/agent/hang.ts: routed calls while one of two managers is SIGSTOPped;
 * 2. bench/agent/bootstrap.ts: agent bootstrap from a snapshot of 100,000
 *    hosts, and a restart on the full folder;
 * 3. bench/agent/swarm.ts: one change reaching many agents (250, then
 *    1,000), packed 250 per child process.
 *
 * Every timed window first waits (up to 10 s) for a quiet machine, and
 * every note says where the CPU went meanwhile. Every process is stopped
 * and every temp folder removed at the end, also on failure.
 *
 * Env knobs: CAIRN_BENCH_SWARM (`PROCESSESxAGENTS[,…]`, default `1x250,4x250`),
 * CAIRN_BENCH_SWARM_SHARED=1 (in-process agents share one connection per
 * process, grpc-js's default), CAIRN_BENCH_SWARM_NO_DISK=1 (a diagnostic:
 * the replicas skip their per-change LevelDB write), CAIRN_BENCH_MANAGER_NODE_ARGS (node flags
 * for the managers, e.g. `--cpu-prof --cpu-prof-dir /tmp/prof`),
 * CAIRN_BENCH_AGENT_NODE_ARGS (the same for the agent processes),
 * CAIRN_BENCH_CHILD_NODE_ARGS (the same for the swarm processes),
 * CAIRN_BENCH_AGENT_PHASES (e.g. `swarm`: only those phases).
 */
import os from "node:os";
import { checkBuild, Cleanup } from "./lib/cairn-process.js";
import { SPEC_SIZE } from "./lib/generate.js";
import { report, type PartReport, type Row } from "./lib/stats.js";
import { bootstrapPhase } from "./agent/bootstrap.js";
import { failoverPhase } from "./agent/failover.js";
import { hangPhase } from "./agent/hang.js";
import { swarmPhase } from "./agent/swarm.js";

export interface AgentBenchOptions {
  seed?: number;
  /** Kill rounds of the failover phase (cc-a killed once per round). */
  failoverRounds?: number;
  /** Concurrent sequential Authorize loops. */
  failoverLoops?: number;
  /** Sequential calls with a manager SIGSTOPped (and as many with it running). */
  hangCalls?: number;
  /** Calls before the kill, and the window after it that is judged. */
  beforeKillMs?: number;
  afterKillMs?: number;
  bootstrapHosts?: number;
  /** Fresh agents bootstrapped one after the other. */
  bootstrapRuns?: number;
  /** Swarms run one after the other: [processes, agents per process]. */
  swarms?: readonly [number, number][];
  swarmChanges?: number;
  swarmWarmUp?: number;
  /** Which phases run (default all: failover, hang, bootstrap, swarm). */
  phases?: readonly string[];
}

const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter(Boolean);

export async function benchAgent(options: AgentBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const seed = options.seed ?? 20_251_122;
  const swarms = parseSwarms(process.env.CAIRN_BENCH_SWARM, options);
  const nodeArgs = { manager: words(process.env.CAIRN_BENCH_MANAGER_NODE_ARGS), agent: words(process.env.CAIRN_BENCH_AGENT_NODE_ARGS) };
  const rows: Row[] = [];
  const info: Record<string, unknown> = { seed, cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  if (stale) info.staleBuild = stale;
  const phases: [string, (cleanup: Cleanup) => Promise<unknown>][] = [
    [
      "failover",
      (cleanup) =>
        failoverPhase(cleanup, rows, {
          rounds: options.failoverRounds ?? 3,
          loops: options.failoverLoops ?? 2,
          beforeMs: options.beforeKillMs ?? 2_000,
          afterMs: options.afterKillMs ?? 2_000,
          nodeArgs,
        }),
    ],
    ["hang", (cleanup) => hangPhase(cleanup, rows, { calls: options.hangCalls ?? 1_000, nodeArgs })],
    [
      "bootstrap",
      (cleanup) => bootstrapPhase(cleanup, rows, { seed, hosts: options.bootstrapHosts ?? SPEC_SIZE.hosts, runs: options.bootstrapRuns ?? 3, nodeArgs }),
    ],
    // A smaller swarm first: how the figure grows with the number of agents sharing the 2 cores.
    ...swarms.map(
      ([processes, perProcess]): [string, (cleanup: Cleanup) => Promise<unknown>] => [
        `swarm ${processes}x${perProcess}`,
        (cleanup) =>
          swarmPhase(cleanup, rows, {
            processes,
            perProcess,
            changes: options.swarmChanges ?? 20,
            warmUp: options.swarmWarmUp ?? 3,
            shared: process.env.CAIRN_BENCH_SWARM_SHARED === "1",
            noDisk: process.env.CAIRN_BENCH_SWARM_NO_DISK === "1",
            nodeArgs,
          }),
      ],
    ),
  ];
  const only = options.phases ?? words(process.env.CAIRN_BENCH_AGENT_PHASES);
  // Each phase has its own clean-up, so one phase's processes never share the cores with the next one's.
  for (const [name, phase] of phases) {
    if (only.length > 0 && !only.some((o) => name === o || name.startsWith(`${o} `))) continue;
    const cleanup = new Cleanup();
    try {
      info[name] = await phase(cleanup);
    } finally {
      const problems = await cleanup.run();
      if (problems.length > 0) console.error(`agent bench clean-up (${name}): ${problems.join("; ")}`);
    }
  }
  return report("agent", "registry agent (SPEC 6, 10: real `cairn agent start` processes)", rows, info);
}

/** `PxN[,PxN…]`: swarms of P processes × N agents, run one after the other. */
function parseSwarms(env: string | undefined, options: AgentBenchOptions): [number, number][] {
  if (!env) return options.swarms ? [...options.swarms] : [[1, 250], [4, 250]];
  return env.split(",").map((part) => {
    const match = /^(\d+)x(\d+)$/.exec(part.trim());
    if (!match) throw new Error(`CAIRN_BENCH_SWARM must look like 1x250,4x250, got ${env}`);
    return [Number(match[1]), Number(match[2])];
  });
}
