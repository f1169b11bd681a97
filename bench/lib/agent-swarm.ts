/**
 * A child process of the agent bench's swarm phase (bench/agent/swarm.ts):
 * runs N real registry agents in one process, each `RegistryAgent.start(…)` from the compiled
 * tree (dist/registry-agent/agent.js, what `cairn agent start` runs) with
 * its own LevelDB folder, its own Agent server on 127.0.0.1:0, its own
 * watch feed and heartbeats to the manager. It reports over IPC, for each
 * change revision after the one it is told to track from, every agent's
 * receipt time (hooked on `agent.replica.onChange`, i.e. once the change
 * is verified and applied to the in-memory replica) as wall-clock ms
 * (performance.timeOrigin + performance.now(), the parent's clock too).
 *
 * Separate connections: grpc-js shares one TCP connection between all
 * clients of a process that have the same target and options (its global
 * subchannel pool), so N in-process agents would otherwise watch over ONE
 * HTTP/2 connection. Real agents are separate processes with a connection
 * each, so by default this script starts every agent with a local
 * subchannel pool (the agent's `channelOptions`,
 * `grpc.use_local_subchannel_pool`): every agent then has its own watch
 * connection and its own heartbeat connection, as `cairn agent start` has.
 * `shared: true` leaves grpc-js's default (one connection per process).
 *
 * `noDisk: true` is a diagnostic, not the agent as it ships: each replica's
 * per-change LevelDB write is skipped (its private `persist` replaced by a
 * no-op after start), to show what that write costs when a thousand agents
 * share two cores.
 *
 * Messages in:  { type: "start", manager, count, prefix, dataRoot, shared } |
 *               { type: "status" } | { type: "track", after } | { type: "stop" }
 * Messages out: { type: "started", ms, fds } | { type: "status", revisions, live, rssKiB, heapUsedKiB, fds, gc } |
 *               { type: "got", revision, times } | { type: "failed", message } | { type: "stopped" }
 */
import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { performance, PerformanceObserver } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "./cairn-process.js";

export type ToSwarm =
  | { type: "start"; manager: string; count: number; prefix: string; dataRoot: string; shared: boolean; noDisk?: boolean }
  | { type: "status" }
  | { type: "track"; after: number }
  | { type: "stop" };

export type FromSwarm =
  | { type: "started"; ms: number; fds: number }
  | {
      type: "status";
      revisions: number[];
      live: number;
      rssKiB: number;
      heapUsedKiB: number;
      fds: number;
      /** Garbage collections since tracking began: wall-clock start and duration in ms, and V8's kind. */
      gc: { at: number; ms: number; kind: number }[];
    }
  | { type: "got"; revision: number; times: number[] }
  | { type: "failed"; message: string }
  | { type: "stopped" };

type AgentModule = typeof import("../../src/registry-agent/agent.js");
type Agent = Awaited<ReturnType<AgentModule["RegistryAgent"]["start"]>>;

const wallMs = () => performance.timeOrigin + performance.now();
const dist = (path: string) => pathToFileURL(join(REPO_ROOT, "dist", path)).href;

function send(message: FromSwarm): void {
  if (process.connected) process.send!(message);
}

const agents: Agent[] = [];
/** revision → receipt time per agent (NaN until received), and how many have it. */
const pending = new Map<number, { times: Float64Array; got: number }>();
let trackAfter = Number.POSITIVE_INFINITY;
let stopping = false;
/** Collections since `track`: whole-process pauses that hold up every agent of this process at once. */
const collections: { at: number; ms: number; kind: number }[] = [];
let tracking = false;
new PerformanceObserver((list) => {
  if (!tracking) return;
  for (const entry of list.getEntries()) {
    const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    collections.push({ at: performance.timeOrigin + entry.startTime, ms: entry.duration, kind });
  }
}).observe({ entryTypes: ["gc"] });

function received(index: number, revision: number, at: number): void {
  if (revision <= trackAfter) return;
  let entry = pending.get(revision);
  if (!entry) pending.set(revision, (entry = { times: new Float64Array(agents.length).fill(NaN), got: 0 }));
  if (!Number.isNaN(entry.times[index]!)) return;
  entry.times[index] = at;
  if (++entry.got === agents.length) {
    pending.delete(revision);
    send({ type: "got", revision, times: Array.from(entry.times) });
  }
}

async function start(message: Extract<ToSwarm, { type: "start" }>): Promise<void> {
  const t0 = wallMs();
  // One connection per channel, as separate agent processes have (see the header).
  const channelOptions = message.shared ? {} : { "grpc.use_local_subchannel_pool": 1 };
  const { RegistryAgent } = (await import(dist("registry-agent/agent.js"))) as AgentModule;
  for (let i = 0; i < message.count; i++) {
    const hostId = `${message.prefix}${String(i).padStart(3, "0")}`;
    const dataDir = join(message.dataRoot, hostId);
    mkdirSync(dataDir, { recursive: true });
    const agent = await RegistryAgent.start({ hostId, dataDir, listen: "127.0.0.1:0", managers: [message.manager], channelOptions });
    const index = agents.length;
    agents.push(agent);
    if (message.noDisk) (agent.replica as unknown as { persist: () => void }).persist = () => undefined;
    agent.replica.onChange((change) => {
      if (change) received(index, change.revision, wallMs());
    });
  }
  send({ type: "started", ms: wallMs() - t0, fds: openFds() });
}

function status(): void {
  send({
    type: "status",
    revisions: agents.map((a) => a.replica.position.revision),
    live: agents.filter((a) => a.feed.status.state === "live").length,
    rssKiB: Math.round(process.memoryUsage.rss() / 1024),
    heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024),
    fds: openFds(),
    gc: collections,
  });
}

async function stop(): Promise<void> {
  stopping = true;
  await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
  send({ type: "stopped" });
  process.disconnect();
}

function openFds(): number {
  try {
    return readdirSync("/proc/self/fd").length;
  } catch {
    return -1;
  }
}

function failed(error: unknown): void {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
}

process.on("message", (message: ToSwarm) => {
  switch (message.type) {
    case "start":
      start(message).catch(failed);
      break;
    case "status":
      status();
      break;
    case "track":
      trackAfter = message.after;
      tracking = true;
      for (const revision of pending.keys()) if (revision <= trackAfter) pending.delete(revision);
      break;
    case "stop":
      stop().catch(failed);
      break;
  }
});
process.on("uncaughtException", failed);
process.on("unhandledRejection", failed);
process.on("disconnect", () => {
  if (!stopping) process.exit(0);
});
