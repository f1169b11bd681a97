/**
 * Row 1 of the scale bench (SPEC 16): one change reaching N watchers, each
 * on its own channel and TCP connection, one change at a time, timed from
 * the write, for three systems up side by side in the same run:
 *
 * - etcd 3.4 (Debian's /usr/bin/etcd, a single member on free loopback
 *   ports): N etcd3 clients, each its own connection, watching one key; the
 *   writer puts the key;
 * - cairn: a real manager process, N Replication.Watch streams; the writer
 *   toggles SetMaintenance through the Registry (as the manager bench does);
 * - a bare grpc-js broadcast (bench/scale-broadcast-server.ts): N server
 *   streams, one pre-made Buffer of the size of cairn's change message
 *   written to all; the write is its unary Publish call.
 *
 * The watchers are bench/manager-watchers.ts's, in child processes, driven
 * by bench/manager-fan-out.ts. The systems are measured in rounds, the order
 * rotated each round (bench/lib/alternating-rounds.ts), so the shared
 * machine's drift falls on all three alike; each figure is the median over
 * the rounds of that round's figure, each ratio the median of the rounds'
 * ratios (cairn and its peer measured a few seconds apart).
 */
import * as grpc from "@grpc/grpc-js";
import { Etcd3 } from "etcd3";
import type { WatchEvent__Output } from "../src/generated/cairn/v1/WatchEvent.js";
import { v1 } from "../src/wire/proto-loader.js";
import { startEtcd } from "../test/support/etcd.js";
import { ETCD, installed, missingLine } from "../test/support/system-packages.js";
import { TestRegistryClient } from "../test/support/manager.js";
import { rotated } from "./lib/alternating-rounds.js";
import { publish, SUBSCRIBE_METHOD } from "./lib/bare-broadcast.js";
import { procCpuSeconds, REPO_ROOT, startManagerProcess, startServerProcess, type Cleanup, type ManagerProcess } from "./lib/cairn-process.js";
import { portOf, round3, wallMs } from "./lib/fleet.js";
import { summarize, type Row, type Summary } from "./lib/stats.js";
import { fanOutTo, toggler, watchedManager, type Change, type FanOut, type FanOutServer } from "./manager-fan-out.js";

export interface PeersOptions {
  counts: readonly number[];
  rounds: number;
  /** Timed changes per run at each N (after `warmUp`). */
  changes: (watchers: number) => number;
  warmUp: number;
  quietWaitMs: number;
  nodeArgs: readonly string[];
}

type SideName = "etcd 3.4" | "cairn" | "bare grpc-js";

interface PeerSide {
  name: SideName;
  /** The watched server, as a run starts (cairn's watchers resume from where the manager stands then). */
  server(): Promise<FanOutServer>;
  change: Change;
}

/** SPEC 16's budgets, at N: cairn p99 ÷ the peer's p99, at most. */
const BUDGETS: Record<string, Partial<Record<SideName, number>>> = {
  10: { "etcd 3.4": 1.0 },
  1000: { "etcd 3.4": 0.6, "bare grpc-js": 1.3 },
};

const TARGET_KEY = "bench-watch-target";

export async function peersRows(cleanup: Cleanup, rows: Row[], options: PeersOptions): Promise<Record<string, unknown>> {
  const info: Record<string, unknown> = {};
  const manager = await startManagerProcess(cleanup, { nodeArgs: options.nodeArgs });
  const client = new TestRegistryClient(manager.address);
  cleanup.add(() => client.close());
  const cairnChange = await toggler(client, TARGET_KEY);
  const changeBytes = await changeMessageBytes(manager, client, cairnChange);
  info.cairnChangeMessageBytes = changeBytes;
  const sides: PeerSide[] = [{ name: "cairn", server: () => watchedManager(manager, client), change: cairnChange }];

  if (installed(ETCD)) sides.unshift(await etcdSide(cleanup));
  else rows.push({ name: "fan-out, etcd 3.4", unit: "", note: `not measured: ${missingLine(ETCD)}` });
  sides.push(await bareSide(cleanup, changeBytes));
  info.servers = { cairn: manager.args.join(" ") };

  const runs = new Map<string, FanOut[]>();
  const key = (side: PeerSide, n: number) => `${side.name} @ ${n}`;
  for (const n of options.counts) {
    for (let round = 0; round < options.rounds; round++) {
      for (const side of rotated(sides, round)) {
        const run = await fanOutTo(cleanup, [await side.server()], side.change, {
          watchers: n,
          processes: n >= 100 ? 2 : 1,
          changes: options.changes(n),
          warmUp: options.warmUp,
          quietWaitMs: options.quietWaitMs,
        });
        runs.set(key(side, n), [...(runs.get(key(side, n)) ?? []), run]);
      }
    }
    const cairn = runs.get(key(sides.find((s) => s.name === "cairn")!, n))!;
    for (const side of sides) {
      const own = runs.get(key(side, n))!;
      const label = `${n.toLocaleString("en-US")} watchers, ${side.name}`;
      const changes = options.changes(n);
      rows.push({
        name: `${label}: change → watcher`,
        unit: "ms",
        summary: medianOfRounds(own.map((r) => r.times.latencies)),
        note:
          `p50 and p99 are the medians of ${own.length} rounds' (p99 by round ${listed(own.map((r) => summarize(r.times.latencies).p99))}), ` +
          `${changes} changes each; per change the server used ${perChangeMs(own, (r) => r.managerCpuS, changes)} ms of CPU and the ` +
          `watcher processes ${perChangeMs(own, (r) => r.watcherProcessesCpuS, changes)} ms; ${own[0]!.connections} connections, ` +
          `${own[0]!.processes} watcher process(es)`,
      });
      rows.push({ name: `${label}: write acknowledged`, unit: "ms", summary: medianOfRounds(own.map((r) => r.times.acks)) });
    }
    for (const peer of sides.filter((s) => s.name !== "cairn")) {
      const theirs = runs.get(key(peer, n))!;
      const ratios = cairn.map((run, round) => summarize(run.times.latencies).p99 / summarize(theirs[round]!.times.latencies).p99);
      const budget = BUDGETS[n]?.[peer.name];
      rows.push({
        name: `${n.toLocaleString("en-US")} watchers: cairn p99 ÷ ${peer.name} p99, by round`,
        unit: "×",
        summary: summarize(ratios),
        ...(budget !== undefined ? { budget: { text: `median ≤ ${budget} (SPEC 16)`, checks: [{ metric: "p50" as const, atMost: budget }] } } : {}),
        note: `p50 is the median round; rounds ${listed(ratios)}`,
      });
    }
  }
  info.runs = Object.fromEntries(
    [...runs].map(([name, list]) => [
      name,
      list.map((r) => ({
        p50: round3(summarize(r.times.latencies).p50),
        p99: round3(summarize(r.times.latencies).p99),
        ackP50: round3(summarize(r.times.acks).p50),
        serverCpuS: round3(r.managerCpuS),
        watchersCpuS: round3(r.watcherProcessesCpuS),
        othersCpuS: round3(r.othersCpuS),
        quiet: r.quiet.quiet,
      })),
    ]),
  );
  return info;
}

/** A Summary whose p50 and p99 are the medians of each round's (n, mean and max pooled). */
function medianOfRounds(rounds: readonly number[][]): Summary {
  const each = rounds.map((samples) => summarize(samples));
  const median = (values: number[]) => summarize(values).p50;
  const pooled = summarize(rounds.flat());
  return { ...pooled, p50: median(each.map((s) => s.p50)), p99: median(each.map((s) => s.p99)) };
}

function perChangeMs(runs: readonly FanOut[], cpu: (r: FanOut) => number, changes: number): string {
  return ((runs.reduce((s, r) => s + cpu(r), 0) / (runs.length * changes)) * 1000).toFixed(2);
}

const listed = (values: number[]) => values.map((v) => v.toFixed(2)).join(", ");

/** The size of cairn's change message on the wire (one WatchEvent) for `change`, from a raw Watch stream. */
async function changeMessageBytes(manager: ManagerProcess, client: TestRegistryClient, change: Change): Promise<number> {
  const status = await client.call("GetStatus", {});
  const raw = new grpc.Client(manager.address, grpc.credentials.createInsecure());
  const decode = v1.Replication.service.Watch.responseDeserialize as (b: Buffer) => WatchEvent__Output;
  const request = v1.Replication.service.Watch.requestSerialize({ host: "bench-size-probe", from_revision: status.revision, epoch: status.epoch, cluster_id: status.cluster_id });
  const call = raw.makeServerStreamRequest(v1.Replication.service.Watch.path, (b: Buffer) => b, (b: Buffer) => b, request);
  try {
    const size = new Promise<number>((resolve, reject) => {
      call.on("data", (message: Buffer) => {
        if (decode(message).event === "change") resolve(message.length);
      });
      call.on("error", reject);
    });
    await change();
    return await size;
  } finally {
    call.cancel();
    raw.close();
  }
}

async function etcdSide(cleanup: Cleanup): Promise<PeerSide> {
  const etcd = await startEtcd((fn) => cleanup.add(fn), cleanup.tempDir("cairn-bench-etcd-"));
  const port = portOf(etcd.clientUrl);
  const writer = new Etcd3({ hosts: etcd.clientUrl });
  cleanup.add(() => writer.close());
  let n = 0;
  const change: Change = async () => {
    const sent = wallMs();
    const reply = await writer.put(TARGET_KEY).value(String(++n));
    return { sent, acked: wallMs(), revision: Number(reply.header.revision) };
  };
  const server: FanOutServer = {
    address: `127.0.0.1:${port}`,
    port,
    cpuSeconds: () => procCpuSeconds(etcd.pid()),
    request: {},
    watch: { kind: "etcd", key: TARGET_KEY },
  };
  return { name: "etcd 3.4", server: async () => server, change };
}

async function bareSide(cleanup: Cleanup, messageBytes: number): Promise<PeerSide> {
  const started = await startServerProcess(cleanup, {
    script: `${REPO_ROOT}bench/scale-broadcast-server.ts`,
    execArgv: ["--import", "tsx"],
    args: [],
    name: "the bare grpc-js broadcast",
  });
  const writer = new grpc.Client(started.address, grpc.credentials.createInsecure());
  cleanup.add(() => writer.close());
  const change: Change = async () => {
    const sent = wallMs();
    const revision = await publish(writer, messageBytes);
    return { sent, acked: wallMs(), revision };
  };
  const server: FanOutServer = {
    address: started.address,
    port: started.port,
    cpuSeconds: () => started.cpuSeconds(),
    request: {},
    watch: { kind: "bare", method: SUBSCRIBE_METHOD },
  };
  return { name: "bare grpc-js", server: async () => server, change };
}
