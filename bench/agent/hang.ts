/**
 * A phase of the agent bench (bench/agent.ts): routed calls while one of two
 * managers hangs (SPEC 13 and 16). The same fleet as the failover phase
 * (cc-a in the agent's domain, preferred; cc-b in the root), but cc-a is
 * SIGSTOPped instead of killed: its kernel still accepts connections, so
 * only a call's attempt timeout finds it out. 1,000 sequential
 * Agent.Authorize calls with cc-a stopped, beside 1,000 with both running
 * in the same run (the peer). Budget: p99 of the calls after the first
 * under 20 ms (the first waits out one attempt timeout and ejects cc-a).
 */
import { awaitQuiet, type Cleanup } from "../lib/cairn-process.js";
import { round3, until, wallMs } from "../lib/fleet.js";
import { summarize, type Row } from "../lib/stats.js";
import { QUIET_WAIT_MS, type NodeArgs } from "./shared.js";
import { twoManagerFleet } from "./two-managers.js";

export async function hangPhase(cleanup: Cleanup, rows: Row[], options: { calls: number; nodeArgs: NodeArgs }): Promise<Record<string, unknown>> {
  const { preferred, agent } = await twoManagerFleet(cleanup, options.nodeArgs, "hang.yaml");
  await until("calls served by cc-a", async () => (await agent.client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "cc-a", 15_000);

  const sequential = async () => {
    const ms: number[] = [];
    const servedBy = new Map<string, number>();
    let failures = 0;
    for (let i = 0; i < options.calls; i++) {
      const start = wallMs();
      try {
        const reply = await agent.client.authorize("ops", "uptime");
        servedBy.set(reply.served_by, (servedBy.get(reply.served_by) ?? 0) + 1);
      } catch {
        failures++;
      }
      ms.push(wallMs() - start);
    }
    return { ms, servedBy: Object.fromEntries(servedBy), failures };
  };

  const quiet = await awaitQuiet(QUIET_WAIT_MS, 0.15);
  const running = await sequential();
  preferred.server.signal("SIGSTOP");
  let hung;
  try {
    hung = await sequential();
  } finally {
    preferred.server.signal("SIGCONT");
  }
  const first = hung.ms[0]!;
  const rest = summarize(hung.ms.slice(1));
  const peer = summarize(running.ms);
  rows.push({
    name: "hung manager: calls after the first",
    unit: "ms",
    summary: rest,
    budget: { text: "p99 < 20 ms", checks: [{ metric: "p99", below: 20 }] },
    note:
      `${options.calls} sequential Agent.Authorize calls with cc-a (the agent's domain) SIGSTOPped; served by ` +
      `${JSON.stringify(hung.servedBy)}, ${hung.failures} failed; the first took ${Math.round(first)} ms (one attempt timeout, then cc-a ejected); ` +
      `p99 ÷ the same calls with cc-a running (${round3(peer.p99)} ms): ${round3(rest.p99 / peer.p99)}${quiet.quiet ? "" : " (NOT QUIET)"}`,
  });
  rows.push({
    name: "hung manager: failed calls",
    unit: "calls",
    value: hung.failures,
    budget: { text: "0", checks: [{ metric: "p50", below: 1 }] },
  });
  rows.push({ name: "hung manager: the same calls, cc-a running (peer)", unit: "ms", summary: peer, note: `served by ${JSON.stringify(running.servedBy)}` });
  return { firstCallMs: round3(first), servedBy: hung.servedBy, peerServedBy: running.servedBy };
}
