/**
 * The agent bench (SPEC 6 and 10), against REAL `cairn` processes started
 * from the compiled tree (`npm run bench` builds first), loopback only:
 *
 * 1. routed call while its manager is killed: a registry manager, two
 *    Command Control managers (cc-a in the agent's domain, preferred; cc-b
 *    in the parent domain, the fallback) and one `cairn agent start`; two
 *    sequential loops of Agent.Authorize calls, cc-a SIGKILLed in the
 *    middle. Budgets: no failed call; p99 of the calls in the 2 s after the
 *    kill minus the p99 of the calls before it under 50 ms. The round is
 *    repeated (cc-a restarted on its port, calls back on it) to get more
 *    than one kill;
 * 2. agent bootstrap from a snapshot of 100,000 hosts (10,000 domains,
 *    depth 8, imported as YAML into a manager): a fresh agent process, from
 *    spawn until its Status shows the manager's revision (polled every
 *    20 ms), and its VmRSS right then and 2 s later. Budgets: under 2 s and
 *    under 200 MB. Then the same agent restarted on its full folder: time
 *    to the first Resolve answer (from disk);
 * 3. one change reaching many agents: real agents (RegistryAgent from
 *    dist/, the code `cairn agent start` runs) packed 250 per child process
 *    (bench/lib/agent-swarm.ts), each with its own LevelDB, Agent server,
 *    watch and heartbeat connections, against a real manager process:
 *    1,000 agent PROCESSES (≈ 70 MiB resident each when idle, more once
 *    busy: see the failover phase's info) would need ~70 GiB on a machine
 *    with 23.5, and 1,000 node event loops on 2 cores.
 *    250 agents, then 1,000 (4 × 250); changes are committed one at a time
 *    and timed from sending the mutation to each agent's receipt
 *    (replica.onChange). No budget: SPEC 10's 120 ms for 1,000 watching
 *    agents is the fan-out (set beside etcd's watchers and a bare grpc-js
 *    broadcast), judged in the manager part on 1,000 watch channels; here
 *    every agent's own work (decode, digest, index, disk) shares the same
 *    2 cores too. The notes give what shares the cores, each change's CPU
 *    cost per agent and the garbage collections of the packed processes.
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
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AgentStatus__Output } from "../src/generated/cairn/v1/AgentStatus.js";
import { formatFixture } from "../src/fixture/fixture.js";
import { emptyRegistry, newHost, newPackage } from "../src/registry/model.js";
import { awaitQuiet, checkBuild, Cleanup, establishedTo, machineCpuSeconds, procCpuSeconds, quietNote, pct, type Quiet } from "./lib/cairn-process.js";
import type { FromSwarm, ToSwarm } from "./lib/agent-swarm.js";
import {
  fmtCount,
  importRegistry,
  portOf,
  round3,
  sleep,
  startAgentNode,
  startCommandControlNode,
  startManagerNode,
  until,
  wallMs,
  type AgentNode,
  type ManagerNode,
  type ServerProcess,
} from "./lib/fleet.js";
import { describeRegistry, generateRegistry, SPEC_SIZE } from "./lib/generate.js";
import { FanOutTimes, report, summarize, timeMs, type PartReport, type Row } from "./lib/stats.js";

export interface AgentBenchOptions {
  seed?: number;
  /** Kill rounds of the failover phase (cc-a killed once per round). */
  failoverRounds?: number;
  /** Concurrent sequential Authorize loops. */
  failoverLoops?: number;
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
  /** Which phases run (default all: failover, bootstrap, swarm). */
  phases?: readonly string[];
}

const MIB = 1024; // KiB per MiB, for /proc figures
const CC = "command-control";
const QUIET_WAIT_MS = 10_000;
const SWARM_SCRIPT = fileURLToPath(new URL("./lib/agent-swarm.ts", import.meta.url));
const CHILD_EXEC_ARGV = ["--import", "tsx", ...(process.env.CAIRN_BENCH_CHILD_NODE_ARGS ?? "").split(/\s+/).filter(Boolean)];
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

interface NodeArgs {
  manager: string[];
  agent: string[];
}

// ---------------------------------------------------------------- 1. failover

interface Call {
  start: number;
  end: number;
  ok: boolean;
  servedBy: string;
  tried: number;
  error?: string;
}

async function failoverPhase(
  cleanup: Cleanup,
  rows: Row[],
  options: { rounds: number; loops: number; beforeMs: number; afterMs: number; nodeArgs: NodeArgs },
): Promise<Record<string, unknown>> {
  const agentHost = "bench-agent";
  const manager = await startManagerNode(cleanup, { host: "framework-manager", nodeArgs: options.nodeArgs.manager });
  let [preferred, fallback] = await Promise.all([startCommandControlNode(cleanup, "cc-a"), startCommandControlNode(cleanup, "cc-b")]);
  // cc-a is in the agent's own domain (tier `domain`), cc-b in the parent, the root (tier `ancestor`).
  const registry = emptyRegistry();
  registry.domains.set("/site", { path: "/site" });
  registry.types.set(CC, { name: CC, policy: "ordered" });
  registry.hosts.set("cc-a", newHost("cc-a", "/site", { packages: [newPackage(CC, portOf(preferred.address))] }));
  registry.hosts.set("cc-b", newHost("cc-b", "/", { packages: [newPackage(CC, portOf(fallback!.address))] }));
  registry.hosts.set(agentHost, newHost(agentHost, "/site"));
  await importRegistry(manager.client, registry, "failover.yaml");
  const agent = await startAgentNode(cleanup, { host: agentHost, managers: [manager.address], nodeArgs: options.nodeArgs.agent });
  const route = await until("the agent's route for command-control", async () => {
    const r = await agent.client.resolve("", CC);
    return r.candidates.length === 2 ? r.candidates.map((c) => c.host) : undefined;
  });
  if (route.join() !== "cc-a,cc-b") throw new Error(`the agent's route is ${route.join(", ")}, expected cc-a, cc-b`);
  const agentRssAtStart = agent.memoryKiB().rss;

  const before: number[] = [];
  const after: number[] = [];
  const failedOver: number[] = [];
  const failures: string[] = [];
  const perRound: Record<string, unknown>[] = [];
  let worst = { ms: 0, round: 0, tried: 0, servedBy: "", inFlightAtKill: false };
  let cpu = { manager: 0, agent: 0, cc: 0, bench: 0, others: 0, wall: 0 };
  let quietNotes = "";

  for (let round = 1; round <= options.rounds; round++) {
    await until("calls served by cc-a", async () => (await agent.client.authorize("ops", "uptime")).served_by === "cc-a", 15_000);
    const quiet = await awaitQuiet(QUIET_WAIT_MS, 0.15);
    if (!quiet.quiet) quietNotes = ` (NOT QUIET before round ${round}: ${quiet.busyCores.toFixed(2)} cores busy)`;
    const calls: Call[] = [];
    let running = true;
    const cpu0 = cpuNow([manager, agent, preferred, fallback!]);
    const loops = Array.from({ length: options.loops }, async () => {
      while (running) {
        const start = wallMs();
        try {
          const reply = await agent.client.authorize("ops", "uptime");
          calls.push({ start, end: wallMs(), ok: true, servedBy: reply.served_by, tried: reply.tried.length });
        } catch (error) {
          calls.push({ start, end: wallMs(), ok: false, servedBy: "", tried: 0, error: error instanceof Error ? error.message : String(error) });
        }
      }
    });
    await sleep(options.beforeMs);
    const killedAt = await preferred.kill();
    await sleep(options.afterMs + 200);
    running = false;
    await Promise.all(loops);
    const used = cpuSince(cpu0, [manager, agent, preferred, fallback!]);
    cpu = addCpu(cpu, used);

    const windowEnd = killedAt + options.afterMs;
    const roundBefore: number[] = [];
    const roundAfter: number[] = [];
    for (const call of calls) {
      const ms = call.end - call.start;
      if (!call.ok) failures.push(`round ${round}: ${call.error}`);
      if (call.end <= killedAt) {
        roundBefore.push(ms);
        if (call.servedBy !== "cc-a") throw new Error(`round ${round}: a call before the kill was served by ${call.servedBy}`);
      } else if (call.start < windowEnd) {
        roundAfter.push(ms);
        if (call.tried > 1) failedOver.push(ms);
        if (ms > worst.ms) worst = { ms, round, tried: call.tried, servedBy: call.servedBy, inFlightAtKill: call.start < killedAt };
      }
    }
    const lateOnA = calls.filter((c) => c.start > killedAt + 500 && c.servedBy === "cc-a").length;
    if (lateOnA > 0) throw new Error(`round ${round}: ${lateOnA} calls served by cc-a after it was killed`);
    if (!calls.some((c) => c.start > killedAt && c.servedBy === "cc-b")) throw new Error(`round ${round}: no call served by cc-b after the kill`);
    before.push(...roundBefore);
    after.push(...roundAfter);
    const b = summarize(roundBefore);
    const a = summarize(roundAfter);

    // cc-a back on its port: the agent's probe (every 250 ms) finds it and calls return to it.
    const restartedAt = wallMs();
    preferred = await startCommandControlNode(cleanup, "cc-a", preferred.address);
    const backAt = await until(
      "calls back on the restarted cc-a",
      async () => ((await agent.client.authorize("ops", "uptime")).served_by === "cc-a" ? wallMs() : undefined),
      15_000,
      10,
    );
    perRound.push({
      round,
      calls: calls.length,
      beforeP99: round3(b.p99),
      afterP99: round3(a.p99),
      afterMax: round3(a.max),
      failedOver: calls.filter((c) => c.tried > 1).length,
      backOnRestartedMs: Math.round(backAt - restartedAt),
      quiet,
    });
  }

  const sBefore = summarize(before);
  const sAfter = summarize(after);
  const added = sAfter.p99 - sBefore.p99;
  const cpuNote =
    `CPU during the calls: agent ${pct(cpu.agent, cpu.wall)}, command-control managers ${pct(cpu.cc, cpu.wall)}, registry manager ` +
    `${pct(cpu.manager, cpu.wall)}, bench process (the callers) ${pct(cpu.bench, cpu.wall)}, other processes ${pct(cpu.others, cpu.wall)} of one core, ` +
    `${os.cpus().length} cores${quietNotes}`;
  rows.push({
    name: "failover: failed calls",
    unit: "calls",
    value: failures.length,
    budget: { text: "0", checks: [{ metric: "p50", below: 1 }] },
    note:
      `${options.loops} sequential Agent.Authorize loops (grpc-js client, deadline 5 s) through one agent process; cc-a (the agent's ` +
      `domain) SIGKILLed after ${options.beforeMs / 1000} s, ${options.rounds} rounds; between rounds cc-a restarted on its port and ` +
      `calls were back on it after ${perRound.map((r) => r.backOnRestartedMs).join(", ")} ms (the agent probes suspects every 250 ms)` +
      (failures.length > 0 ? `; first failures: ${failures.slice(0, 3).join("; ")}` : ""),
  });
  rows.push({ name: "failover: Authorize before the kill", unit: "ms", summary: sBefore, note: `served by cc-a; ${cpuNote}` });
  rows.push({
    name: "failover: Authorize in 2 s after the kill",
    unit: "ms",
    summary: sAfter,
    note: "every call that ended after the kill and started within 2 s of it (those in flight at the kill included)",
  });
  rows.push({
    name: "failover: p99 added by the kill",
    unit: "ms",
    value: added,
    budget: { text: "< 50 ms", checks: [{ metric: "p50", below: 50 }] },
    note: "p99 after the kill minus p99 before it",
  });
  rows.push({
    name: "failover: worst single call",
    unit: "ms",
    value: worst.ms,
    note: `round ${worst.round}, ${worst.inFlightAtKill ? "in flight at the kill" : "started after the kill"}, tried ${worst.tried} manager(s), served by ${worst.servedBy}`,
  });
  if (failedOver.length > 0) {
    rows.push({
      name: "failover: calls that tried cc-a first",
      unit: "ms",
      summary: summarize(failedOver),
      note: "calls whose `tried` lists cc-a then cc-b (the agent learnt cc-a was gone during them)",
    });
  }
  return {
    rounds: perRound,
    route,
    failures: failures.length,
    agentRssMiB: { atStart: round3(agentRssAtStart / MIB), afterTheCalls: round3(agent.memoryKiB().rss / MIB) },
  };
}

// ---------------------------------------------------------------- 2. bootstrap

interface BootRun {
  agent: AgentNode;
  bootS: number;
  status: AgentStatus__Output;
  steps: Record<string, number | undefined>;
  atReach: { rss: number; hwm: number };
  settled: { rss: number; hwm: number };
  agentCpuS: number;
  managerCpuS: number;
  othersCpuS: number;
  quiet: Quiet;
}

/** One fresh agent bootstrapping from `manager`, measured, then stopped (its folder is kept). */
async function bootstrapRun(cleanup: Cleanup, manager: ManagerNode, host: string, nodeArgs: NodeArgs): Promise<BootRun> {
  const target = (await manager.client.call("GetStatus", {})).revision;
  const quiet = await awaitQuiet(QUIET_WAIT_MS);
  const managerCpu0 = manager.cpuSeconds();
  const machine0 = machineCpuSeconds();
  const bench0 = process.cpuUsage();
  const agent = await startAgentNode(cleanup, { host, managers: [manager.address], nodeArgs: nodeArgs.agent });
  const reached = await until(
    "the agent at the manager's revision",
    async () => {
      const status = await agent.client.status();
      return status.revision >= target ? { at: wallMs(), status } : undefined;
    },
    60_000,
    20,
  );
  const atReach = agent.memoryKiB();
  const agentCpuS = agent.cpuSeconds();
  const managerCpuS = manager.cpuSeconds() - managerCpu0;
  const benchUsage = process.cpuUsage(bench0);
  const othersCpuS = Math.max(0, machineCpuSeconds() - machine0 - managerCpuS - agentCpuS - (benchUsage.user + benchUsage.system) / 1e6);
  await sleep(2_000);
  const settled = agent.memoryKiB();
  const live = await agent.client.status();
  if (live.revision < target) throw new Error(`${host} went back to revision ${live.revision}`);
  if ((await agent.client.resolve("", CC)).candidates.length === 0) throw new Error(`${host} has no command-control candidate after its bootstrap`);
  const steps = logSteps(agent.stderr(), agent.spawnedAt, {
    "watch connecting": (m) => m === "idle -> connecting",
    "first snapshot chunk": (m) => m === "connecting -> syncing",
    "snapshot verified, indexed, installed": (m) => m === "installed a snapshot",
    "feed live": (m) => m === "syncing -> live",
  });
  steps["Status shows the revision"] = Math.round(reached.at - agent.spawnedAt);
  await agent.stop();
  return { agent, bootS: (reached.at - agent.spawnedAt) / 1000, status: reached.status, steps, atReach, settled, agentCpuS, managerCpuS, othersCpuS, quiet };
}

async function bootstrapPhase(cleanup: Cleanup, rows: Row[], options: { seed: number; hosts: number; runs: number; nodeArgs: NodeArgs }): Promise<Record<string, unknown>> {
  const generated = timeMs(() => generateRegistry({ ...SPEC_SIZE, hosts: options.hosts, seed: options.seed }));
  const registry = generated.result;
  const yaml = timeMs(() => formatFixture(registry, "yaml"));
  // --down-after 60m: the imported hosts are `up` with no agent behind them; with the default 3 s the
  // manager would mark them all down (one change each) while the agent bootstraps.
  const manager = await startManagerNode(cleanup, { host: "framework-manager", args: ["--down-after", "60m"], nodeArgs: options.nodeArgs.manager });
  const imported = await timed(() => manager.client.import(yaml.result, { format: "yaml", file_name: "bench-100k.yaml" }, 1024 * 1024));
  const target = (await manager.client.call("GetStatus", {})).revision;
  rows.push({
    name: `set-up: generate, format, import ${fmtCount(options.hosts)} hosts`,
    unit: "s",
    value: (generated.ms + yaml.ms + imported.ms) / 1000,
    note: `${(yaml.result.length / 2 ** 20).toFixed(1)} MiB of YAML; import ${(imported.ms / 1000).toFixed(1)} s; not a budget`,
  });

  // Fresh agents one after the other, each stopped before the next starts (each registers its own host).
  const runs: BootRun[] = [];
  for (let run = 1; run <= options.runs; run++) runs.push(await bootstrapRun(cleanup, manager, `bench-boot-agent-${run}`, options.nodeArgs));
  const agent = runs[runs.length - 1]!.agent;
  const boot = summarize(runs.map((r) => r.bootS));
  const stepNames = Object.keys(runs[0]!.steps);
  const steps = stepNames
    .map((name) => `${name} ${runs.map((r) => r.steps[name] ?? "?").join("/")}`)
    .join(", ");
  rows.push({
    name: `bootstrap ${fmtCount(options.hosts)} hosts: spawn → at the manager's revision`,
    unit: "s",
    summary: boot,
    budget: { text: "p50 < 2 s", checks: [{ metric: "p50", below: 2 }] },
    note:
      `${runs.length} fresh \`cairn agent start\` processes (empty --data) one after the other, each from spawn until Status (polled every ` +
      `20 ms) shows the manager's revision: node start-up and module load, LevelDB open, the Watch snapshot ` +
      `(${fmtCount(options.hosts)} hosts, ${fmtCount(registry.domains.size)} domains) received, verified and indexed. CPU s per run: agent ` +
      `${runs.map((r) => r.agentCpuS.toFixed(2)).join("/")}, manager ${runs.map((r) => r.managerCpuS.toFixed(2)).join("/")}, other processes ` +
      `${runs.map((r) => r.othersCpuS.toFixed(2)).join("/")}${runs.map((r) => quietNote(r.quiet)).join("")}. Steps, ms after spawn per run ` +
      `(from the agents' logs): ${steps}`,
  });
  rows.push({
    name: "bootstrap: spawn → listening",
    unit: "s",
    summary: summarize(runs.map((r) => (r.agent.listeningAt - r.agent.spawnedAt) / 1000)),
    note: "node start-up, module load, empty LevelDB open, bind",
  });
  const budgetRss = { text: "< 200 MB (190.7 MiB)", checks: [{ metric: "max" as const, below: 200e6 / 2 ** 20 }] };
  rows.push({
    name: "bootstrap: RSS at the manager's revision",
    unit: "MiB",
    summary: summarize(runs.map((r) => r.atReach.rss / MIB)),
    budget: budgetRss,
    note: "VmRSS of each agent process right when its Status first showed the revision (budget judged on the max)",
  });
  rows.push({
    name: "bootstrap: RSS 2 s later",
    unit: "MiB",
    summary: summarize(runs.map((r) => r.settled.rss / MIB)),
    budget: budgetRss,
    note: "after 2 s of settling, the replica written to its LevelDB meanwhile (no GC can be forced in another process)",
  });
  rows.push({ name: "bootstrap: peak RSS (VmHWM)", unit: "MiB", summary: summarize(runs.map((r) => r.settled.hwm / MIB)), note: "high-water mark of each agent" });

  // The last agent again, on its now-full folder: it routes from disk before it talks to any manager.
  const restartQuiet = await awaitQuiet(QUIET_WAIT_MS);
  const again = await startAgentNode(cleanup, { host: agent.host, managers: [manager.address], dataDir: agent.dataDir, nodeArgs: options.nodeArgs.agent });
  const firstResolve = await until(
    "a Resolve answer from the restarted agent",
    async () => {
      const route = await again.client.resolve("", CC);
      return route.candidates.length > 0 ? { at: wallMs(), route } : undefined;
    },
    30_000,
    5,
  );
  const fromDisk = firstResolve.route.revision;
  const liveAgain = await until("the restarted agent live", async () => {
    const status = await again.client.status();
    return status.connected ? { at: wallMs(), status } : undefined;
  });
  await sleep(2_000);
  const restartMem = again.memoryKiB();
  rows.push({
    name: "restart on a full folder: spawn → first Resolve",
    unit: "s",
    value: (firstResolve.at - again.spawnedAt) / 1000,
    note:
      `the last of those agents (stopped with SIGTERM) started again on its folder: the first Resolve answered revision ${fromDisk} ` +
      `(the manager is at ${target}+) from disk; listening after ${((again.listeningAt - again.spawnedAt) / 1000).toFixed(2)} s ` +
      `(loading ${fmtCount(options.hosts)} hosts from LevelDB and indexing them happen before the bind); live again ` +
      `${((liveAgain.at - again.spawnedAt) / 1000).toFixed(2)} s after spawn${quietNote(restartQuiet)}`,
  });
  rows.push({ name: "restart: RSS 2 s later", unit: "MiB", value: restartMem.rss / MIB });
  if (fromDisk < target) throw new Error(`the restarted agent answered revision ${fromDisk} from disk, expected at least ${target}`);
  return {
    registry: describeRegistry(registry),
    yamlBytes: yaml.result.length,
    managerRevision: target,
    runs: runs.map((r) => ({
      bootMs: Math.round(r.bootS * 1000),
      stepsMs: r.steps,
      status: statusInfo(r.status),
      rssKiB: { atRevision: r.atReach, settled: r.settled },
      cpuSeconds: { agent: round3(r.agentCpuS), manager: round3(r.managerCpuS), others: round3(r.othersCpuS) },
      quiet: r.quiet,
    })),
    restartedFromDiskRevision: fromDisk,
    restartedStatus: statusInfo(liveAgain.status),
    restartedRssKiB: restartMem,
  };
}

/** The first log line (pino JSON on stderr) matching each step, in ms after `since`. */
function logSteps(stderr: string, since: number, wanted: Record<string, (msg: string) => boolean>): Record<string, number | undefined> {
  const found: Record<string, number | undefined> = Object.fromEntries(Object.keys(wanted).map((k) => [k, undefined]));
  for (const line of stderr.split("\n")) {
    if (!line.startsWith("{")) continue;
    let entry: { time?: number; msg?: string };
    try {
      entry = JSON.parse(line) as { time?: number; msg?: string };
    } catch {
      continue;
    }
    for (const [step, match] of Object.entries(wanted)) {
      if (found[step] === undefined && entry.msg !== undefined && entry.time !== undefined && match(entry.msg)) found[step] = Math.round(entry.time - since);
    }
  }
  return found;
}

function statusInfo(status: AgentStatus__Output) {
  return { revision: status.revision, epoch: status.epoch, connected: status.connected, manager: status.manager_address, watchState: status.watch_state };
}

// ---------------------------------------------------------------- 3. swarm

interface SwarmChild {
  child: ChildProcess;
  count: number;
  exited: Promise<void>;
  /** The next message of a type. */
  next<T extends FromSwarm["type"]>(type: T, timeoutMs: number): Promise<Extract<FromSwarm, { type: T }>>;
}

async function swarmPhase(
  cleanup: Cleanup,
  rows: Row[],
  options: { processes: number; perProcess: number; changes: number; warmUp: number; shared: boolean; noDisk: boolean; nodeArgs: NodeArgs },
): Promise<Record<string, unknown>> {
  const total = options.processes * options.perProcess;
  const manager = await startManagerNode(cleanup, {
    host: "framework-manager",
    // The agents' hosts are imported `up`; no sweep marks them down while the swarm starts (see below).
    args: ["--down-after", "10m"],
    nodeArgs: options.nodeArgs.manager,
  });
  const target = "swarm-target";
  // Every agent's host registered and `up` in one import: their first heartbeats change nothing, so
  // start-up is one snapshot per agent instead of a thousand registrations each sent to every agent.
  const registry = emptyRegistry();
  const prefixes = Array.from({ length: options.processes }, (_, p) => `swarm-${p}-`);
  for (const prefix of prefixes) {
    for (let i = 0; i < options.perProcess; i++) {
      const id = `${prefix}${String(i).padStart(3, "0")}`;
      registry.hosts.set(id, newHost(id, "/", { status: "up" }));
    }
  }
  registry.hosts.set(target, newHost(target, "/"));
  await importRegistry(manager.client, registry, "swarm.yaml");

  const dataRoot = cleanup.tempDir("cairn-bench-swarm-");
  const t0 = wallMs();
  const children = prefixes.map((prefix): SwarmChild => {
    const child = fork(SWARM_SCRIPT, [], { execArgv: CHILD_EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    cleanup.child(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const failures: string[] = [];
    child.on("message", (m: FromSwarm) => {
      if (m.type === "failed") failures.push(m.message);
    });
    const next = <T extends FromSwarm["type"]>(type: T, timeoutMs: number) =>
      new Promise<Extract<FromSwarm, { type: T }>>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`swarm process ${prefix}: no "${type}" within ${timeoutMs} ms`)), timeoutMs);
        const onMessage = (m: FromSwarm) => {
          if (m.type === type) done(undefined, m as Extract<FromSwarm, { type: T }>);
          else if (m.type === "failed") done(new Error(`swarm process ${prefix} failed: ${m.message}`));
        };
        const onExit = (code: number | null, signal: string | null) =>
          done(new Error(`swarm process ${prefix} exited (${code ?? signal}) before "${type}"${failures.length ? `: ${failures[0]}` : ""}`));
        const done = (error?: Error, message?: Extract<FromSwarm, { type: T }>) => {
          clearTimeout(timer);
          child.off("message", onMessage);
          child.off("exit", onExit);
          if (error) reject(error);
          else resolve(message!);
        };
        child.on("message", onMessage);
        child.once("exit", onExit);
      });
    return { child, count: options.perProcess, exited, next };
  });
  cleanup.add(async () => {
    for (const { child } of children) if (child.connected) child.send({ type: "stop" } satisfies ToSwarm);
    const timer = setTimeout(() => children.forEach(({ child }) => child.kill("SIGKILL")), 15_000);
    await Promise.all(children.map((c) => c.exited));
    clearTimeout(timer);
  });
  const started = children.map((c, p) => {
    const reply = c.next("started", 120_000);
    const dir = join(dataRoot, String(p));
    mkdirSync(dir);
    c.child.send({ type: "start", manager: manager.address, count: c.count, prefix: prefixes[p]!, dataRoot: dir, shared: options.shared, noDisk: options.noDisk } satisfies ToSwarm);
    return reply;
  });
  const startedReplies = await Promise.all(started);

  const statusAll = async () => {
    const replies = children.map((c) => c.next("status", 20_000));
    for (const { child } of children) child.send({ type: "status" } satisfies ToSwarm);
    return Promise.all(replies);
  };
  // Settled: every agent live and at the manager's revision.
  let lastSeen = "";
  await until(
    `all ${total} agents live at the manager's revision`,
    async () => {
      const head = (await manager.client.call("GetStatus", {})).revision;
      const statuses = await statusAll();
      const live = statuses.reduce((s, r) => s + r.live, 0);
      const atHead = statuses.reduce((s, r) => s + r.revisions.filter((v) => v >= head).length, 0);
      lastSeen = `${live} live, ${atHead} at revision ${head}`;
      return live === total && atHead === total;
    },
    120_000,
    250,
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last: ${lastSeen})`);
  });
  const settledMs = wallMs() - t0;
  const fds = (await statusAll()).map((s) => s.fds);
  // Each agent has its own watch connection and its own heartbeat connection (unless shared on purpose).
  const connections = establishedTo(manager.port);
  if (!options.shared && connections < 2 * total) {
    throw new Error(`${total} agents but only ${connections} established TCP connections to the manager's port ${manager.port}`);
  }

  const received = new Map<number, { reports: number; times: number[] }>();
  const waiters = new Map<number, () => void>();
  for (const { child } of children) {
    child.on("message", (m: FromSwarm) => {
      if (m.type !== "got") return;
      let entry = received.get(m.revision);
      if (!entry) received.set(m.revision, (entry = { reports: 0, times: [] }));
      entry.reports++;
      for (const t of m.times) entry.times.push(t);
      if (entry.reports === children.length) waiters.get(m.revision)?.();
    });
  }
  const everyone = (revision: number, timeoutMs: number) =>
    new Promise<number[]>((resolve, reject) => {
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(revision);
        const got = received.get(revision)!;
        received.delete(revision);
        resolve(got.times);
      };
      const timer = setTimeout(() => {
        waiters.delete(revision);
        reject(new Error(`revision ${revision} reached ${received.get(revision)?.times.length ?? 0} of ${total} agents (whole processes) within ${timeoutMs} ms`));
      }, timeoutMs);
      if (received.get(revision)?.reports === children.length) finish();
      else waiters.set(revision, finish);
    });
  const head = (await manager.client.call("GetStatus", {})).revision;
  for (const { child } of children) child.send({ type: "track", after: head } satisfies ToSwarm);
  await sleep(50); // the track message ahead of the first change

  let maintenance = false;
  const change = async () => {
    maintenance = !maintenance;
    const sent = wallMs();
    const reply = await manager.client.call("SetMaintenance", { id: target, maintenance });
    if (!reply.changed) throw new Error("a swarm change changed nothing");
    return { sent, acked: wallMs(), revision: reply.revision };
  };
  for (let i = 0; i < options.warmUp; i++) {
    const c = await change();
    await everyone(c.revision, 30_000);
    await sleep(20);
  }

  const quiet = await awaitQuiet(QUIET_WAIT_MS, 1.0); // 1,000 agents heartbeat every second: never idle
  const pids = children.map(({ child }) => child.pid!);
  const swarmCpu = () => pids.reduce((sum, pid) => sum + procCpuSeconds(pid), 0);
  // The background without changes (heartbeats, keep-alives): what the changes' CPU is compared with.
  const idle0 = { manager: manager.cpuSeconds(), swarm: swarmCpu(), wall: wallMs() };
  await sleep(2_000);
  const idleS = (wallMs() - idle0.wall) / 1000;
  const idleRate = { manager: (manager.cpuSeconds() - idle0.manager) / idleS, swarm: (swarmCpu() - idle0.swarm) / idleS };
  const times = new FanOutTimes();
  const changeWindows: [number, number][] = [];
  const cpu0 = { manager: manager.cpuSeconds(), swarm: pids.map(procCpuSeconds), bench: process.cpuUsage(), machine: machineCpuSeconds(), wall: wallMs() };
  for (let i = 0; i < options.changes; i++) {
    const c = await change();
    const hi = times.add(c, await everyone(c.revision, 30_000), total, "agents");
    changeWindows.push([c.sent, c.sent + hi]);
    await sleep(20);
  }
  const wallS = (wallMs() - cpu0.wall) / 1000;
  const managerCpuS = manager.cpuSeconds() - cpu0.manager;
  const swarmCpuS = pids.reduce((s, pid, i) => s + procCpuSeconds(pid) - cpu0.swarm[i]!, 0);
  const benchUsage = process.cpuUsage(cpu0.bench);
  const benchCpuS = (benchUsage.user + benchUsage.system) / 1e6;
  const othersCpuS = Math.max(0, machineCpuSeconds() - cpu0.machine - managerCpuS - swarmCpuS - benchCpuS);
  const perChange = {
    managerMs: (Math.max(0, managerCpuS - idleRate.manager * wallS) * 1000) / options.changes,
    agentUs: (Math.max(0, swarmCpuS - idleRate.swarm * wallS) * 1e6) / (options.changes * total),
  };
  const statuses = await statusAll();
  const rssMiB = statuses.map((s) => s.rssKiB / MIB);
  // Garbage collections in the agent processes during the timed changes: a pause holds up all of that process's agents.
  const timedFrom = cpu0.wall;
  const timedTo = cpu0.wall + wallS * 1000;
  const pauses = statuses.flatMap((s) => s.gc.filter((g) => g.at >= timedFrom && g.at <= timedTo));
  const bigPauses = pauses.filter((g) => g.ms >= 10);
  const gcNote =
    `garbage collections in the agent processes during the timed changes: ${pauses.length}, ${pauses.reduce((a, g) => a + g.ms, 0).toFixed(0)} ms ` +
    `in all, the longest ${Math.max(0, ...pauses.map((g) => g.ms)).toFixed(0)} ms, ${bigPauses.length} of 10 ms or more ` +
    `(heaps ${statuses.map((s) => (s.heapUsedKiB / MIB).toFixed(0)).join(", ")} MiB used); changes whose window (send → last agent) ` +
    `held a pause of 10 ms or more: ${changeWindows.filter(([from, to]) => bigPauses.some((g) => g.at + g.ms >= from && g.at <= to)).length} of ${changeWindows.length}`;
  const managerMem = manager.memoryKiB();

  const label = `${fmtCount(total)} agents`;
  rows.push({
    name: `${label}: start, all live at the head`,
    unit: "s",
    value: settledMs / 1000,
    note:
      `set-up: ${options.processes} processes × ${options.perProcess} RegistryAgent.start (dist/), each with its own LevelDB, Agent server, ` +
      `${options.shared ? "ONE shared connection per process (CAIRN_BENCH_SWARM_SHARED=1)" : "its own watch and heartbeat TCP connections"} ` +
      `(${fmtCount(connections)} established to the manager's port); ` +
      (options.noDisk ? "DIAGNOSTIC CAIRN_BENCH_SWARM_NO_DISK=1: the replicas' per-change LevelDB writes skipped; " : "") +
      `slowest process started its agents in ${(Math.max(...startedReplies.map((r) => r.ms)) / 1000).toFixed(1)} s`,
  });
  rows.push({
    name: `${label}: change → agent`,
    unit: "ms",
    summary: summarize(times.latencies),
    // SPEC 10's "one change reaching 1,000 watching agents" (p99 < 120 ms, beside etcd's 180 ms and a bare
    // grpc-js broadcast's 80 ms) is the fan-out, judged in the manager part on 1,000 watch channels. This row
    // adds every agent's own work on the same 2 cores, so it carries no budget: it is reported as measured.
    note:
      (total >= 1_000 ? "no budget here (SPEC 10's 120 ms is judged on the fan-out: manager part, 1,000 watchers); " : "") +
      `${options.changes} changes one at a time (SetMaintenance toggles, after ${options.warmUp} untimed) × ${total} agents, from sending the ` +
      `mutation to replica.onChange in each agent (the change decoded, its digest verified, applied to the route index); the same 2 cores ` +
      `run the manager (${pct(managerCpuS, wallS * 1000)} of one core during the changes: ${fmtCount(total)} watch streams and ` +
      `${fmtCount(total)} heartbeats/s), the ${options.processes} agent processes (${pct(swarmCpuS, wallS * 1000)}: decode, verify, index, ` +
      `LevelDB write per agent, heartbeats), the bench process (${pct(benchCpuS, wallS * 1000)}) and the rest of the machine ` +
      `(${pct(othersCpuS, wallS * 1000)}), over ${wallS.toFixed(1)} s${quietNote(quiet)}. Without changes (2 s before): manager ` +
      `${pct(idleRate.manager, 1000)}, agent processes ${pct(idleRate.swarm, 1000)}; so each change costs the manager ≈ ` +
      `${perChange.managerMs.toFixed(1)} ms of CPU and each agent ≈ ${perChange.agentUs.toFixed(0)} µs (× ${fmtCount(total)} agents = ` +
      `${((perChange.agentUs * total) / 1000).toFixed(0)} ms of CPU per change on these ${os.cpus().length} cores)`,
  });
  rows.push({ name: `${label}: change → last agent`, unit: "ms", summary: summarize(times.last), note: `per change: when the last agent had it; ${gcNote}` });
  rows.push({ name: `${label}: change → first agent`, unit: "ms", summary: summarize(times.first) });
  rows.push({ name: `${label}: mutation acknowledged`, unit: "ms", summary: summarize(times.acks), note: "the SetMaintenance reply (durable on the manager's disk)" });
  rows.push({
    name: `${label}: RSS per agent process`,
    unit: "MiB",
    summary: summarize(rssMiB),
    note: `${options.perProcess} agents each (≈ ${(rssMiB.reduce((a, b) => a + b, 0) / total).toFixed(1)} MiB per agent); manager ${(managerMem.rss / MIB).toFixed(0)} MiB`,
  });
  return {
    processes: options.processes,
    perProcess: options.perProcess,
    sharedConnections: options.shared,
    noDiskDiagnostic: options.noDisk,
    openFdsPerProcess: fds,
    connectionsToManager: connections,
    gcDuringChanges: { count: pauses.length, totalMs: round3(pauses.reduce((a, g) => a + g.ms, 0)), maxMs: round3(Math.max(0, ...pauses.map((g) => g.ms))), atLeast10ms: bigPauses.length },
    startMsPerProcess: startedReplies.map((r) => Math.round(r.ms)),
    managerCpuSeconds: round3(managerCpuS),
    swarmCpuSeconds: round3(swarmCpuS),
    benchCpuSeconds: round3(benchCpuS),
    otherProcessesCpuSeconds: round3(othersCpuS),
    wallSeconds: round3(wallS),
    idleCpuCores: { manager: round3(idleRate.manager), swarm: round3(idleRate.swarm) },
    cpuPerChange: { managerMs: round3(perChange.managerMs), perAgentUs: round3(perChange.agentUs) },
    quiet,
  };
}

// ---------------------------------------------------------------- helpers

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = wallMs();
  const result = await fn();
  return { result, ms: wallMs() - t0 };
}

interface CpuMark {
  procs: number[];
  bench: NodeJS.CpuUsage;
  machine: number;
  wall: number;
}

function cpuNow(procs: readonly Pick<ServerProcess, "cpuSeconds">[]): CpuMark {
  return { procs: procs.map((p) => p.cpuSeconds()), bench: process.cpuUsage(), machine: machineCpuSeconds(), wall: wallMs() };
}

/** CPU seconds since `mark`: [manager, agent, cc-a, cc-b] as given to cpuNow, the bench, the rest. */
function cpuSince(mark: CpuMark, procs: readonly Pick<ServerProcess, "cpuSeconds" | "pid">[]) {
  const used = procs.map((p, i) => {
    try {
      return p.cpuSeconds() - mark.procs[i]!;
    } catch {
      return 0; // killed meanwhile: its /proc entry is gone
    }
  });
  const bench = process.cpuUsage(mark.bench);
  const benchS = (bench.user + bench.system) / 1e6;
  const machine = machineCpuSeconds() - mark.machine;
  const [manager = 0, agent = 0, a = 0, b = 0] = used;
  return { manager, agent, cc: a + b, bench: benchS, others: Math.max(0, machine - manager - agent - a - b - benchS), wall: wallMs() - mark.wall };
}

function addCpu<T extends Record<string, number>>(x: T, y: T): T {
  const out = { ...x };
  for (const k of Object.keys(y) as (keyof T)[]) (out[k] as number) = (x[k] as number) + (y[k] as number);
  return out;
}
