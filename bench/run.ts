/**
 * `npm run bench [-- PART…]`: runs the named bench parts (all by default),
 * each printing its JSON line and its table, then one final JSON line with
 * every part. `npm run bench` builds first (the manager part runs the real
 * `cairn` binary from dist/) and runs `node --expose-gc --import tsx
 * bench/run.ts`, so heap figures can be taken after full collections.
 *
 * Exit status: 0 when every part ran (a missed budget is reported, not
 * failed: benchmarks are not tests), 1 when a part threw (e.g. a sanity
 * check found the figures were not for real work), 2 on a bad argument or
 * setting (bench/lib/bad-setting.ts).
 */
import { benchAgent } from "./agent.js";
import { benchConsole } from "./console.js";
import { benchHa } from "./ha.js";
import { benchManager } from "./manager.js";
import { benchMetrics } from "./metrics.js";
import { benchRouter } from "./router.js";
import { benchScale } from "./scale.js";
import { benchTls } from "./tls.js";
import { BadSetting } from "./lib/bad-setting.js";
import { machineInfo, machineLine, type PartReport } from "./lib/stats.js";

const PARTS: Record<string, () => Promise<PartReport>> = {
  router: () => benchRouter(),
  manager: () => benchManager(),
  agent: () => benchAgent(),
  ha: () => benchHa(),
  tls: () => benchTls(),
  metrics: () => benchMetrics(),
  console: () => benchConsole(),
  scale: () => benchScale(),
};

async function main(argv: readonly string[]): Promise<number> {
  const names = argv.length > 0 ? [...argv] : Object.keys(PARTS);
  const unknown = names.filter((n) => !(n in PARTS));
  if (unknown.length > 0) {
    console.error(`unknown bench part(s): ${unknown.join(", ")}; known: ${Object.keys(PARTS).join(", ")}`);
    return 2;
  }
  if (typeof globalThis.gc !== "function") {
    console.error("note: gc() is not exposed (run node with --expose-gc): heap figures are left out");
  }
  console.error(`bench: ${names.join(", ")} on ${machineLine()}`);
  const parts: Record<string, PartReport | { error: string }> = {};
  let failed = false;
  const started = Date.now();
  for (const name of names) {
    const t0 = Date.now();
    try {
      parts[name] = await PARTS[name]!();
    } catch (err) {
      if (err instanceof BadSetting) {
        console.error(`bench ${name}: ${err.message}`);
        return 2;
      }
      failed = true;
      // A part that reported its rows before it failed (bench/scale.ts) keeps them in the summary, and logged its errors.
      const reported = (err as { report?: PartReport } | undefined)?.report;
      parts[name] = { ...reported, error: err instanceof Error ? err.message : String(err) };
      if (reported) console.error(`bench ${name} failed: ${parts[name].error}`);
      else console.error(`bench ${name} failed:`, err);
    }
    console.error(`bench ${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  const budgetsMet = Object.values(parts).every((p) => "ok" in p && p.ok);
  console.log(
    JSON.stringify({
      bench: "cairn",
      machine: machineInfo(),
      at: new Date().toISOString(),
      seconds: Math.round((Date.now() - started) / 100) / 10,
      ok: !failed && budgetsMet,
      parts,
    }),
  );
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
