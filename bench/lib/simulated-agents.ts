/**
 * The parent side of bench/scale-agents.ts: lightweight simulated agents
 * spread over a few child processes, each agent on its own connection,
 * keeping their hosts alive at a manager by session or unary heartbeats.
 * Host ids are `<prefix><process>-<index>`; agents are added in steps (so a
 * bench can measure at two sizes with one set of processes) and a process
 * can be SIGKILLed (its agents all fall silent at once).
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import type { HeartbeatReply__Output } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../../src/generated/cairn/v1/HeartbeatRequest.js";
import { v1 } from "../../src/wire/proto-loader.js";
import type { AgentMode, AgentsStatus, FromAgents, ToAgents } from "../scale-agents.js";
import { procCpuSeconds, type Cleanup } from "./cairn-process.js";
import { nextMessage } from "./child-message.js";
import { CHILD_EXEC_ARGV } from "../manager-write-load.js";

const AGENTS_SCRIPT = fileURLToPath(new URL("../scale-agents.ts", import.meta.url));

/** Agents opened at once per process by default; the next batch waits for these first replies. */
const OPEN_BATCH = 200;

interface AgentProcess {
  child: ChildProcess;
  hosts: string[];
  exited: Promise<void>;
  next<T extends FromAgents["type"]>(type: T, timeoutMs: number): Promise<Extract<FromAgents, { type: T }>>;
}

export interface SimulatedAgents {
  mode: AgentMode;
  /** Every agent's host id so far, by process. */
  hosts(process: number): readonly string[];
  allHosts(): string[];
  /** Adds `perProcess` agents to every process; resolves when all had their first reply, with how long that took. */
  add(perProcess: number): Promise<{ ms: number; recorded: number }>;
  status(): Promise<AgentsStatus[]>;
  /** The processes' CPU seconds so far. */
  cpuSeconds(): number;
  pids(): number[];
  /** SIGKILLs process `p`; the wall-clock ms of the signal. */
  kill(p: number): Promise<number>;
}

export function startSimulatedAgents(
  cleanup: Cleanup,
  options: { address: string; processes: number; mode: AgentMode; prefix: string; revision?: number; domain?: (process: number) => string; batch?: number },
): SimulatedAgents {
  const procs: AgentProcess[] = Array.from({ length: options.processes }, (_, p) => {
    const child = fork(AGENTS_SCRIPT, [], { execArgv: CHILD_EXEC_ARGV, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    cleanup.child(child);
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const next = <T extends FromAgents["type"]>(type: T, timeoutMs: number) => nextMessage<FromAgents, T>(child, `agent process ${p}`, type, timeoutMs);
    return { child, hosts: [], exited, next };
  });
  cleanup.add(async () => {
    for (const { child } of procs) if (child.connected) child.send({ type: "stop" } satisfies ToAgents);
    const timer = setTimeout(() => procs.forEach(({ child }) => child.kill("SIGKILL")), 15_000);
    await Promise.all(procs.map((p) => p.exited));
    clearTimeout(timer);
  });
  const alive = () => procs.filter((p) => p.child.exitCode === null && p.child.signalCode === null);
  const status = () => {
    const live = alive();
    const replies = live.map((p) => p.next("status", 20_000));
    for (const { child } of live) child.send({ type: "status" } satisfies ToAgents);
    return Promise.all(replies);
  };
  return {
    mode: options.mode,
    hosts: (p) => procs[p]!.hosts,
    allHosts: () => procs.flatMap((p) => p.hosts),
    async add(perProcess) {
      const replies = procs.map((proc, p) => {
        const from = proc.hosts.length;
        const hosts = Array.from({ length: perProcess }, (_, i) => `${options.prefix}${p}-${String(from + i).padStart(5, "0")}`);
        proc.hosts.push(...hosts);
        const reply = proc.next("added", 300_000);
        proc.child.send({ type: "add", address: options.address, hosts, mode: options.mode, revision: options.revision ?? 0, batch: options.batch ?? OPEN_BATCH, domain: options.domain?.(p) ?? "/" } satisfies ToAgents);
        return reply;
      });
      const added = await Promise.all(replies).catch(async (error: Error) => {
        // Which agents are still waiting for their first answer, and what went wrong so far, from each process still up.
        const statuses = await status().catch((e: Error) => e.message);
        throw new Error(`${error.message}; the agent processes say: ${JSON.stringify(statuses)}`);
      });
      return { ms: Math.max(...added.map((a) => a.ms)), recorded: added.reduce((s, a) => s + a.recorded, 0) };
    },
    status,
    cpuSeconds: () => alive().reduce((sum, p) => sum + procCpuSeconds(p.child.pid!), 0),
    pids: () => alive().map((p) => p.child.pid!),
    async kill(p) {
      const proc = procs[p]!;
      const at = performance.timeOrigin + performance.now();
      proc.child.kill("SIGKILL");
      await proc.exited;
      return at;
    },
  };
}

export interface SessionProbe {
  /** "session" when the manager answered a Session's first heartbeat, "unary" when Session is UNIMPLEMENTED. */
  mode: AgentMode;
  /** The first reply's interval_ms and down_after_ms (a session's only). */
  intervalMs?: number;
  downAfterMs?: number;
}

/**
 * Whether `address` serves Replication.Session: one session opened for
 * `host` with a whole heartbeat, then cancelled (the host is left to go
 * down). Throws on anything but a reply or UNIMPLEMENTED.
 */
export async function sessionSupport(address: string, host: string): Promise<SessionProbe> {
  const client = new v1.Replication(address, grpc.credentials.createInsecure());
  try {
    const call = client.Session() as grpc.ClientDuplexStream<HeartbeatRequest, HeartbeatReply__Output>;
    const probe = await new Promise<SessionProbe>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no reply to a Session's first heartbeat within 10 s")), 10_000);
      call.on("data", (reply: HeartbeatReply__Output) => {
        clearTimeout(timer);
        resolve({ mode: "session", intervalMs: reply.interval_ms, downAfterMs: reply.down_after_ms });
      });
      call.on("error", (error: grpc.ServiceError) => {
        clearTimeout(timer);
        if (error.code === grpc.status.UNIMPLEMENTED) resolve({ mode: "unary" });
        else reject(new Error(`a probe Session failed: ${grpc.status[error.code]} ${error.details}`));
      });
      call.write({ host, epoch: 0, packages: [], address: "127.0.0.1", domain: "/", revision: 0, watching: "" });
    });
    call.on("error", () => undefined);
    call.cancel();
    return probe;
  } finally {
    client.close();
  }
}
