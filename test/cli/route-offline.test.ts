import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatFixture } from "../../src/fixture/format.js";
import { runCli } from "../support/cli.js";
import { expectedFor, loadSeed, SEED_AGENTS, SEED_FILE, SEED_ROWS } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();

async function firstHost(file: string, from: string, down: string[]): Promise<string> {
  const args = ["route", "--file", file, "--from", from, "--type", "command-control", "--json"];
  if (down.length > 0) args.push("--down", down.join(","));
  const result = await runCli(args);
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout).candidates[0]?.host;
}

describe("cairn route --file, offline", () => {
  for (const row of SEED_ROWS) {
    it(`seed table: ${row.situation}`, async () => {
      // The registry edits go into a fixture file; liveness goes through --down.
      const registry = loadSeed();
      row.edit(registry);
      const file = join(tempDir(), "seed.yaml");
      writeFileSync(file, formatFixture(registry, "yaml"));
      const firsts = await Promise.all(SEED_AGENTS.map((agent) => firstHost(file, agent, row.down)));
      expect(firsts).toEqual(SEED_AGENTS.map((agent) => expectedFor(row, agent)));
    });
  }

  it("prints the JSON shape of SPEC section 4", async () => {
    const result = await runCli(
      ["route", "--file", SEED_FILE, "--from", "agent-4", "--type", "command-control", "--down", "agent-3", "--json"],
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      from: "agent-4",
      type: "command-control",
      candidates: [
        { host: "agent-1", domain: "/subdomain-1", tier: "ancestor", endpoint: "127.0.0.1:7611" },
        { host: "framework-manager", domain: "/", tier: "ancestor", endpoint: "127.0.0.1:7601" },
      ],
      skipped: [{ host: "agent-3", reason: "host down" }],
    });
  });

  it("prints a table and the skipped list for people", async () => {
    const result = await runCli(["route", "--file", SEED_FILE, "--from", "agent-4", "--type", "command-control", "--down", "agent-3"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("route from agent-4 to command-control");
    expect(lines[1]).toMatch(/^\s+rank\s+host\s+domain\s+tier\s+endpoint$/);
    expect(lines[2]).toMatch(/^\s+1\s+agent-1\s+\/subdomain-1\s+ancestor\s+127\.0\.0\.1:7611$/);
    expect(lines[3]).toMatch(/^\s+2\s+framework-manager\s+\/\s+ancestor\s+127\.0\.0\.1:7601$/);
    expect(lines.slice(4).join("\n")).toMatch(/skipped\n\s+host\s+reason\n\s+agent-3\s+host down/);
  });

  /** A domain with 1 of its 3 managers available (agent-1 goes down with --down), under the root's one. */
  const spillFixture = (minHealthy: string) => {
    const file = join(tempDir(), "spill.yaml");
    writeFileSync(
      file,
      [
        "types:",
        `  command-control: { policy: ordered, min_healthy: ${minHealthy} }`,
        "root:",
        "  hosts:",
        "    - id: framework-manager",
        "      packages: [{ type: command-control, port: 7601 }]",
        "  subdomains:",
        "    subdomain-1:",
        "      hosts:",
        "        - id: agent-1",
        "          packages: [{ type: command-control, port: 7611 }]",
        "        - id: agent-2",
        "          packages: [{ type: command-control, port: 7612, health: unhealthy }]",
        "        - id: agent-4",
        "        - id: agent-5",
        "          packages: [{ type: command-control, port: 7615 }]",
        "",
      ].join("\n"),
    );
    return file;
  };
  const spillRoute = (file: string, ...extra: string[]) =>
    runCli(["route", "--file", file, "--from", "agent-4", "--type", "command-control", "--down", "agent-1", ...extra]);

  it("prints the README's spill example (fixtures/spill-example.yaml) as the README shows it", async () => {
    const example = fileURLToPath(new URL("../../fixtures/spill-example.yaml", import.meta.url));
    const result = await runCli(["route", "--file", example, "--from", "agent-4", "--type", "command-control", "--down", "agent-1"]);
    expect(result.code).toBe(0);
    const readme = readFileSync(fileURLToPath(new URL("../../README.md", import.meta.url)), "utf8");
    expect(readme).toContain(result.stdout);
    expect(result.stdout).toContain("yielded: tier /subdomain-1: 1 of 3 available, below 50%");
  });

  it("honours the fixture's min_healthy: a domain below it yields to its parent, and the JSON says why", async () => {
    const result = await spillRoute(spillFixture("0.5"), "--json");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      from: "agent-4",
      type: "command-control",
      candidates: [
        { host: "framework-manager", domain: "/", tier: "ancestor", endpoint: "127.0.0.1:7601" },
        { host: "agent-5", domain: "/subdomain-1", tier: "domain", endpoint: "127.0.0.1:7615" },
      ],
      skipped: [
        { host: "agent-1", reason: "host down" },
        { host: "agent-2", reason: "package unhealthy" },
      ],
      spill: {
        min_healthy: 0.5,
        yielded: [{ tier: "/subdomain-1", available: 1, of: 3, reason: "tier /subdomain-1: 1 of 3 available, below 50%" }],
        panic: false,
      },
    });
  });

  it("prints the yielded tier under the candidates for people", async () => {
    const result = await spillRoute(spillFixture("0.5"));
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[2]).toMatch(/^\s+1\s+framework-manager\s+\/\s+ancestor\s+127\.0\.0\.1:7601$/);
    expect(lines[3]).toMatch(/^\s+2\s+agent-5\s+\/subdomain-1\s+domain\s+127\.0\.0\.1:7615$/);
    expect(lines[4]).toBe("yielded: tier /subdomain-1: 1 of 3 available, below 50%");
    expect(lines[5]).toBe("skipped");
  });

  it("does not yield a tier whose share equals min_healthy, and prints no spill when min_healthy is 0", async () => {
    const equal = JSON.parse((await spillRoute(spillFixture(String(1 / 3)), "--json")).stdout);
    expect(equal.candidates.map((c: { host: string }) => c.host)).toEqual(["agent-5", "framework-manager"]);
    expect(equal.spill).toEqual({ min_healthy: 1 / 3, yielded: [], panic: false });
    const off = JSON.parse((await spillRoute(spillFixture("0"), "--json")).stdout);
    expect(off.candidates.map((c: { host: string }) => c.host)).toEqual(["agent-5", "framework-manager"]);
    expect(Object.keys(off)).toEqual(["from", "type", "candidates", "skipped"]);
  });

  const route = (...extra: string[]) => runCli(["route", "--file", SEED_FILE, "--type", "command-control", ...extra]);

  it.each([
    ["an unknown host", () => route("--from", "nobody"), /^error: unknown host "nobody"\n$/],
    ["an unknown type", () => runCli(["route", "--file", SEED_FILE, "--from", "agent-1", "--type", "dns"]), /^error: unknown type "dns"/],
    ["an unknown host in --down", () => route("--from", "agent-1", "--down", "agent-9"), /^error: --down names unknown host "agent-9"\n$/],
    ["a missing file", () => runCli(["route", "--file", "/nonexistent.yaml", "--from", "a", "--type", "t"]), /^error: cannot read \/nonexistent.yaml: no such file\n$/],
  ])("rejects %s with one error line and exit 1", async (_what, run, message) => {
    const result = await run();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(message);
  });

  it("rejects a bad fixture with one line per problem, each with its place", async () => {
    const file = join(tempDir(), "bad.yaml");
    writeFileSync(file, "root:\n  hosts:\n    - id: Bad_Id\n    - id: ok\n      packages: [{ type: cc, port: 99999 }]\n");
    const result = await runCli(["route", "--file", file, "--from", "ok", "--type", "cc"]);
    expect(result.code).toBe(1);
    const lines = result.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^error: ${file}:3:\\d+: .*host id "Bad_Id"`));
    expect(lines[1]).toMatch(new RegExp(`^error: ${file}:5:\\d+: .*port`));
  });

  it("exits 2 on bad usage", async () => {
    const result = await runCli(["route", "--file", SEED_FILE, "--from", "agent-1"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/required option '--type <type>' not specified/);
  });
});
