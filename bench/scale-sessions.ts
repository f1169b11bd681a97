/**
 * Row 4 of the scale bench (SPEC 16): agent sessions while nothing changes.
 * Lightweight simulated agents (bench/scale-agents.ts) in a few child
 * processes, each agent its own channel and TCP connection (counted in
 * /proc/net/tcp), each holding one Replication.Session open against a real
 * primary with the default --heartbeat-interval and --down-after. Once all
 * are registered and up and the revision has stopped moving, the primary's
 * CPU (user + system, /proc) and RSS are measured over a window, at two
 * sizes, so that the per-agent cost comes from their difference (what the
 * manager costs with no agents falls out), and 100,000 agents are projected
 * from it. Then one agent process is SIGKILLed and timed until every one of
 * its hosts is down in the change feed.
 *
 * With `relays` > 0, the same with that many backups started with
 * --relay-heartbeats, each in a domain of its own, and each agent process's
 * agents in one of those domains: the primary names each agent the relay
 * of its domain, and the agents pulse there (bench/scale-agents.ts's
 * `relayed` mode), holding no connection to the primary. The relays' CPU
 * and RSS are measured beside the primary's.
 *
 * When the manager has no Session (UNIMPLEMENTED), the rows say so and the
 * same is measured with unary heartbeats at smaller sizes instead.
 */
import { readdirSync, readFileSync } from "node:fs";
import { DEFAULT_DOWN_AFTER_MS } from "../src/registry/defaults.js";
import { TestRegistryClient } from "../test/support/manager.js";
import { establishedTo, REPO_ROOT, startManagerProcess, type Cleanup, type ManagerProcess } from "./lib/cairn-process.js";
import { stableRevision, watchDowns } from "./lib/down-feed.js";
import { fdLimit } from "./lib/fd-limit.js";
import { portsIn, widenPortRange } from "./lib/port-range.js";
import { sleep, startManagerNode, until, wallMs, type ManagerNode } from "./lib/fleet.js";
import { sessionSupport, startSimulatedAgents, type SimulatedAgents } from "./lib/simulated-agents.js";
import { summarize, type Row } from "./lib/stats.js";

export interface SessionsOptions {
  /** Agent counts measured, smallest first; the last is the budgeted one. */
  sizes: readonly number[];
  processes: number;
  windowMs: number;
  /** The agent count projected from the per-agent cost. */
  project: number;
  /** Backups relaying the agents' pulses (0: every agent pulses the primary). */
  relays: number;
  /** Whether the SPEC 16 budgets are checked on these rows. */
  budgeted: boolean;
  nodeArgs: readonly string[];
}

/** SPEC 16: 20,000 idle agents cost the primary at most this share of a core. */
const IDLE_CPU_BUDGET = 0.1;
/** SPEC 16: 100,000 agents, projected, on one 2-core primary with 8 GB. */
const PROJECTED_CORES_BUDGET = 2;
const PROJECTED_GIB_BUDGET = 8;
/** Without sessions: unary heartbeats cost ~100 µs each, so the sizes are kept small. */
const UNARY_SIZES = [2_000, 4_000];
const RSS_SAMPLE_MS = 1_000;
/** Relayed agents opened at once per agent process (200 held their event loops for over a second). */
const RELAYED_OPEN_BATCH = 50;
/** Relayed agents' host ids start with this (the probe's host, down once it is gone, does not). */
const RELAYED_PREFIX = "relayed-agent-";
/** The share of the ephemeral ports the bench counts on (the machine uses some). */
const PORTS_USABLE = 0.9;
/** How long relayed agents whose first whole heartbeat failed (or named no relay) may take to be relayed. */
const RELAYED_WITHIN_MS = 120_000;
/** Files the manager holds besides its connections (LevelDB, stdio, epoll, …), with room. */
const MANAGER_OWN_FILES = 100;
/** The bench's own connections to the manager: a client, the down feed, the probe. */
const BENCH_CONNECTIONS = 50;
/** What the manager's default --max-connections keeps free (src/wire/connection-guard.ts's RESERVED_FILE_DESCRIPTORS). */
const RESERVED_FDS = 1_500;

interface Measured {
  agents: number;
  connections: number;
  openMs: number;
  /** The manager's CPU while they opened (and registered: a first heartbeat registers its host), in cores. */
  openCores?: number;
  cpuCores: number;
  agentsCpuCores: number;
  rssMiB: number;
  /** The relays' CPU in cores, all together, and their RSS, each (with relays only). */
  relaysCpuCores: number;
  relaysRssMiB: number[];
  revisionMoved: number;
  /** Relayed agents that went to the primary again, their relay unable to vouch: before the window, and in it. */
  rejoinedBefore: number;
  rejoinedInWindow: number;
  /** Hosts seen down in the change feed since the first agents opened, and those down at the end of the window (with relays only). */
  everDown?: number;
  downNow?: number;
  /** What went wrong with that feed, if anything: its counts are then short. */
  downFeedProblem?: string;
  /** The longest any agent process's event loop was held up to the window (its pulses ran that late). */
  agentsMaxLoopDelayMs: number;
}

export async function sessionsRows(cleanup: Cleanup, rows: Row[], options: SessionsOptions): Promise<Record<string, unknown>> {
  // Every agent is a socket of the manager's (of a relay's, with relays): as many as the open-file limit (which
  // each inherits) leaves room for, in whole hundreds per process, and a --max-connections that lets them all in
  // (its default keeps RESERVED_FDS free, for a manager that also writes; this one sits idle).
  const limit = fdLimit();
  const step = options.processes * 100;
  const holders = Math.max(1, options.relays);
  // Relayed agents need two local ports each (port-range.ts): the range is widened if this process may.
  const ports = options.relays > 0 ? widenPortRange() : undefined;
  if (ports) cleanup.add(ports.restore);
  const portRoom = ports ? Math.floor((portsIn(ports.after) * PORTS_USABLE) / 2 / step) * step : Infinity;
  const room = Math.min(portRoom, Math.floor(((limit.soft - MANAGER_OWN_FILES - BENCH_CONNECTIONS) * holders) / step) * step);
  const biggest = Math.min(options.sizes.at(-1)!, room);
  const perHolder = Math.ceil(biggest / holders) + BENCH_CONNECTIONS;
  const maxConnections = perHolder > limit.soft - RESERVED_FDS ? perHolder : undefined;
  const flagKnown = readFileSync(`${REPO_ROOT}dist/cli/manager-command.js`, "utf8").includes("--max-connections");
  const limitArgs = maxConnections !== undefined && flagKnown ? ["--max-connections", String(maxConnections)] : [];
  const manager = await startManagerProcess(cleanup, { nodeArgs: options.nodeArgs, args: options.relays > 0 ? [] : limitArgs });
  const client = new TestRegistryClient(manager.address);
  cleanup.add(() => client.close());
  const probe = await sessionSupport(manager.address, "scale-session-probe");
  const downAfterMs = probe.downAfterMs ?? DEFAULT_DOWN_AFTER_MS;
  const sessions = probe.mode === "session";
  const relays = options.relays > 0 && sessions ? await startRelays(cleanup, manager.address, client, options.relays, limitArgs, options.nodeArgs) : [];
  const what = !sessions ? "agents on UNARY heartbeats (Session is UNIMPLEMENTED)" : relays.length > 0 ? `agents relayed by ${relays.length} backups` : "agent sessions";
  const budgeted = options.budgeted && sessions;
  const managerFds = readdirSync(`/proc/${manager.pid}/fd`).length;
  const wanted = sessions ? options.sizes : UNARY_SIZES;
  const sizes = wanted.map((n) => Math.min(n, room));
  const limited =
    sizes.at(-1)! < wanted.at(-1)! && room === portRoom
      ? `${sizes.at(-1)!.toLocaleString("en-US")}, not ${wanted.at(-1)!.toLocaleString("en-US")}: relayed agents take two local ports each and ` +
        `the ephemeral port range is ${ports!.after.low}-${ports!.after.high} (${ports!.problem ?? "as found"}); `
      : sizes.at(-1)! < wanted.at(-1)!
      ? `${sizes.at(-1)!.toLocaleString("en-US")}, not ${wanted.at(-1)!.toLocaleString("en-US")}: the manager may open ${limit.soft} files ` +
        `(hard limit ${limit.hard}; raising it needs CAP_SYS_RESOURCE, which this machine does not give), holds ${managerFds} of its own at ` +
        `the start, and ` +
        (flagKnown && maxConnections !== undefined
          ? `ran with --max-connections ${maxConnections} (the default leaves ${RESERVED_FDS} files free); `
          : "took connections up to its default limit; ")
      : "";

  const agents = startSimulatedAgents(cleanup, {
    address: manager.address,
    processes: options.processes,
    mode: relays.length > 0 ? "relayed" : probe.mode,
    prefix: relays.length > 0 ? RELAYED_PREFIX : "idle-agent-",
    domain: (p) => (relays.length > 0 ? relayDomain(p % relays.length) : "/"),
    // Each relayed agent opens two channels: fewer at once keep the agent processes' pulses on time meanwhile.
    ...(relays.length > 0 ? { batch: RELAYED_OPEN_BATCH } : {}),
  });
  const measured: Measured[] = [];
  // Hosts that went down while their agents ran (late pulses of a held-up agent process): the relayed notes count them.
  const opening = relays.length > 0 ? await watchDowns(manager.address, client, (host) => host.startsWith(RELAYED_PREFIX)) : undefined;
  if (opening) cleanup.add(() => opening.close());
  for (const size of sizes) {
    const perProcess = size / options.processes - agents.hosts(0).length;
    const t0 = wallMs();
    const openCpu0 = manager.cpuSeconds();
    const added = await agents.add(perProcess).catch((error: Error) => {
      throw new Error(`${error.message}; the managers' last warnings:\n${lastWarnings([manager, ...relays], 5).join("\n")}`);
    });
    const total = agents.allHosts().length;
    if (relays.length > 0) {
      // A relayed agent whose first try failed tries again (bench/scale-agents.ts): all are relayed in the end.
      // One named no relay (its relay's reports late, say) pulses the primary until its next whole heartbeat, within 30 s.
      await until(`all ${total} agents pulsing relays`, async () => (await agents.status()).reduce((sum, s) => sum + s.relayedNow, 0) === total, RELAYED_WITHIN_MS, 500).catch(async (error: Error) => {
        const statuses = (await agents.status()).map((s) => ({ agents: s.agents, relayedNow: s.relayedNow, onThePrimary: s.onThePrimary, opening: s.opening, rejoined: s.rejoined, ...s.problems, first: s.firstProblem }));
        throw new Error(`${error.message}: ${JSON.stringify(statuses)}; the managers' last warnings:\n${lastWarnings([manager, ...relays], 5).join("\n")}`);
      });
    } else if (added.recorded !== perProcess * options.processes) {
      throw new Error(
        `${added.recorded} of ${perProcess * options.processes} new agents recorded: ${JSON.stringify(await agents.status())}; ` +
          `the manager's log ends:\n${manager.stderr().slice(-3_000)}`,
      );
    }
    await stableRevision(client);
    const openMs = wallMs() - t0;
    const openCores = (manager.cpuSeconds() - openCpu0) / (openMs / 1000);
    measured.push({ ...(await idleWindow(manager, relays, client, agents, total, openMs, options.windowMs)), openCores, everDown: opening?.everDown().size, downNow: opening?.downNow().size, downFeedProblem: opening?.problem() });
  }
  opening?.close();

  const label = (n: number) => `${n.toLocaleString("en-US")} ${what}`;
  const relayNote = (m: Measured) =>
    relays.length > 0
      ? `; the ${relays.length} relays used ${(m.relaysCpuCores * 100).toFixed(0)}% of a core together (RSS ${m.relaysRssMiB.map((r) => r.toFixed(0)).join(", ")} MiB), ` +
        `and the agents held no connection to the primary; ${m.rejoinedInWindow} of them went to the primary again in the window ` +
        `(${m.rejoinedBefore} before it, while they opened: an agent process's event loop was held for up to ${m.agentsMaxLoopDelayMs} ms ` +
        `opening thousands of channels, so its pulses ran late; ${m.everDown ?? 0} hosts went down since the first agents opened, ${m.downNow ?? 0} of them still down at the end of the window` +
        `${m.downFeedProblem ? `, counted short: ${m.downFeedProblem}` : ""})`
      : "";
  for (const m of measured) {
    rows.push({
      name: `${label(m.agents)}, idle: primary CPU`,
      unit: "% of a core",
      value: m.cpuCores * 100,
      ...(m === measured.at(-1) && budgeted
        ? { budget: { text: `≤ ${IDLE_CPU_BUDGET * 100}% (SPEC 16, at 20,000)`, checks: [{ metric: "max" as const, atMost: IDLE_CPU_BUDGET * 100 }] } }
        : {}),
      note:
        (m === measured.at(-1) ? limited : "") +
        `user + system over ${options.windowMs / 1000} s once all were up and the revision had stopped (it moved by ${m.revisionMoved} ` +
        `in the window); ${m.connections.toLocaleString("en-US")} established connections to the ${relays.length > 0 ? "relays'" : "manager's"} ports; the ${options.processes} ` +
        `agent processes used ${(m.agentsCpuCores * 100).toFixed(0)}% of a core; all opened and up in ${(m.openMs / 1000).toFixed(1)} s ` +
        `(the manager at ${((m.openCores ?? NaN) * 100).toFixed(0)}% of a core meanwhile: each first heartbeat registers its host)` +
        relayNote(m),
    });
    rows.push({ name: `${label(m.agents)}, idle: primary RSS`, unit: "MiB", value: m.rssMiB, note: `mean of samples every ${RSS_SAMPLE_MS / 1000} s in the window` });
  }

  const info: Record<string, unknown> = { mode: probe.mode, relays: relays.length, intervalMs: probe.intervalMs, downAfterMs, fdLimit: limit, portRange: ports && { before: ports.before, after: ports.after, problem: ports.problem }, managerFds, maxConnections, measured };
  const variant = relays.length > 0 ? `relayed by ${relays.length} backups` : "direct sessions";
  if (measured.length >= 2) {
    const [small, big] = [measured[0]!, measured.at(-1)!];
    const dn = big.agents - small.agents;
    const cpuPerAgent = (big.cpuCores - small.cpuCores) / dn; // cores per agent = CPU seconds per agent per second
    const bytesPerAgent = ((big.rssMiB - small.rssMiB) * 2 ** 20) / dn;
    const baselineMiB = small.rssMiB - (small.agents * bytesPerAgent) / 2 ** 20;
    const cores = options.project * cpuPerAgent;
    const gib = (baselineMiB * 2 ** 20 + options.project * bytesPerAgent) / 2 ** 30;
    const how = `from the difference between ${small.agents.toLocaleString("en-US")} and ${big.agents.toLocaleString("en-US")} agents (same manager, same processes)`;
    rows.push({ name: `${variant}, per agent: primary CPU`, unit: "µs/s", value: cpuPerAgent * 1e6, note: `CPU µs per agent per second, ${how}` });
    rows.push({ name: `${variant}, per agent: primary memory`, unit: "KiB", value: bytesPerAgent / 1024, note: `RSS slope ${how}; intercept (no agents) ${baselineMiB.toFixed(0)} MiB` });
    const projected = `${options.project.toLocaleString("en-US")} agents ${sessions ? variant : "on unary heartbeats"}`;
    rows.push({
      name: `${projected}, projected: primary CPU`,
      unit: "cores",
      value: cores,
      ...(budgeted ? { budget: { text: `≤ ${PROJECTED_CORES_BUDGET} (SPEC 16)`, checks: [{ metric: "max" as const, atMost: PROJECTED_CORES_BUDGET }] } } : {}),
      note: `${options.project.toLocaleString("en-US")} × the per-agent CPU above (linear; the idle manager's own CPU is left out as a constant)`,
    });
    rows.push({
      name: `${projected}, projected: primary memory`,
      unit: "GiB",
      value: gib,
      ...(budgeted ? { budget: { text: `≤ ${PROJECTED_GIB_BUDGET} GB (SPEC 16)`, checks: [{ metric: "max" as const, atMost: PROJECTED_GIB_BUDGET }] } } : {}),
      note: `the intercept (${baselineMiB.toFixed(0)} MiB) + ${options.project.toLocaleString("en-US")} × the per-agent memory above`,
    });
    info.projection = { cpuPerAgentUs: cpuPerAgent * 1e6, bytesPerAgent, baselineMiB, cores, gib };
    if (relays.length > 0) {
      const relayCpuPerAgent = (big.relaysCpuCores - small.relaysCpuCores) / dn;
      const relayCores = options.project * relayCpuPerAgent;
      rows.push({
        name: `${projected}, projected: the relays' CPU, all together`,
        unit: "cores",
        value: relayCores,
        note:
          `${options.project.toLocaleString("en-US")} × ${(relayCpuPerAgent * 1e6).toFixed(1)} µs/s per agent (the relays' CPU ${how}): ` +
          `${Math.ceil(relayCores / 0.5)} relays at half a core each`,
      });
      info.relayProjection = { cpuPerAgentUs: relayCpuPerAgent * 1e6, cores: relayCores };
    }
  }

  // One agent process SIGKILLed: every one of its hosts down within --down-after + 1 s.
  const killed = agents.hosts(0);
  const killedSet = new Set(killed);
  const survivors = new Set(agents.allHosts().filter((h) => !killedSet.has(h)));
  const feed = await watchDowns(manager.address, client, () => true);
  cleanup.add(() => feed.close());
  const killedAt = await agents.kill(0);
  const lastDownAt = await feed.allDown(killed, downAfterMs + 30_000).catch((error: Error) => {
    const everDown = killed.filter((h) => feed.everDown().has(h)).length;
    const lines = lastWarnings([manager, ...relays], 8);
    throw new Error(`${error.message} (${everDown} of them ever down); the managers' last lines on relays and late sweeps:\n${lines.join("\n")}`);
  });
  await sleep(500);
  const survivorsDown = [...feed.everDown()].filter((h) => survivors.has(h));
  const budgetMs = downAfterMs + 1_000;
  const downs = summarize(killed.map((h) => feed.downAt(h)! - killedAt));
  rows.push({
    name: `${variant}: SIGKILL of 1 agent process (${killed.length.toLocaleString("en-US")} hosts) → all its hosts down`,
    unit: "ms",
    value: lastDownAt - killedAt,
    budget: { text: `≤ --down-after + 1 s = ${budgetMs} ms (SPEC 16)`, checks: [{ metric: "max", atMost: budgetMs }] },
    note:
      `from the SIGKILL to the change feed's last of them down (first ${downs.p50 === downs.max ? "and last " : ""}at ` +
      `${(Math.min(...killed.map((h) => feed.downAt(h)! - killedAt)) / 1000).toFixed(2)} s; ${feed.counts().changes} changes); ` +
      `hosts of the ${survivors.size.toLocaleString("en-US")} surviving agents marked down meanwhile: ${survivorsDown.length}`,
  });
  info.kill = { hosts: killed.length, ms: Math.round(lastDownAt - killedAt), survivorsDown: survivorsDown.length };
  return info;
}

const relayDomain = (i: number) => `/relay-${i}`;

/** The last `count` warning (or worse) log lines of each of `managers`, those matching `about` only when given. */
function lastWarnings(managers: readonly { stderr(): string }[], count: number, about?: RegExp): string[] {
  return managers.flatMap((m) => m.stderr().split("\n").filter((line) => /"level":[4-6]0/.test(line) && (!about || about.test(line))).slice(-count));
}

/**
 * `count` backups of the primary at `primary`, each relaying pulses in a
 * domain of its own; resolves once all follow it and it knows them up (it
 * names a relay only once its registry package is up and it reports).
 */
async function startRelays(cleanup: Cleanup, primary: string, client: TestRegistryClient, count: number, args: readonly string[], nodeArgs: readonly string[]): Promise<ManagerNode[]> {
  const relays = await Promise.all(
    Array.from({ length: count }, (_, i) =>
      startManagerNode(cleanup, { host: `relay-${i}`, join: primary, args: [...args, "--relay-heartbeats", "--domain", relayDomain(i)], nodeArgs }),
    ),
  );
  await until(`all ${count} relays following`, async () => (await client.call("GetStatus", {})).backups.filter((b) => b.connected).length === count, 60_000, 50);
  await until(`all ${count} relays up in the registry`, async () => {
    const hosts = await Promise.all(relays.map((r) => client.call("GetHost", { id: r.host }).catch(() => undefined)));
    return hosts.every((h) => h?.host?.status === "LIVENESS_UP");
  }, 60_000, 50);
  return relays;
}

async function idleWindow(
  manager: ManagerProcess,
  relays: readonly ManagerNode[],
  client: TestRegistryClient,
  agents: SimulatedAgents,
  total: number,
  openMs: number,
  windowMs: number,
): Promise<Measured> {
  const statuses = await agents.status();
  const live = statuses.reduce((s, a) => s + a.live, 0);
  if (live !== total) {
    const relayLines = lastWarnings([manager, ...relays], 5, /relay|pulse/i);
    throw new Error(
      `${live} of ${total} agents live before the window: ${JSON.stringify(statuses.map((s) => ({ ...s.problems, first: s.firstProblem })))}` +
        (relayLines.length > 0 ? `; the managers' last lines on relays:\n${relayLines.join("\n")}` : ""),
    );
  }
  const holders = relays.length > 0 ? relays : [manager];
  const connections = holders.reduce((sum, h) => sum + establishedTo(h.port), 0);
  if (connections < total) throw new Error(`${total} agents but only ${connections} established TCP connections to the ports of ${holders.map((h) => h.port).join(", ")}`);
  const relaysCpu = () => relays.reduce((sum, r) => sum + r.cpuSeconds(), 0);
  const rejoinedBefore = statuses.reduce((sum, a) => sum + a.rejoined, 0);
  const agentsMaxLoopDelayMs = Math.max(...statuses.map((a) => a.maxLoopDelayMs));
  const revision0 = (await client.call("GetStatus", {})).revision;
  const cpu0 = manager.cpuSeconds();
  const relaysCpu0 = relaysCpu();
  const agentsCpu0 = agents.cpuSeconds();
  const wall0 = wallMs();
  const rss: number[] = [];
  const relaysRss: number[][] = relays.map(() => []);
  while (wallMs() - wall0 < windowMs) {
    await sleep(Math.min(RSS_SAMPLE_MS, windowMs - (wallMs() - wall0)));
    rss.push(manager.memoryKiB().rss / 1024);
    relays.forEach((r, i) => relaysRss[i]!.push(r.memoryKiB().rss / 1024));
  }
  const seconds = (wallMs() - wall0) / 1000;
  const cpuCores = (manager.cpuSeconds() - cpu0) / seconds;
  const relaysCpuCores = (relaysCpu() - relaysCpu0) / seconds;
  const agentsCpuCores = (agents.cpuSeconds() - agentsCpu0) / seconds;
  const revisionMoved = (await client.call("GetStatus", {})).revision - revision0;
  const after = await agents.status();
  const liveAfter = after.reduce((s, a) => s + a.live, 0);
  if (liveAfter !== total) throw new Error(`${liveAfter} of ${total} agents live after the window: ${JSON.stringify(after.map((s) => s.problems))}`);
  return {
    agents: total,
    connections,
    openMs,
    cpuCores,
    agentsCpuCores,
    rssMiB: summarize(rss).mean,
    relaysCpuCores,
    relaysRssMiB: relaysRss.map((samples) => summarize(samples).mean),
    revisionMoved,
    rejoinedBefore,
    rejoinedInWindow: after.reduce((sum, a) => sum + a.rejoined, 0) - rejoinedBefore,
    agentsMaxLoopDelayMs,
  };
}
