/**
 * The cost of mTLS (SPEC 16: the 64-writer throughput and the 1,000-watcher
 * fan-out with mTLS on at most 1.3 of the same without), against two REAL
 * `cairn manager start` processes up side by side: one insecure, one with
 * mTLS (a CA made in a temp folder, the manager as manager/framework-manager,
 * writers as admin/bench, watchers as host/bench-watcher).
 *
 * The machine is shared and its speed drifts over tens of seconds, so the
 * two are measured in alternation (insecure, mTLS, insecure, mTLS, …) with
 * the same loads as bench/manager.ts, and each ratio is of the pooled
 * figures: throughput as insecure ÷ mTLS (how many times slower mTLS is),
 * fan-out as mTLS p99 ÷ insecure p99.
 */
import { TestRegistryClient } from "../test/support/manager.js";
import { TestCa } from "../test/support/tls.js";
import { asListed, guarded, setUp, watchRounds, writeRounds, type AlternatingOptions, type Side, type WatchRuns, type WriteRuns } from "./lib/alternating-rounds.js";
import { startManagerProcess } from "./lib/cairn-process.js";
import { report, type PartReport, type Row } from "./lib/stats.js";

export interface TlsBenchOptions extends AlternatingOptions {
  /** Alternations: each runs the insecure manager, then the mTLS one. */
  rounds?: number;
}

/** SPEC 16: with mTLS on, at most this many times the cost of the same without. */
const MTLS_BUDGET = 1.3;

interface TlsSide extends Side {
  name: "insecure" | "mTLS";
}

export async function benchTls(options: TlsBenchOptions = {}): Promise<PartReport> {
  const { rounds, writers, watchers, cleanup, rows, info, nodeArgs } = setUp(options, 3);
  try {
    const ca = await TestCa.make(cleanup.tempDir("cairn-bench-ca-"));
    const plain = await startManagerProcess(cleanup, { nodeArgs });
    const secure = await startManagerProcess(cleanup, { nodeArgs, args: await ca.flags("manager/framework-manager") });
    const sides: TlsSide[] = [
      { name: "insecure", manager: plain, client: new TestRegistryClient(plain.address) },
      {
        name: "mTLS",
        manager: secure,
        client: new TestRegistryClient(secure.address, (await ca.transport("admin/bench")).channel({ kind: "manager" })),
        writerTls: await ca.files("admin/bench"),
        watcherTls: await ca.files("host/bench-watcher"),
      },
    ];
    for (const side of sides) cleanup.add(() => side.client.close());
    info.managers = Object.fromEntries(sides.map((s) => [s.name, s.manager.args.join(" ")]));

    // Insecure, mTLS, insecure, mTLS, …: the same order every round.
    info.writes = await guarded(sides, () =>
      writeRounds(cleanup, rows, sides, { rounds, writers, ...options }, { order: asListed, comparisons: writeComparison }),
    );
    info.watch = await guarded(sides, () =>
      watchRounds(cleanup, rows, sides, { rounds, watchers, ...options }, { order: asListed, sideRows: openRow, comparisons: watchComparison }),
    );
  } finally {
    const problems = await cleanup.run();
    if (problems.length > 0) console.error(`tls bench clean-up: ${problems.join("; ")}`);
  }
  return report("tls", "the cost of mTLS (SPEC 16: real managers, insecure and mTLS, measured in alternation)", rows, info);
}

function writeComparison({ sides, writers, rate }: WriteRuns<TlsSide>): Row[] {
  const [plain, secure] = sides as [TlsSide, TlsSide];
  return [
    {
      name: `${writers} writers: insecure ÷ mTLS throughput`,
      unit: "×",
      value: rate(plain) / rate(secure),
      budget: { text: `≤ ${MTLS_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: MTLS_BUDGET }] },
      note: "how many times slower writes are with mTLS; 1 is free",
    },
  ];
}

function openRow(side: TlsSide, { runs, label }: WatchRuns<TlsSide>): Row[] {
  return [{ name: `${label}, ${side.name}: open, first change`, unit: "ms", value: Math.max(...runs.get(side)!.map((r) => r.setUpMs)) }];
}

function watchComparison({ sides, label, pooled }: WatchRuns<TlsSide>): Row[] {
  const [plain, secure] = sides as [TlsSide, TlsSide];
  return [
    {
      name: `${label}: mTLS p99 ÷ insecure p99`,
      unit: "×",
      value: pooled(secure).p99 / pooled(plain).p99,
      budget: { text: `≤ ${MTLS_BUDGET} (SPEC 16)`, checks: [{ metric: "p50", atMost: MTLS_BUDGET }] },
      note: "how many times later the 99th-percentile watcher has a change with mTLS; 1 is free",
    },
  ];
}
