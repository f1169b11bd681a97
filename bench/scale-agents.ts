/**
 * A child process of the scale bench (bench/lib/simulated-agents.ts):
 * lightweight simulated agents, thousands per process, that do nothing but
 * keep their host alive at a manager, each on its own gRPC channel with its
 * own subchannel pool (so its own TCP connection, as a real agent process
 * has). No replica, no watch, no Agent server: only liveness.
 *
 * `session` mode (SPEC 16, Replication.Session): each agent opens one
 * stream, sends one whole HeartbeatRequest, waits for the first reply
 * (`recorded` true on the primary; its `interval_ms` is the pulse interval),
 * then writes a pulse `{ host, revision, pulse: true }` every interval,
 * starting at a random point of the first one so that the pulses of all
 * agents are spread evenly. A reply of `recorded` false, an error or an end
 * counts as a problem (and the agent as not live).
 *
 * `relayed` mode (SPEC 16, --relay-heartbeats): as `session`, but the
 * primary's first reply names a relay; the agent ends its session and
 * closes its channel to the primary, and pulses `{ host, revision }` on a
 * Replication.Pulses stream to the relay instead, every answer counted:
 * more than two pulses unanswered is a problem, and it, or one answered
 * `relayed` false, sends the agent's whole heartbeat to the primary again
 * (no more than WHOLE_AT_ONCE at a time per process).
 *
 * `unary` mode (the heartbeat before sessions): each agent calls
 * Replication.Heartbeat with the whole request, then again every
 * `interval_ms` of the reply, spread the same way.
 *
 * Agents are opened in batches (each batch's first replies awaited before
 * the next), so that a manager's accept queue never sees thousands of
 * connections at once.
 *
 * Messages in:  { type: "add", address, hosts, mode, revision, batch } | { type: "status" } | { type: "stop" }
 * Messages out: { type: "added", ms, recorded } | { type: "status", … } | { type: "failed", message } | { type: "stopped" }
 */
import { readdirSync } from "node:fs";
import { isIPv4 } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import type { HeartbeatReply__Output } from "../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../src/generated/cairn/v1/HeartbeatRequest.js";
import type { Pulse } from "../src/generated/cairn/v1/Pulse.js";
import type { PulseAnswer__Output } from "../src/generated/cairn/v1/PulseAnswer.js";
import { CONFIRM_EVERY_MS, HEARTBEAT_TIMEOUT_MS } from "../src/registry-agent/heartbeater.js";
import { v1 } from "../src/wire/proto-loader.js";

export type AgentMode = "session" | "relayed" | "unary";

export type ToAgents =
  | { type: "add"; address: string; hosts: string[]; mode: AgentMode; revision: number; batch: number; domain?: string }
  | { type: "status" }
  | { type: "stop" };

export interface AgentsStatus {
  agents: number;
  /** Recorded by the primary and still open (session) or last call answered (unary). */
  live: number;
  /** Pulses (session, relayed) or calls (unary) sent since the start. */
  sent: number;
  /** Relayed agents that went to the primary again, their relay unable to vouch for them. */
  rejoined: number;
  /** Relayed mode: agents pulsing their relay now. */
  relayedNow: number;
  /** Relayed agents named no relay by a whole heartbeat's reply, or whose relay did not take the first pulse: they pulsed the primary until the next. */
  onThePrimary: number;
  /** Agents opened and still waiting for their first answer (or failure). */
  opening: number;
  /** Problems since the start, by kind: "UNIMPLEMENTED", "not recorded", "ended", … */
  problems: Record<string, number>;
  /** The longest this process's event loop was held since the start (its timers, so its pulses, ran that late). */
  maxLoopDelayMs: number;
  /** The first problem's text, for a failure message. */
  firstProblem?: string;
  rssKiB: number;
  fds: number;
}

export type FromAgents =
  | { type: "added"; ms: number; recorded: number }
  | ({ type: "status" } & AgentsStatus)
  | { type: "failed"; message: string }
  | { type: "stopped" };

/** How long an agent's first reply may take before it counts as a problem. */
const FIRST_REPLY_TIMEOUT_MS = 120_000;
/** How long a relayed agent waits before it sends a whole heartbeat that failed again. */
const RETRY_MS = 1_000;
/**
 * How long a relayed agent's whole heartbeat after the first may take. A
 * real agent gives one up after HEARTBEAT_TIMEOUT_MS; so did these, and
 * while the second 10,000 opened (9 processes on 2 cores, the primary's
 * answers then over a second) 1,600-2,200 per process timed out, were sent
 * again, and the row failed to bring all 20,000 onto their relays within
 * 120 s. Ten of those: a turn (inTurn) is still never held for minutes.
 */
const WHOLE_REPLY_TIMEOUT_MS = 10 * HEARTBEAT_TIMEOUT_MS;
const CHANNEL_OPTIONS = { "grpc.use_local_subchannel_pool": 1 } as const;

/**
 * A channel's target for `address`: an IPv4 literal goes through grpc-js's
 * `ipv4:` resolver. Given as it is, each channel gets a DNS resolver, and
 * with it a c-ares channel of its own, even for a literal: grpc-js opening
 * channels was 4-11 % of an agent process's samples while 5,000 opened.
 */
function target(address: string): string {
  const host = address.slice(0, address.lastIndexOf(":"));
  return isIPv4(host) ? `ipv4:${address}` : address;
}

function send(message: FromAgents): void {
  if (process.connected) process.send!(message);
}

interface Agent {
  host: string;
  live: boolean;
  /** Relayed mode: pulsing its relay now (not the primary, as one named no relay does for a while). */
  relayed?: boolean;
  stop(): void;
}

const agents: Agent[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
let sent = 0;
/** Relayed agents that sent a whole heartbeat again because their relay answered `relayed` false. */
let rejoined = 0;
/** Relayed agents whose whole heartbeat's reply named no relay (or a relay that did not take the first pulse), so that they pulsed the primary for a while. */
let onThePrimary = 0;
let opening = 0;
const problems: Record<string, number> = {};
let firstProblem: string | undefined;
let stopping = false;

function problem(kind: string, text: string): void {
  if (stopping) return;
  problems[kind] = (problems[kind] ?? 0) + 1;
  firstProblem ??= text;
}

function wholeHeartbeat(host: string, revision: number, domain = "/"): HeartbeatRequest {
  return { host, epoch: 0, packages: [], address: "127.0.0.1", domain, revision, watching: "" };
}

/** Writes `host`'s pulse on its session every `intervalMs` (spread as `every` spreads them); returns what stops them. */
function pulseSession(session: grpc.ClientDuplexStream<HeartbeatRequest, HeartbeatReply__Output>, host: string, revision: number, intervalMs: number): () => void {
  const pulse: HeartbeatRequest = { host, revision, pulse: true };
  return every(intervalMs, () => {
    sent++;
    session.write(pulse);
  });
}

/** Calls `beat` every `intervalMs`, from a random point of the first interval on. */
function every(intervalMs: number, beat: () => void): () => void {
  let interval: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    beat();
    interval = setInterval(beat, intervalMs);
  }, Math.random() * intervalMs);
  return () => {
    clearTimeout(first);
    clearInterval(interval);
  };
}

/** One agent's session; resolves once its first reply came (recorded or not) or it failed. */
function openSession(address: string, host: string, revision: number): Promise<Agent> {
  const client = new v1.Replication(target(address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const call = client.Session() as grpc.ClientDuplexStream<HeartbeatRequest, HeartbeatReply__Output>;
  let stopPulses = () => undefined as void;
  const agent: Agent = {
    host,
    live: false,
    stop: () => {
      stopPulses();
      call.cancel();
      client.close();
    },
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      problem("no first reply", `${host}: no reply to its first heartbeat within ${FIRST_REPLY_TIMEOUT_MS} ms`);
      resolve(agent);
    }, FIRST_REPLY_TIMEOUT_MS);
    let first = true;
    call.on("data", (reply: HeartbeatReply__Output) => {
      if (!reply.recorded) {
        agent.live = false;
        problem("not recorded", `${host}: not recorded (primary ${reply.primary_address || "unknown"})`);
      } else if (first) {
        agent.live = true;
        stopPulses = pulseSession(call, host, revision, reply.interval_ms || 1_000);
      }
      if (first) {
        first = false;
        clearTimeout(timer);
        resolve(agent);
      }
    });
    call.on("error", (error: grpc.ServiceError) => {
      agent.live = false;
      stopPulses();
      problem(grpc.status[error.code] ?? String(error.code), `${host}: ${grpc.status[error.code]} ${error.details}`);
      clearTimeout(timer);
      resolve(agent);
    });
    call.on("end", () => {
      agent.live = false;
      stopPulses();
      problem("ended", `${host}: the manager ended its session`);
    });
    call.write(wholeHeartbeat(host, revision));
  });
}

/**
 * Whole heartbeats of relayed agents going to the primary again (after a
 * refusal, or to retry one that failed) per process at a time; the rest
 * wait their turn. Thousands at once (a relay refusing all its agents in
 * one report's time) held a process's event loop for 10-20 s opening
 * channels, so every other agent in it pulsed that late and was marked
 * down in turn: the process stands in for thousands of hosts, each of
 * which would open its one connection on its own CPU.
 */
const WHOLE_AT_ONCE = 50;
let wholeInFlight = 0;
const wholeQueue: (() => void)[] = [];

/** Runs `send` when fewer than WHOLE_AT_ONCE are in flight; it calls the function it is given once its answer came. */
function inTurn(send: (done: () => void) => void): void {
  const go = () => {
    if (stopping) return;
    wholeInFlight++;
    let released = false;
    send(() => {
      if (released) return;
      released = true;
      wholeInFlight--;
      wholeQueue.shift()?.();
    });
  };
  if (wholeInFlight < WHOLE_AT_ONCE) go();
  else wholeQueue.push(go);
}

/**
 * One agent whose pulses go to the relay the primary named; resolves once
 * its first whole heartbeat was answered (or failed). As a real agent
 * does (src/registry-agent/heartbeater.ts): a reply that names no relay
 * (the host held down, say), or whose relay does not take the first
 * pulse, leaves the agent pulsing the primary in its session, with a
 * whole heartbeat again every CONFIRM_EVERY_MS until one names a relay
 * that takes it (counted in `onThePrimary`); a later pulse the relay
 * answers `relayed` false sends a whole heartbeat to the primary again
 * (counted in `rejoined`), and the relay's stream is kept for the pulses
 * after it. A pulse left unanswered, or a whole heartbeat that fails
 * (each counted as a problem), gives the relay up and sends the whole
 * heartbeat again RETRY_MS later. Whole heartbeats after the first wait
 * their turn (inTurn), one at a time per agent, each answered within
 * WHOLE_REPLY_TIMEOUT_MS. Where a real agent differs: that is ten times a
 * real agent's; a pulse counts as unanswered when three are, not after
 * 500 ms; a failed
 * heartbeat is sent again RETRY_MS later, not at the next beat; and a
 * relay that failed is not passed over for 30 s.
 */
function openRelayed(address: string, host: string, revision: number, domain: string): Promise<Agent> {
  let relay: RelayStream | undefined;
  let stopSession = () => undefined as void;
  let stopped = false;
  /** A whole heartbeat waits for its turn or its answer: a refusal or a retry meanwhile adds none. */
  let wholePending = false;
  let retry: NodeJS.Timeout | undefined;
  const agent: Agent = {
    host,
    live: false,
    stop: () => {
      stopped = true;
      clearTimeout(retry);
      relay?.close();
      stopSession();
    },
  };
  let answered = () => undefined as void;
  const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
  const failed = (kind: string, text: string) => {
    answered();
    agent.live = false;
    agent.relayed = false;
    relay?.close();
    relay = undefined;
    stopSession();
    problem(kind, `${host}: ${text}`);
    clearTimeout(retry);
    if (!stopped) retry = setTimeout(again, RETRY_MS);
  };
  const again = () => {
    if (wholePending || stopped) return;
    wholePending = true;
    inTurn((done) => whole(WHOLE_REPLY_TIMEOUT_MS, done));
  };
  const refused = () => {
    rejoined++;
    agent.relayed = false;
    again();
  };
  const whole = (timeoutMs: number, done: () => void) => {
    stopSession();
    const finish = () => {
      wholePending = false;
      done();
    };
    if (stopped) return finish();
    const primary = new v1.Replication(target(address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const session = primary.Session() as grpc.ClientDuplexStream<HeartbeatRequest, HeartbeatReply__Output>;
    let stopPulses = () => undefined as void;
    let confirm: NodeJS.Timeout | undefined;
    let ended = false;
    const endSession = () => {
      if (ended) return;
      ended = true;
      finish();
      clearTimeout(timer);
      clearTimeout(confirm);
      stopPulses();
      session.removeAllListeners("error");
      session.on("error", () => undefined);
      session.cancel();
      primary.close();
    };
    stopSession = endSession;
    /** Pulses in this session, and a whole heartbeat again in a while. */
    const onThisSession = (intervalMs: number) => {
      onThePrimary++;
      agent.relayed = false;
      stopPulses();
      stopPulses = pulseSession(session, host, revision, intervalMs);
      clearTimeout(confirm);
      confirm = setTimeout(() => session.write(wholeHeartbeat(host, revision, domain)), CONFIRM_EVERY_MS);
    };
    const timer = setTimeout(() => failed("no reply", `no reply to its whole heartbeat within ${timeoutMs} ms`), timeoutMs);
    session.on("data", (reply: HeartbeatReply__Output) => {
      // A late reply on a session given up (this agent has another by now) says nothing.
      if (ended) return;
      clearTimeout(timer);
      finish();
      const intervalMs = reply.interval_ms || 1_000;
      if (stopped) {
        endSession();
      } else if (!reply.recorded) {
        failed("not recorded", `not recorded (primary ${reply.primary_address || "unknown"})`);
      } else if (!reply.relay_address) {
        agent.live = true;
        answered();
        onThisSession(intervalMs);
      } else {
        agent.live = true;
        answered();
        if (relay?.address !== reply.relay_address) {
          relay?.close();
          relay = relayStream(reply.relay_address, host, revision, failed, refused);
        }
        relay.start(intervalMs, (relayed) => {
          if (ended) return;
          if (!relayed) return onThisSession(intervalMs);
          // The relay took the first pulse: this agent has nothing to say to the primary until something changes.
          endSession();
          agent.relayed = true;
        });
      }
    });
    session.on("error", (error: grpc.ServiceError) => failed(grpc.status[error.code] ?? String(error.code), `${grpc.status[error.code]} ${error.details}`));
    session.write(wholeHeartbeat(host, revision, domain));
  };
  whole(FIRST_REPLY_TIMEOUT_MS, () => undefined);
  return firstAnswer.then(() => agent);
}

/** A relayed agent's Replication.Pulses stream, kept over the whole heartbeats its refusals send. */
interface RelayStream {
  address: string;
  /** Pulses at once and then every `intervalMs`; `first` is told whether the relay took the first one (it stops the pulses when not). */
  start(intervalMs: number, first: (relayed: boolean) => void): void;
  close(): void;
}

/**
 * Pulses to the relay at `address`, each answered: `refused` when one after
 * the first is answered `relayed` false (the pulses stop until the next
 * start), `failed` when more than two are unanswered or the stream fails.
 */
function relayStream(address: string, host: string, revision: number, failed: (kind: string, text: string) => void, refused: () => void): RelayStream {
  const client = new v1.Replication(target(address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const call = client.Pulses() as grpc.ClientDuplexStream<Pulse, PulseAnswer__Output>;
  let unanswered = 0;
  /** Answers still owed for pulses sent before the last start: they say nothing of the pulses since. */
  let stale = 0;
  let onFirst: ((relayed: boolean) => void) | undefined;
  let pulsing = false;
  let closed = false;
  let stopPulses = () => undefined as void;
  const pause = () => {
    pulsing = false;
    stopPulses();
  };
  call.on("data", (answer: PulseAnswer__Output) => {
    unanswered--;
    if (stale > 0) {
      stale--;
    } else if (onFirst) {
      const first = onFirst;
      onFirst = undefined;
      if (!answer.relayed) pause();
      first(answer.relayed);
    } else if (!answer.relayed && pulsing) {
      pause();
      refused();
    }
  });
  call.on("error", (error: grpc.ServiceError) => {
    if (!closed) failed(grpc.status[error.code] ?? String(error.code), `relay ${address}: ${grpc.status[error.code]} ${error.details}`);
  });
  const pulse: Pulse = { host, revision };
  const beat = () => {
    if (unanswered > 2) return failed("unanswered", `relay ${address} left ${unanswered} pulses unanswered`);
    sent++;
    unanswered++;
    call.write(pulse);
  };
  return {
    address,
    start(intervalMs, first) {
      pause();
      stale = unanswered;
      onFirst = first;
      pulsing = true;
      // As a real agent does, the first pulse goes at once: the primary judges the host by this relay's reports from now.
      beat();
      stopPulses = every(intervalMs, beat);
    },
    close() {
      if (closed) return;
      closed = true;
      pause();
      call.cancel();
      client.close();
    },
  };
}

/** One agent's unary heartbeats; resolves once its first call was answered (or failed). */
function openUnary(address: string, host: string, revision: number): Promise<Agent> {
  const client = new v1.Replication(target(address), grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
  const request = wholeHeartbeat(host, revision);
  let stopBeats = () => undefined as void;
  const agent: Agent = {
    host,
    live: false,
    stop: () => {
      stopBeats();
      client.close();
    },
  };
  const beat = () =>
    new Promise<HeartbeatReply__Output | undefined>((resolve) => {
      sent++;
      client.Heartbeat(request, { deadline: Date.now() + 10_000 }, (error, reply) => {
        if (error) problem(grpc.status[error.code] ?? String(error.code), `${host}: ${grpc.status[error.code]} ${error.details}`);
        else if (!reply!.recorded) problem("not recorded", `${host}: not recorded`);
        agent.live = !error && reply!.recorded;
        resolve(error ? undefined : reply);
      });
    });
  return beat().then((reply) => {
    if (reply) stopBeats = every(reply.interval_ms || 1_000, () => void beat());
    return agent;
  });
}

async function add(message: Extract<ToAgents, { type: "add" }>): Promise<void> {
  const t0 = performance.now();
  const open = { session: openSession, relayed: openRelayed, unary: openUnary }[message.mode];
  let recorded = 0;
  for (let at = 0; at < message.hosts.length; at += message.batch) {
    const hosts = message.hosts.slice(at, at + message.batch);
    opening += hosts.length;
    const batch = await Promise.all(hosts.map((host) => open(message.address, host, message.revision, message.domain ?? "/").finally(() => opening--)));
    for (const agent of batch) if (agent.live) recorded++;
    agents.push(...batch);
  }
  send({ type: "added", ms: performance.now() - t0, recorded });
}

function status(): void {
  send({
    type: "status",
    agents: agents.length,
    live: agents.filter((a) => a.live).length,
    relayedNow: agents.filter((a) => a.relayed).length,
    sent,
    rejoined,
    onThePrimary,
    opening,
    problems,
    firstProblem,
    rssKiB: Math.round(process.memoryUsage.rss() / 1024),
    maxLoopDelayMs: Math.round(loopDelay.max / 1e6),
    fds: readdirSync("/proc/self/fd").length,
  });
}

function stop(): void {
  stopping = true;
  wholeQueue.length = 0;
  for (const agent of agents) agent.stop();
  agents.length = 0;
  send({ type: "stopped" });
  process.disconnect();
}

function failed(error: unknown): void {
  send({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
}

process.on("message", (message: ToAgents) => {
  if (message.type === "add") add(message).catch(failed);
  else if (message.type === "status") status();
  else if (message.type === "stop") stop();
});
process.on("uncaughtException", failed);
process.on("unhandledRejection", failed);
process.on("disconnect", () => {
  if (!stopping) process.exit(0);
});
