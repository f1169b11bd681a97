/**
 * The seed table of SPEC section 4, live: real registry manager, command-
 * control managers and agents (the compiled `cairn`: `npm test` builds it
 * first), managers really killed and started, the registry edited through
 * its admin API. Each agent asks for an authorization through its Agent
 * service and must be served by the manager of the table.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SeedScenario } from "../../src/demo/seed-scenario.js";
import { SEED_STEPS } from "../../src/demo/seed-table.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { SEED_AGENTS, SEED_ROWS, expectedFor } from "../support/seed.js";
import { until } from "../support/until.js";

const defer = useDefer();

describe("the seed table of SPEC section 4, live", () => {
  it("routes every agent's authorization to the table's manager in each of the five situations", async () => {
    const scenario = new SeedScenario();
    defer(() => scenario.stop());
    await scenario.start();

    // The scenario's rows make the situations; what each agent should get is this test's own table.
    expect(SEED_STEPS.map((s) => s.situation)).toEqual(SEED_ROWS.map((r) => r.situation));
    for (const [i, row] of SEED_ROWS.entries()) {
      await scenario.play(SEED_STEPS[i]!);
      const outcomes = await scenario.authorizeAll((agent) => expectedFor(row, agent));
      const served = Object.fromEntries(outcomes.map((o) => [o.agent, o.servedBy ?? `no answer: ${o.error}`]));
      const expected = Object.fromEntries(SEED_AGENTS.map((agent) => [agent, expectedFor(row, agent)]));
      expect({ row: row.situation, served }).toEqual({ row: row.situation, served: expected });
      for (const outcome of outcomes) expect(outcome.allowed).toBe(true);
    }

    await scenario.stop();
    expect(scenario.processes.filter((p) => p.running)).toEqual([]);
    expect(existsSync(scenario.dir)).toBe(false);
  });

  it("cairn demo --json plays every row as expected, exits 0 and leaves no process behind", async () => {
    const result = await runCli(["demo", "--json"], { NO_COLOR: "1" });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    const report = JSON.parse(result.stdout) as DemoReport;

    expect(report.matched).toBe(true);
    expect(report.rows.map((r) => r.situation)).toEqual(SEED_ROWS.map((r) => r.situation));
    for (const [i, row] of SEED_ROWS.entries()) {
      const reported = report.rows[i]!;
      expect(reported.matched).toBe(true);
      expect(Object.fromEntries(reported.agents.map((a) => [a.agent, a.served_by]))).toEqual(
        Object.fromEntries(SEED_AGENTS.map((agent) => [agent, expectedFor(row, agent)])),
      );
    }

    // Every process it started has exited, and nothing runs from its temp folder.
    expect(report.processes.length).toBeGreaterThanOrEqual(9);
    await until(() => report.processes.every((p) => !alive(p.pid)), "every process of the demo to have exited", 5_000);
    expect(await pgrep(report.temp_dir)).toEqual([]);
    expect(existsSync(report.temp_dir)).toBe(false);
  });

  it("cairn demo --console --insecure keeps the network up with its console until Ctrl-C, then stops every process", async () => {
    const demo = spawnCli(["demo", "--console", "--insecure"], { NO_COLOR: "1" });
    defer(() => demo.kill("SIGKILL"));
    const line = await until(() => demo.lines.find((l) => l.startsWith("the web console: ")), "the console's URL", 45_000);
    const url = line.slice("the web console: ".length);
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("cairn");
    expect(await (await fetch(new URL("/healthz", url))).text()).toMatch(/^ok: primary at epoch 1/);
    const temp = /their logs are in (\S+)\/logs$/.exec(demo.lines.find((l) => l.includes("their logs are in")) ?? "")?.[1];
    expect(temp).toBeDefined();
    expect(await pgrep(temp!)).not.toEqual([]);
    // With --console, the first Ctrl-C after the last row is the normal end.
    demo.kill("SIGINT");
    expect(await demo.exited).toBe(0);
    expect(await pgrep(temp!)).toEqual([]);
  });
});

interface DemoReport {
  matched: boolean;
  temp_dir: string;
  processes: { kind: string; host: string; address: string; pid: number; running: boolean }[];
  rows: { situation: string; matched: boolean; agents: { agent: string; served_by: string | null }[] }[];
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pids of processes whose command line mentions `text` (pgrep exits 1 when there are none). */
function pgrep(text: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile("pgrep", ["-f", text], (error, stdout) => {
      if (error && error.code !== 1) reject(error);
      else resolve(stdout.split("\n").filter((line) => line.trim().length > 0));
    }),
  );
}
