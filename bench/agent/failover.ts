/**
 * Phase 1 of the agent bench (bench/agent.ts): a routed call while its
 * manager is killed. A registry manager, two Command Control managers (cc-a
 * in the agent's domain, preferred; cc-b in the parent domain, the
 * fallback) and one `cairn agent start`; two sequential loops of
 * Agent.Authorize calls, cc-a SIGKILLed in the middle. Budgets: no failed
 * call; p99 of the calls in the 2 s after the kill minus the p99 of the
 * calls before it under 50 ms. The round is repeated (cc-a restarted on its
 * port, calls back on it) to get more than one kill.
 */
import os from "node:os";
import { awaitQuiet, machineCpuSeconds, pct, type Cleanup } from "../lib/cairn-process.js";
import { round3, sleep, startCommandControlNode, until, wallMs, type FleetServer } from "../lib/fleet.js";
import { summarize, type Row } from "../lib/stats.js";
import { CC, MIB, QUIET_WAIT_MS, type NodeArgs } from "./shared.js";
import { twoManagerFleet } from "./two-managers.js";

interface Call {
  start: number;
  end: number;
  ok: boolean;
  servedBy: string;
  tried: number;
  error?: string;
}

export async function failoverPhase(
  cleanup: Cleanup,
  rows: Row[],
  options: { rounds: number; loops: number; beforeMs: number; afterMs: number; nodeArgs: NodeArgs },
): Promise<Record<string, unknown>> {
  const fleet = await twoManagerFleet(cleanup, options.nodeArgs, "failover.yaml");
  const { manager, fallback, agent } = fleet;
  let { preferred } = fleet;
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
    const cpu0 = cpuNow([manager, agent, preferred, fallback]);
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
    const used = cpuSince(cpu0, [manager, agent, preferred, fallback]);
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

    // cc-a back on its port: its ejection ends, a health probe finds it, and calls return to it.
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
      `calls were back on it after ${perRound.map((r) => r.backOnRestartedMs).join(", ")} ms (an ejected manager is probed when its ejection ends, 1 s × its ejections in a row)` +
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

interface CpuMark {
  procs: number[];
  bench: NodeJS.CpuUsage;
  machine: number;
  wall: number;
}

function cpuNow(procs: readonly Pick<FleetServer, "cpuSeconds">[]): CpuMark {
  return { procs: procs.map((p) => p.cpuSeconds()), bench: process.cpuUsage(), machine: machineCpuSeconds(), wall: wallMs() };
}

/** CPU seconds since `mark`: [manager, agent, cc-a, cc-b] as given to cpuNow, the bench, the rest. */
function cpuSince(mark: CpuMark, procs: readonly Pick<FleetServer, "cpuSeconds" | "pid">[]) {
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
