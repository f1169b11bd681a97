import type { Command } from "commander";
import type { AgentOutcome } from "../demo/ask-agent.js";
import type { ActionDone, ScenarioProcess, SeedScenario } from "../demo/seed-scenario.js";
import type { SeedStep } from "../demo/seed-table.js";
import { CairnError, Code } from "../errors.js";
import { colourEnabled, formatJson, formatTable, palette, type Output, type Palette } from "./output.js";

interface DemoOptions {
  json?: boolean;
  keep?: boolean;
  insecure?: boolean;
  console?: boolean;
}

/** Exit codes of a demo stopped by a signal: 128 + the signal's number. */
const SIGNAL_EXIT: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143 };

const KIND_LABELS: Readonly<Record<ScenarioProcess["kind"], string>> = {
  "registry-manager": "registry manager",
  "command-control": "command-control",
  agent: "agent",
};

interface RowReport {
  step: SeedStep;
  done: ActionDone[];
  agents: AgentOutcome[];
  matched: boolean;
}

/**
 * `cairn demo`: the seed table of SPEC section 4, played live by real
 * processes. Exit 0 when every agent of every row was served by the
 * expected manager, 1 otherwise.
 */
export function registerDemoCommand(program: Command, output: Output): void {
  program
    .command("demo")
    .description("play the seed table of SPEC section 4 live: real managers and agents on loopback, killed and started row by row")
    .option("--json", "print one JSON document with every row")
    .option("--keep", "leave the processes running after the last row, until Ctrl-C")
    .option("--insecure", "run every process without mTLS (by default each has its own certificate from a CA made for the demo)")
    .option("--console", "serve the registry manager's web console and keep the network running after the last row, until Ctrl-C (implies --keep)")
    .action(async (options: DemoOptions) => {
      // Loaded here, not at the top: every other command starts faster without it.
      const [{ SeedScenario }, { DEMO_USER, DEMO_COMMAND }, { SEED_STEPS }] = await Promise.all([
        import("../demo/seed-scenario.js"),
        import("../demo/ask-agent.js"),
        import("../demo/seed-table.js"),
      ]);
      const startedAt = Date.now();
      const keep = options.keep || options.console;
      const scenario = new SeedScenario({ tls: !options.insecure, console: options.console ?? false });
      const colour = palette(!options.json && colourEnabled(process.stdout));
      const say = (text: string) => void (options.json || output.out(text));

      // Ctrl-C: stop every process, then exit 130 (143 for SIGTERM); a second one kills at once.
      // With --keep, the first signal after the last row is the normal end instead.
      let interrupted: NodeJS.Signals | undefined;
      let endKeep: (() => void) | undefined;
      const onSignal = (signal: NodeJS.Signals) => {
        if (endKeep) return endKeep();
        if (interrupted) {
          scenario.killNow();
          process.exit(SIGNAL_EXIT[signal] ?? 1);
        }
        interrupted = signal;
        output.err(`${signal}: stopping every process of the demo`);
        void scenario.stop().finally(() => process.exit(SIGNAL_EXIT[signal] ?? 1));
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);

      const rows: RowReport[] = [];
      try {
        say(colour.bold("cairn demo: the seed network of SPEC section 4, live on loopback"));
        say(`starting it in ${scenario.dir} …`);
        say(
          scenario.tls.on
            ? `mTLS on: a CA made in ${scenario.tls.dir}, every process with its own certificate (manager/…, service/command-control/…, host/…), the demo itself as admin/demo`
            : "insecure (--insecure): no TLS, every caller may make every call",
        );
        await scenario.start();
        say(formatProcesses(scenario.processes));
        say(`ready in ${seconds(Date.now() - startedAt)}: every agent holds the imported registry and has an authorization answered`);
        say(`each row: what the demo did, then who answers agent-1 … agent-4 when they ask whether ${DEMO_USER} may run ${DEMO_COMMAND}`);

        let previous: AgentOutcome[] | undefined;
        for (const step of SEED_STEPS) {
          const done = await scenario.play(step);
          const agents = await scenario.authorizeAll();
          const row = { step, done, agents, matched: agents.every((a) => a.matched) };
          rows.push(row);
          say("\n" + formatRow(row, previous, colour));
          previous = agents;
        }
        const matched = rows.every((r) => r.matched);

        if (keep) {
          if (options.json) output.out(formatJson(report(scenario, rows, startedAt)));
          say("\n" + formatKeep(scenario));
          await new Promise<void>((resolve) => (endKeep = resolve));
        }
        await scenario.stop();
        if (options.json && !keep) output.out(formatJson(report(scenario, rows, startedAt)));
        say("\n" + formatSummary(rows, scenario.processes.length, Date.now() - startedAt, colour));
        if (!matched) throw new CairnError(Code.FAILED_PRECONDITION, "some agents were not served by the manager SPEC section 4 expects");
      } catch (error) {
        // Interrupted: the signal handler is stopping everything and will exit; what failed meanwhile is its doing.
        if (interrupted) await new Promise(() => {});
        throw error;
      } finally {
        await scenario.stop();
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}

// ---- people ----

function formatProcesses(processes: readonly ScenarioProcess[]): string {
  return formatTable(
    ["process", "host", "address", "pid"],
    processes.map((p) => [KIND_LABELS[p.kind], p.host, p.address, String(p.pid)]),
  )
    .split("\n")
    .map((line) => "  " + line)
    .join("\n");
}

function formatRow(row: RowReport, previous: readonly AgentOutcome[] | undefined, colour: Palette): string {
  const { step } = row;
  const lines = [colour.bold(`row ${step.row}: ${step.situation}`)];
  if (row.done.length === 0) lines.push("  nothing to do");
  for (const { text } of row.done) lines.push(`  ${text}`);
  const table = formatTable(
    ["", "agent", "served by", "expected", "switch"],
    row.agents.map((a) => {
      const before = previous?.find((p) => p.agent === a.agent)?.servedBy;
      return [a.matched ? "✓" : "✗", a.agent, a.servedBy ?? "(no answer)", a.expected, formatSwitch(a, before)];
    }),
  );
  for (const line of table.split("\n")) {
    const styled = line.startsWith("✓") ? colour.green("✓") + line.slice(1) : line.startsWith("✗") ? colour.red("✗") + line.slice(1) : line;
    lines.push("  " + styled);
  }
  for (const a of row.agents) if (!a.matched && a.error) lines.push(colour.red(`  ${a.agent}: ${a.error}`));
  return lines.join("\n");
}

/** "—" when the agent kept its manager; else the time to its new one, and how many of its asks failed on the way. */
function formatSwitch(outcome: AgentOutcome, before: string | undefined): string {
  if (outcome.switchMs === undefined) return "—";
  const changed = before !== undefined && outcome.servedBy !== before;
  if (!changed && outcome.failures === 0) return "—";
  return `${outcome.switchMs} ms` + (outcome.failures > 0 ? ` (${outcome.failures} failed first)` : "");
}

function formatKeep(scenario: SeedScenario): string {
  const agent = "agent-4";
  return [
    ...formatConsole(scenario),
    `the processes keep running until Ctrl-C; their logs are in ${scenario.logDir}`,
    `  export CAIRN_MANAGER=${scenario.managerAddress}`,
    ...(scenario.tls.on
      ? [`  export CAIRN_CA=${scenario.tls.dir}/ca.pem CAIRN_CERT=${scenario.tls.dir}/admin_demo.pem CAIRN_KEY=${scenario.tls.dir}/admin_demo-key.pem`]
      : []),
    "  npx cairn tree",
    `  npx cairn route --from ${agent} --type command-control --agent ${scenario.agentAddress(agent)}`,
    `  npx cairn authorize --agent ${scenario.agentAddress(agent)} --user demo --command uptime`,
  ].join("\n");
}

/** The console's URL, and with mTLS what a browser needs to be let in. */
function formatConsole(scenario: SeedScenario): string[] {
  if (!scenario.consoleUrl) return [];
  const lines = [`the web console: ${scenario.consoleUrl}/`];
  if (scenario.tls.on) {
    lines.push(
      `  it asks for a client certificate of the demo's CA: admin/demo is ${scenario.tls.dir}/admin_demo.pem with ${scenario.tls.dir}/admin_demo-key.pem`,
      `  curl --cacert ${scenario.tls.dir}/ca.pem --cert ${scenario.tls.dir}/admin_demo.pem --key ${scenario.tls.dir}/admin_demo-key.pem ${scenario.consoleUrl}/metrics`,
      "  (`cairn demo --console --insecure` serves it to any browser on this machine, read-only)",
    );
  }
  return lines;
}

function formatSummary(rows: readonly RowReport[], processes: number, elapsedMs: number, colour: Palette): string {
  const answers = rows.flatMap((r) => r.agents);
  const good = answers.filter((a) => a.matched).length;
  const rowsGood = rows.filter((r) => r.matched).length;
  const text =
    `${rowsGood} of ${rows.length} rows as in SPEC section 4 (${good} of ${answers.length} agents served by the expected manager) ` +
    `in ${seconds(elapsedMs)}; all ${processes} processes stopped`;
  return rowsGood === rows.length ? colour.green(text) : colour.red(text);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

// ---- scripts ----

function report(scenario: SeedScenario, rows: readonly RowReport[], startedAt: number) {
  return {
    matched: rows.every((r) => r.matched),
    manager: scenario.managerAddress,
    console: scenario.consoleUrl || null,
    temp_dir: scenario.dir,
    mtls: scenario.tls.on,
    duration_ms: Date.now() - startedAt,
    processes: scenario.processes,
    rows: rows.map(({ step, done, agents, matched }) => ({
      row: step.row,
      situation: step.situation,
      actions: done.map((d) => d.text),
      expected: step.expected,
      matched,
      agents: agents.map((a) => ({
        agent: a.agent,
        served_by: a.servedBy ?? null,
        expected: a.expected,
        matched: a.matched,
        tried: a.tried,
        allowed: a.allowed ?? null,
        switch_ms: a.switchMs ?? null,
        failures: a.failures,
        error: a.error ?? null,
      })),
    })),
  };
}
