/**
 * The high-availability bench (SPEC 7), against REAL `cairn manager start`
 * processes started from the compiled tree (`npm run bench` builds first),
 * loopback only:
 *
 * 1. durable write throughput and latency with `--sync-backups` 0, 1 and 2:
 *    a primary and two backups (`--join`), 64 concurrent writers toggling
 *    SetMaintenance on 64 hosts registered beforehand, acknowledgements
 *    counted over a 3 s window after 1 s of warm-up. The writers run in a
 *    child process with the manager bench's lean HTTP/2 gRPC client
 *    (bench/manager-writers.ts); the same writers against a lone manager
 *    (no backups) first, as the reference on the same machine;
 * 2. promotion: a primary, two backups and 5 `cairn agent start`
 *    processes; the primary is SIGKILLed, then `PromoteManager` is sent to
 *    the most up-to-date backup (the RPC `cairn promote-manager` sends,
 *    without the CLI's node start-up), while a writer loop hits that backup
 *    from the kill on: the time from sending the promotion to the first
 *    acknowledged write on the new primary; and, polling every agent's
 *    Status every 20 ms from the kill on, the time until every agent is
 *    connected to a live manager, and until every agent has the new
 *    primary's first write. Run with --sync-backups 0 and 1 (with 2, one
 *    surviving backup can never satisfy the new primary: writes stay
 *    UNAVAILABLE by design until a second backup is back).
 *
 * No budget in SPEC 10 for these; the 64-writer figure of SPEC 10 (5,000/s
 * for one manager) is given for comparison. Every timed window first waits
 * (up to 10 s) for a quiet machine and every note says where the CPU went.
 * Every process is stopped and every temp folder removed, also on failure.
 *
 * Env knobs: CAIRN_BENCH_MANAGER_NODE_ARGS (node flags for every manager,
 * e.g. `--cpu-prof --cpu-prof-dir /tmp/prof`), CAIRN_BENCH_HA_K (the
 * --sync-backups values of the write runs, default `0,1,2`),
 * CAIRN_BENCH_HA_PROMOTE_K (default `0,1`), CAIRN_BENCH_HA_ALONE=0 (no lone-manager
 * reference run).
 */
import { fork } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import type { AgentStatus__Output } from "../src/generated/cairn/v1/AgentStatus.js";
import { awaitQuiet, checkBuild, Cleanup, machineCpuSeconds, quietNote, type Quiet } from "./lib/cairn-process.js";
import { round3, sleep, startAgentNode, startManagerNode, until, wallMs, type ManagerNode } from "./lib/fleet.js";
import { cluster } from "./lib/ha-cluster.js";
import { automaticFailoverRound, failoverRows } from "./ha-failover.js";
import { startEtcd } from "../test/support/etcd.js";
import { ETCD, installed, missingLine } from "../test/support/system-packages.js";
import { report, summarize, type PartReport, type Row } from "./lib/stats.js";
import type { FromWriters, RunWriters } from "./manager-writers.js";

export interface HaBenchOptions {
  writeK?: readonly number[];
  promoteK?: readonly number[];
  writers?: number;
  warmUpMs?: number;
  windowMs?: number;
  agents?: number;
  /** Also run the writers against a lone manager (no backups), for comparison (default true). */
  alone?: boolean;
  /** Promotions per --sync-backups value, each on a fresh cluster. */
  promoteRounds?: number;
}

const QUIET_WAIT_MS = 10_000;
const WRITERS_SCRIPT = fileURLToPath(new URL("./manager-writers.ts", import.meta.url));
const CHILD_EXEC_ARGV = ["--import", "tsx", ...(process.env.CAIRN_BENCH_CHILD_NODE_ARGS ?? "").split(/\s+/).filter(Boolean)];
const words = (v: string | undefined) => (v ?? "").split(/\s+/).filter(Boolean);
/** `0,1,2` → [0, 1, 2]; an empty value → [] (none); unset → undefined (the default). */
const numbers = (v: string | undefined) => (v === undefined ? undefined : v.split(",").filter((s) => s.trim() !== "").map((s) => Number(s.trim())));

export async function benchHa(options: HaBenchOptions = {}): Promise<PartReport> {
  const stale = checkBuild();
  if (stale) console.error(`warning: ${stale}`);
  const nodeArgs = words(process.env.CAIRN_BENCH_MANAGER_NODE_ARGS);
  const writeK = options.writeK ?? numbers(process.env.CAIRN_BENCH_HA_K) ?? [0, 1, 2];
  const promoteK = options.promoteK ?? numbers(process.env.CAIRN_BENCH_HA_PROMOTE_K) ?? [0, 1];
  const rows: Row[] = [];
  const info: Record<string, unknown> = { cores: os.cpus().length, loadAverageAtStart: os.loadavg() };
  if (stale) info.staleBuild = stale;
  const writes: Record<string, unknown> = {};
  const promotions: Record<string, unknown> = {};
  // Each run has its own clean-up: no process of one run shares the cores with the next.
  const run = async (phase: (cleanup: Cleanup) => Promise<unknown>) => {
    const cleanup = new Cleanup();
    try {
      return await phase(cleanup);
    } finally {
      const problems = await cleanup.run();
      if (problems.length > 0) console.error(`ha bench clean-up: ${problems.join("; ")}`);
    }
  };
  const load = { writers: options.writers ?? 64, warmUpMs: options.warmUpMs ?? 1_000, windowMs: options.windowMs ?? 3_000, nodeArgs };
  // The reference: the same writers against a lone manager (no backups) on the same machine.
  if (options.alone ?? process.env.CAIRN_BENCH_HA_ALONE !== "0") writes.alone = await run((cleanup) => writePhase(cleanup, rows, { ...load, k: 0, alone: true }));
  for (const k of writeK) writes[`sync-backups ${k}`] = await run((cleanup) => writePhase(cleanup, rows, { ...load, k }));
  const failover = await coordinatedFailover(run, rows, load);
  if (failover) Object.assign(writes, failover.writes);
  for (const k of promoteK) {
    const rounds: Promotion[] = [];
    for (let r = 0; r < (options.promoteRounds ?? 3); r++) {
      rounds.push((await run((cleanup) => promotionRound(cleanup, { k, agents: options.agents ?? 5, nodeArgs }))) as Promotion);
    }
    promotions[`sync-backups ${k}`] = rounds.map((r) => r.info);
    promotionRows(rows, k, rounds);
  }
  info.writes = writes;
  info.promotions = promotions;
  if (failover) info.failover = failover.rounds;
  return report("ha", "registry manager high availability (SPEC 7: a primary, two backups, real processes)", rows, info);
}

/**
 * With a real etcd: sync writes (--sync-backups 1) with the coordinator, beside the run without it above,
 * and the primary SIGKILLed, timed to the first acknowledged write on the one etcd elects (SPEC 16: 7 s at
 * the default 5 s lease). Without etcd, a row says so.
 */
async function coordinatedFailover(
  run: (phase: (cleanup: Cleanup) => Promise<unknown>) => Promise<unknown>,
  rows: Row[],
  load: { writers: number; warmUpMs: number; windowMs: number; nodeArgs: string[] },
): Promise<{ writes: Record<string, unknown>; rounds: unknown[] } | undefined> {
  if (!installed(ETCD)) {
    rows.push({ name: "automatic failover (etcd)", unit: "", note: `not measured: ${missingLine(ETCD)}` });
    return undefined;
  }
  const withEtcd = (phase: (cleanup: Cleanup, url: string) => Promise<unknown>) =>
    run(async (cleanup) => {
      const etcd = await startEtcd((fn) => cleanup.add(fn), cleanup.tempDir("cairn-bench-etcd-"));
      return phase(cleanup, etcd.url);
    });
  const writes = { "sync-backups 1, coordinator": await withEtcd((cleanup, url) => writePhase(cleanup, rows, { ...load, k: 1, coordinator: url })) };
  const rounds = [];
  for (let r = 0; r < 3; r++) rounds.push(await withEtcd((cleanup, url) => automaticFailoverRound(cleanup, url, load.nodeArgs)));
  failoverRows(rows, rounds as Awaited<ReturnType<typeof automaticFailoverRound>>[]);
  return { writes, rounds };
}

// ---------------------------------------------------------------- 1. writes

async function writePhase(
  cleanup: Cleanup,
  rows: Row[],
  options: { k: number; alone?: boolean; coordinator?: string; writers: number; warmUpMs: number; windowMs: number; nodeArgs: string[] },
): Promise<Record<string, unknown>> {
  const { k } = options;
  const managers = options.alone
    ? [await startManagerNode(cleanup, { host: "m1", nodeArgs: options.nodeArgs })]
    : await cluster(cleanup, k, options.nodeArgs, { coordinator: options.coordinator });
  const [primary, ...backups] = managers as [ManagerNode, ...ManagerNode[]];
  const hosts = Array.from({ length: options.writers }, (_, i) => `ha-writer-${String(i).padStart(3, "0")}`);
  for (const id of hosts) await primary.client.call("RegisterHost", { id, domain: "/", address: "127.0.0.1" });
  await until("the backups at the primary's revision", async () => {
    const [p, ...b] = await Promise.all(managers.map((m) => m.client.call("GetStatus", {})));
    return b.every((s) => s.revision === p!.revision);
  });

  const child = fork(WRITERS_SCRIPT, [], { execArgv: CHILD_EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  cleanup.child(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const next = <T extends FromWriters["type"]>(type: T) =>
    new Promise<Extract<FromWriters, { type: T }>>((resolve, reject) => {
      const onMessage = (message: FromWriters) => {
        if (message.type !== type && message.type !== "failed") return;
        child.off("message", onMessage);
        if (message.type === "failed") reject(new Error(`--sync-backups ${k}: the writer process failed: ${message.message}`));
        else resolve(message as Extract<FromWriters, { type: T }>);
      };
      child.on("message", onMessage);
      child.once("exit", (code, signal) => reject(new Error(`the writer process exited (${code ?? signal}) before "${type}"`)));
    });
  const ready = next("ready");
  const done = next("done");
  ready.catch(() => undefined);
  done.catch(() => undefined);
  await ready;

  const before = (await primary.client.call("GetStatus", {})).revision;
  const quiet = await awaitQuiet(QUIET_WAIT_MS);
  const windowStart = wallMs() + options.warmUpMs;
  const windowEnd = windowStart + options.windowMs;
  child.send({ type: "run", address: primary.address, hosts, windowStart, windowEnd, client: "http2" } satisfies RunWriters);
  await sleep(windowStart - wallMs());
  const cpu0 = { managers: managers.map((m) => m.cpuSeconds()), bench: process.cpuUsage(), machine: machineCpuSeconds() };
  await sleep(windowEnd - wallMs());
  const managersCpuS = managers.map((m, i) => m.cpuSeconds() - cpu0.managers[i]!);
  const benchUsage = process.cpuUsage(cpu0.bench);
  const benchCpuS = (benchUsage.user + benchUsage.system) / 1e6;
  const machineCpuS = machineCpuSeconds() - cpu0.machine;
  const result = await done;
  await exited;
  const othersCpuS = Math.max(0, machineCpuS - managersCpuS.reduce((a, b) => a + b, 0) - result.cpuSeconds - benchCpuS);

  // Sanity: every acknowledged write is one revision (the backups' heartbeats change nothing by now), and both backups converge.
  const head = await primary.client.call("GetStatus", {});
  const moved = head.revision - before;
  if (result.unchanged > 0) throw new Error(`--sync-backups ${k}: ${result.unchanged} writes changed nothing`);
  if (moved < result.acknowledged) throw new Error(`--sync-backups ${k}: ${result.acknowledged} writes acknowledged but the revision moved by ${moved}`);
  const digest = Buffer.from(head.digest).toString("hex");
  const convergedAt = await until(
    "both backups converged on the primary's digest",
    async () => {
      const all = await Promise.all(backups.map((m) => m.client.call("GetStatus", {})));
      return all.every((s) => Buffer.from(s.digest).toString("hex") === digest) ? wallMs() : undefined;
    },
    30_000,
    20,
  );
  const convergeMs = convergedAt - windowEnd;

  const windowS = options.windowMs / 1000;
  const pct = (s: number) => `${Math.round((s * 100) / windowS)}%`;
  const label = options.alone ? "lone manager (no backups)" : `--sync-backups ${k}${options.coordinator ? ", coordinator" : ""}`;
  const cpuOf = options.alone
    ? `manager ${pct(managersCpuS[0]!)}`
    : `primary ${pct(managersCpuS[0]!)}, backups ${pct(managersCpuS[1]!)} and ${pct(managersCpuS[2]!)}`;
  rows.push({
    name: `${label}: durable mutations`,
    unit: "/s",
    value: result.counted / windowS,
    note:
      `${options.writers} writers (one HTTP/2 connection, lean gRPC client, bench/manager-writers.ts) toggling SetMaintenance on their own ` +
      `host; ${result.counted} acknowledged in ${windowS} s after ${options.warmUpMs / 1000} s of warm-up; ` +
      (options.alone
        ? "one manager, no backup: the reference for the runs below; "
        : k === 0
          ? "two backups following, acknowledged once on the primary's disk; "
          : `two backups following, acknowledged once on the primary's disk and ${k} backup(s)' disks` +
            (options.coordinator ? ", the primary elected on etcd and its sync record kept there; " : "; ")) +
      `CPU during the window: ${cpuOf}, writer process ${pct(result.cpuSeconds)}, bench process ${pct(benchCpuS)}, other processes ` +
      `${pct(othersCpuS)} of one core, ${os.cpus().length} cores` +
      (options.alone ? "" : `; backups converged ${Math.max(0, convergeMs).toFixed(0)} ms after the window`) +
      `${quietNote(quiet)}. SPEC 10 asks 5,000/s of one manager with 64 writers (no budget here)`,
  });
  rows.push({ name: `${label}: write latency`, unit: "ms", summary: summarize(result.latencyMs) });
  return {
    acknowledged: result.acknowledged,
    counted: result.counted,
    revisions: moved,
    primaryCpuSeconds: round3(managersCpuS[0]!),
    backupsCpuSeconds: managersCpuS.slice(1).map(round3),
    managers: managers.map((m) => m.args.join(" ")),
    writerCpuSeconds: round3(result.cpuSeconds),
    benchCpuSeconds: round3(benchCpuS),
    otherProcessesCpuSeconds: round3(othersCpuS),
    backupsConvergedAfterWindowMs: Math.round(convergeMs),
    quiet,
  };
}

// ---------------------------------------------------------------- 2. promotion

async function promotionRound(cleanup: Cleanup, options: { k: number; agents: number; nodeArgs: string[] }): Promise<Promotion> {
  const { k } = options;
  const [primary, m2, m3] = await cluster(cleanup, k, options.nodeArgs);
  const target = "ha-promotion-target";
  await primary.client.call("RegisterHost", { id: target, domain: "/", address: "127.0.0.1" });
  const agents = await Promise.all(
    Array.from({ length: options.agents }, (_, i) => startAgentNode(cleanup, { host: `ha-agent-${i}`, managers: [primary.address] })),
  );
  const statuses = () => Promise.all(agents.map((a) => a.client.status()));
  // Settled: every agent registered, watching the primary, at its revision; the backups too.
  await until(
    "every agent watching the primary at its revision",
    async () => {
      const head = (await primary.client.call("GetStatus", {})).revision;
      const [all, a, b] = await Promise.all([statuses(), m2.client.call("GetStatus", {}), m3.client.call("GetStatus", {})]);
      return all.every((s) => s.connected && s.manager_address === primary.address && s.revision === head) && a.revision === head && b.revision === head;
    },
    30_000,
    50,
  );
  const quiet = await awaitQuiet(QUIET_WAIT_MS, 0.3); // 5 agents and 2 backups heartbeat every second
  // The backup to promote: the most up-to-date (they are equal on a quiet cluster; m2 on a tie).
  const [s2, s3] = await Promise.all([m2.client.call("GetStatus", {}), m3.client.call("GetStatus", {})]);
  const chosen = s3.revision > s2.revision ? m3 : m2;
  const other = chosen === m2 ? m3 : m2;
  const live = new Set([m2.address, m3.address]);

  // From the kill on: a writer loop on the chosen backup, and every agent's Status every 20 ms.
  let stop = false;
  const writeFailures = new Map<string, number>();
  let firstWrite: { at: number; revision: number; epoch: number; latencyMs: number } | undefined;
  const killedAt = await primary.kill();
  const writer = (async () => {
    while (!stop && !firstWrite) {
      const t0 = wallMs();
      try {
        const reply = await chosen.client.call("SetMaintenance", { id: target, maintenance: true });
        const at = wallMs();
        firstWrite = { at, revision: reply.revision, epoch: reply.epoch, latencyMs: at - t0 };
      } catch (error) {
        const code = (error as grpc.ServiceError).code;
        const key = `${grpc.status[code] ?? code}: ${(error as grpc.ServiceError).details?.slice(0, 50) ?? ""}…`;
        writeFailures.set(key, (writeFailures.get(key) ?? 0) + 1);
        await sleep(2);
      }
    }
  })();
  const watching = new Map<string, number>();
  const poller = (async () => {
    while (!stop && watching.size < agents.length) {
      const polledAt = wallMs();
      const polled = await Promise.all(agents.map((a) => a.client.status().catch(() => undefined)));
      for (const s of polled.filter((s): s is AgentStatus__Output => !!s)) {
        if (!watching.has(s.host) && s.connected && live.has(s.manager_address)) watching.set(s.host, polledAt - killedAt);
      }
      await sleep(Math.max(0, polledAt + 20 - wallMs()));
    }
  })();

  const promoteSentAt = wallMs();
  let promotion;
  try {
    promotion = await chosen.client.call("PromoteManager", { host: chosen.host, force: false });
  } catch (error) {
    stop = true;
    await Promise.all([writer, poller]);
    throw new Error(`promote-manager ${chosen.host} was refused: ${(error as grpc.ServiceError).details ?? error}`);
  }
  const promoteRepliedAt = wallMs();
  try {
    await until("the first acknowledged write on the new primary", () => firstWrite, 30_000, 5);
    await until("every agent watching a live manager", () => watching.size === agents.length, 30_000, 20);
  } finally {
    stop = true;
    await Promise.all([writer, poller]);
  }
  const written = firstWrite!;
  // Every agent has the new primary's first write (its epoch and revision) in its replica.
  const allHaveIt = await until(
    "every agent with the new primary's first write",
    async () => {
      const all = await statuses();
      return all.every((s) => s.epoch === written.epoch && s.revision >= written.revision) ? { at: wallMs(), all } : undefined;
    },
    30_000,
    20,
  );
  const otherFollows = await until(
    `${other.host} following the new primary`,
    async () => ((await chosen.client.call("GetStatus", {})).backups.some((b) => b.host === other.host && b.connected) ? wallMs() : undefined),
    30_000,
    20,
  );

  const promoteToWrite = written.at - promoteSentAt;
  const watchTimes = [...watching.values()];
  return {
    k,
    agents: agents.length,
    promoted: chosen.host,
    other: other.host,
    live: [...live],
    sentAfterKillMs: promoteSentAt - killedAt,
    answeredMs: promoteRepliedAt - promoteSentAt,
    firstWriteMs: promoteToWrite,
    firstWriteAfterAnswerMs: written.at - promoteRepliedAt,
    everyAgentOnLiveManagerMs: Math.max(...watchTimes),
    perAgentOnLiveManagerMs: watchTimes,
    everyAgentHasFirstWriteMs: allHaveIt.at - promoteSentAt,
    refusals: [...writeFailures].map(([key, n]) => `${n}× ${key}`),
    quiet,
    info: {
      promoted: chosen.host,
      epoch: promotion.epoch,
      reason: promotion.reason,
      promoteSentAfterKillMs: Math.round(promoteSentAt - killedAt),
      promoteAnsweredMs: Math.round(promoteRepliedAt - promoteSentAt),
      firstWriteAfterPromoteMs: Math.round(promoteToWrite),
      firstWrite: written,
      refusalsBeforeFirstWrite: Object.fromEntries(writeFailures),
      otherBackupFollowingAfterPromoteMs: Math.round(otherFollows - promoteSentAt),
      agentsOnLiveManagerMs: Object.fromEntries([...watching].map(([h, t]) => [h, Math.round(t)])),
      agentsFinal: allHaveIt.all.map((s) => ({ host: s.host, manager: s.manager_address, epoch: s.epoch, revision: s.revision })),
      quiet,
    },
  };
}

interface Promotion {
  k: number;
  agents: number;
  promoted: string;
  other: string;
  live: string[];
  sentAfterKillMs: number;
  answeredMs: number;
  firstWriteMs: number;
  firstWriteAfterAnswerMs: number;
  everyAgentOnLiveManagerMs: number;
  perAgentOnLiveManagerMs: number[];
  everyAgentHasFirstWriteMs: number;
  refusals: string[];
  quiet: Quiet;
  info: Record<string, unknown>;
}

function promotionRows(rows: Row[], k: number, rounds: readonly Promotion[]): void {
  const label = `promotion, --sync-backups ${k}`;
  const of = (f: (p: Promotion) => number) => summarize(rounds.map(f));
  const quiet = rounds.map((r) => quietNote(r.quiet)).filter(Boolean);
  rows.push({
    name: `${label}: promote → first acknowledged write`,
    unit: "ms",
    summary: of((p) => p.firstWriteMs),
    note:
      `${rounds.length} rounds, each on a fresh cluster (m1 primary, m2 and m3 backups, ${rounds[0]?.agents} agent processes): m1 SIGKILLed, ` +
      `PromoteManager(HOST) sent to the most up-to-date backup (${rounds.map((r) => r.promoted).join(", ")}) ` +
      `${rounds.map((r) => r.sentAfterKillMs.toFixed(0)).join(", ")} ms after the kill; a writer loop on that backup since the kill ` +
      `(SetMaintenance, retrying 2 ms after each refusal) timed to its first acknowledgement, ` +
      `${rounds.map((r) => r.firstWriteAfterAnswerMs.toFixed(0)).join(", ")} ms after the RPC's answer` +
      (k > 0 ? ` (the write waits for ${k} backup: the other backup must follow the new primary first)` : "") +
      `; refusals before it: ${rounds.map((r) => r.refusals.join("; ") || "none").join(" | ")}${quiet.join("")}`,
  });
  rows.push({ name: `${label}: PromoteManager answered`, unit: "ms", summary: of((p) => p.answeredMs), note: "the promotion RPC alone, as `cairn promote-manager` sends it (without the CLI's node start-up)" });
  rows.push({
    name: `${label}: kill → every agent on a live manager`,
    unit: "ms",
    summary: of((p) => p.everyAgentOnLiveManagerMs),
    note:
      `per round, the last of the agents (Status polled every 20 ms from the kill: connected, manager_address a live manager); ` +
      `per agent: ${rounds.map((r) => r.perAgentOnLiveManagerMs.map((t) => t.toFixed(0)).join("/")).join(" | ")} ms; the agents move to a backup ` +
      `by themselves, independently of the promotion`,
  });
  rows.push({
    name: `${label}: promote → every agent has the first write`,
    unit: "ms",
    summary: of((p) => p.everyAgentHasFirstWriteMs),
    note: "every agent's Status at the new epoch with a revision at least the first write's (polled every 20 ms)",
  });
}
