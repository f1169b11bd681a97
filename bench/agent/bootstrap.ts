/**
 * Phase 2 of the agent bench (bench/agent.ts): agent bootstrap from a
 * snapshot of 100,000 hosts (10,000 domains, depth 8, imported as YAML into
 * a manager): a fresh agent process, from spawn until its Status shows the
 * manager's revision (polled every 20 ms), and its VmRSS right then and 2 s
 * later. Budgets: under 2 s and under 200 MB. Then the same agent restarted
 * on its full folder: time to the first Resolve answer (from disk).
 */
import type { AgentStatus__Output } from "../../src/generated/cairn/v1/AgentStatus.js";
import { formatFixture } from "../../src/fixture/format.js";
import { awaitQuiet, machineCpuSeconds, quietNote, type Cleanup, type Quiet } from "../lib/cairn-process.js";
import { fmtCount, round3, sleep, startAgentNode, startManagerNode, until, wallMs, type AgentNode, type ManagerNode } from "../lib/fleet.js";
import { describeRegistry, generateRegistry, SPEC_SIZE } from "../lib/generate.js";
import { summarize, timeMs, type Row } from "../lib/stats.js";
import { CC, MIB, QUIET_WAIT_MS, type NodeArgs } from "./shared.js";

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

export async function bootstrapPhase(cleanup: Cleanup, rows: Row[], options: { seed: number; hosts: number; runs: number; nodeArgs: NodeArgs }): Promise<Record<string, unknown>> {
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

async function timed<T>(fn: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const t0 = wallMs();
  const result = await fn();
  return { result, ms: wallMs() - t0 };
}
