/**
 * Phase 3 of the agent bench (bench/agent.ts): one change reaching many
 * agents. Real agents (RegistryAgent from dist/, the code `cairn agent
 * start` runs) packed 250 per child process (bench/lib/agent-swarm.ts),
 * each with its own LevelDB, Agent server, watch and heartbeat
 * connections, against a real manager process: 1,000 agent PROCESSES
 * (≈ 70 MiB resident each when idle, more once busy: see the failover
 * phase's info) would need ~70 GiB on a machine with 23.5, and 1,000 node
 * event loops on 2 cores.
 *
 * 250 agents, then 1,000 (4 × 250); changes are committed one at a time and
 * timed from sending the mutation to each agent's receipt
 * (replica.onChange). No budget: SPEC 10's 120 ms for 1,000 watching agents
 * is the fan-out (set beside etcd's watchers and a bare grpc-js broadcast),
 * judged in the manager part on 1,000 watch channels; here every agent's
 * own work (decode, digest, index, disk) shares the same 2 cores too. The
 * notes give what shares the cores, each change's CPU cost per agent and
 * the garbage collections of the packed processes.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { emptyRegistry, newHost } from "../../src/registry/model.js";
import type { FromSwarm, ToSwarm } from "../lib/agent-swarm.js";
import { awaitQuiet, establishedTo, machineCpuSeconds, pct, procCpuSeconds, quietNote, type Cleanup } from "../lib/cairn-process.js";
import { fmtCount, importRegistry, round3, sleep, startManagerNode, until, wallMs } from "../lib/fleet.js";
import { nextMessage } from "../lib/child-message.js";
import { FanOutTimes, summarize, type Row } from "../lib/stats.js";
import { MIB, QUIET_WAIT_MS, type NodeArgs } from "./shared.js";

const SWARM_SCRIPT = fileURLToPath(new URL("../lib/agent-swarm.ts", import.meta.url));
const CHILD_EXEC_ARGV = ["--import", "tsx", ...(process.env.CAIRN_BENCH_CHILD_NODE_ARGS ?? "").split(/\s+/).filter(Boolean)];

interface SwarmChild {
  child: ChildProcess;
  count: number;
  exited: Promise<void>;
  /** The next message of a type. */
  next<T extends FromSwarm["type"]>(type: T, timeoutMs: number): Promise<Extract<FromSwarm, { type: T }>>;
}

export async function swarmPhase(
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
      nextMessage<FromSwarm, T>(child, `swarm process ${prefix}`, type, timeoutMs, () => (failures.length ? `: ${failures[0]}` : ""));
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
