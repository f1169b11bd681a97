/**
 * SPEC 15's forms of the CLI, run through the compiled binary against real
 * managers: several endpoints with failover, contexts, version, -o formats,
 * completion, help, filters and import --dry-run.
 */
import { execFile, execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { buildProgram } from "../../src/cli/main.js";
import { everyCommand } from "../../src/cli/help-text.js";
import { hostPortProblem } from "../../src/cli/endpoints.js";
import { formatTable } from "../../src/cli/output.js";
import { CAIRN_BIN, runCli, type CliResult } from "../support/cli.js";
import { useDefer, useDeferAll } from "../support/defer.js";
import { startAgent } from "../support/fleet.js";
import { startManager } from "../support/manager.js";
import { startSecureManager } from "../support/secure-fleet.js";
import { useTempDirs, useTempDirsAll } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";

const tempDir = useTempDirs();
const defer = useDefer();
const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** A loopback address nothing listens on. */
function deadAddress(): Promise<string> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(`127.0.0.1:${port}`));
    });
  });
}

function ok(result: CliResult): string {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  return result.stdout;
}

/** The first line of stderr: the error (commander may add a hint line; the error is the first). */
function firstLine(result: CliResult): string {
  return result.stderr.split("\n")[0]!;
}

describe("cairn's SPEC 15 forms against a live manager", () => {
  const deferAll = useDeferAll();
  const tempDirAll = useTempDirsAll();
  let alive = "";
  let dead = "";
  /** Every call: no config file of the user's, no colour. */
  let env: Record<string, string> = {};

  beforeAll(async () => {
    const manager = await startManager(deferAll);
    alive = manager.address;
    dead = await deadAddress();
    env = { CAIRN_CONFIG: join(tempDirAll(), "none.yaml"), CAIRN_MANAGER: "", FORCE_COLOR: "", NO_COLOR: "" };
    const seed = join(tempDirAll(), "seed.yaml");
    writeFileSync(
      seed,
      [
        "types:",
        "  command-control: { policy: ordered }",
        "root:",
        "  hosts:",
        "    - id: framework-manager",
        "      packages: [{ type: command-control, port: 7601 }]",
        "  subdomains:",
        "    lab:",
        "      hosts:",
        "        - { id: node-1, labels: { rack: r1 }, packages: [{ type: command-control, port: 7611, priority: 5 }] }",
        "        - { id: node-2, labels: { rack: r2 }, status: down }",
        "      subdomains:",
        "        rack-1:",
        "          hosts:",
        "            - { id: node-3, labels: { rack: r1 } }",
        "",
      ].join("\n"),
    );
    ok(await runCli(["import", seed, "--manager", alive], env));
  });

  const cairn = (...args: string[]) => runCli(args, env);

  describe("endpoints", () => {
    it("checks every address as HOST:PORT before sending, naming the flag or the variable (exit 2)", async () => {
      const cases = ["127.0.0.1", "http://x:1", "127.0.0.1:abc", "127.0.0.1:70000", ":80", `${alive},`, `,${alive}`, "127.0.0.1:0", "[::1]", "::1:80"];
      for (const bad of cases) {
        const item = bad.split(",").find((a) => hostPortProblem(a) !== undefined) ?? "";
        const flag = await cairn("status", "--manager", bad);
        expect({ bad, code: flag.code, line: firstLine(flag), stdout: flag.stdout }).toEqual({
          bad,
          code: 2,
          line: `error: --manager: ${JSON.stringify(item)} is not HOST:PORT`,
          stdout: "",
        });
        const variable = await runCli(["host", "ls"], { ...env, CAIRN_MANAGER: bad });
        expect({ bad, code: variable.code, line: firstLine(variable) }).toEqual({ bad, code: 2, line: `error: $CAIRN_MANAGER: ${JSON.stringify(item)} is not HOST:PORT` });
      }
      const agent = await cairn("agent", "status", "--agent", "127.0.0.1");
      expect({ code: agent.code, line: firstLine(agent) }).toEqual({ code: 2, line: 'error: --agent: "127.0.0.1" is not HOST:PORT' });
      const route = await cairn("route", "--from", "node-1", "--type", "command-control", "--agent", "localhost:99999");
      expect({ code: route.code, line: firstLine(route) }).toEqual({ code: 2, line: 'error: --agent: "localhost:99999" is not HOST:PORT' });
      for (const good of ["127.0.0.1:7400", "[::1]:7400", "[fe80::1%eth0]:1", "localhost:65535", "manager-1.example.com:7400"]) expect(hostPortProblem(good)).toBeUndefined();
    });

    it("tries the next manager when one does not answer: reads, writes and CAIRN_MANAGER", async () => {
      const status = JSON.parse(ok(await cairn("status", "--manager", `${dead},${alive}`, "-o", "json"))) as { address: string };
      expect(status.address).toBe(alive);
      expect(ok(await runCli(["host", "ls"], { ...env, CAIRN_MANAGER: `${dead},${alive}` }))).toMatch(/^node-1\s/m);
      expect(ok(await cairn("domain", "add", "/failover", "--manager", `${dead},${alive}`))).toMatch(/^revision \d+\n$/);
      // A stream (export) goes to the manager that answered the probe.
      expect(ok(await cairn("export", "--manager", `${dead},${alive}`))).toContain("failover");
      ok(await cairn("domain", "rm", "/failover", "--manager", `${alive},${dead}`));
    });

    it("names every manager when none answers, in one line", async () => {
      const other = await deadAddress();
      const result = await cairn("status", "--manager", `${dead},${other}`);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`^error: no registry manager answers at ${dead}: [^\\n]+; nor at ${other}: [^\\n]+\\n$`));
    });

    it("tries the next agent when one does not answer", async () => {
      // Its own manager: the agent's host goes down once it stops, which the filter tests must not see.
      const manager = await startManager(defer);
      const agent = await startAgent(defer, "agent-1", tempDir(), manager.address);
      const result = JSON.parse(ok(await cairn("agent", "status", "--agent", `${dead},${agent.address}`, "-o", "json"))) as { host: string };
      expect(result.host).toBe("agent-1");
      // The same list from $CAIRN_AGENT.
      const fromEnv = await runCli(["agent", "status", "-o", "json"], { ...env, CAIRN_AGENT: `${dead},${agent.address}` });
      expect((JSON.parse(ok(fromEnv)) as { host: string }).host).toBe("agent-1");
    });
  });

  describe("contexts", () => {
    it("set, ls, use and rm; the file is 0600 in a folder created for it; flags and the environment win", async () => {
      const config = join(tempDir(), "deep", "cairn", "config.yaml");
      const withConfig = { ...env, CAIRN_CONFIG: config };
      const run = (...args: string[]) => runCli(args, withConfig);
      expect(ok(await run("context", "set", "lab", "--manager", `${dead},${alive}`))).toBe(`created context lab (current) in ${config}\n`);
      expect(statSync(config).mode & 0o777).toBe(0o600);
      expect(ok(await run("context", "set", "broken", "--manager", dead))).toBe(`created context broken in ${config}\n`);
      expect(ok(await run("context", "ls"))).toBe(
        formatTable(["current", "name", "managers", "tls"], [["*", "lab", `${dead},${alive}`, "insecure"], ["", "broken", dead, "insecure"]]) + "\n",
      );
      // The current context's managers, with failover.
      expect(JSON.parse(ok(await run("status", "--json"))).address).toBe(alive);
      ok(await run("context", "use", "broken"));
      expect((await run("status")).stderr).toMatch(new RegExp(`^error: no registry manager answers at ${dead}: `));
      // A flag and the environment override the context.
      expect(JSON.parse(ok(await run("status", "--json", "--manager", alive))).address).toBe(alive);
      expect(JSON.parse(ok(await runCli(["status", "--json"], { ...withConfig, CAIRN_MANAGER: alive }))).address).toBe(alive);
      const listed = JSON.parse(ok(await run("context", "ls", "-o", "json"))) as { "current-context": string; contexts: { name: string; current: boolean }[] };
      expect(listed["current-context"]).toBe("broken");
      expect(listed.contexts.map((c) => [c.name, c.current])).toEqual([["lab", false], ["broken", true]]);
      expect(ok(await run("context", "rm", "broken"))).toBe("deleted context broken\n");
      expect(await run("context", "use", "nope")).toEqual({ code: 1, stdout: "", stderr: `error: no context "nope" in ${config} (it has lab)\n` });
      const badAddress = await run("context", "set", "x", "--manager", "127.0.0.1");
      expect({ code: badAddress.code, line: firstLine(badAddress) }).toEqual({ code: 2, line: 'error: --manager: "127.0.0.1" is not HOST:PORT' });
      for (const name of ["", "Bad Name"]) {
        const badName = await run("context", "set", name, "--manager", alive);
        expect({ code: badName.code, stderr: badName.stderr }).toEqual({
          code: 2,
          stderr: `error: context name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'\n`,
        });
      }
      // A current context without managers says so, and how to give it some.
      ok(await run("context", "set", "empty", "--use"));
      expect((await run("status")).stderr).toBe(
        'error: no registry manager: pass --manager ADDR, set CAIRN_MANAGER, or give context "empty" managers (cairn context set empty --manager ADDR)\n',
      );
    });

    it("a bad config file is one error line with its path and line", async () => {
      const dir = tempDir();
      const cases: [string, string][] = [
        ["contexts:\n  lab:\n    managers: [127.0.0.1]\n", `:3:16: context "lab": managers: "127.0.0.1" is not HOST:PORT`],
        ["contexts:\n  lab:\n    manager: [127.0.0.1:1]\n", `:3:5: context "lab": unknown key "manager" (expected managers, agents, ca, cert, key)`],
        ["current-context: prod\ncontexts:\n  lab:\n    managers: [127.0.0.1:1]\n", `: current-context "prod" is not a context in it`],
        ["contexts: [1\n", ":2:1: "],
      ];
      for (const [i, [text, message]] of cases.entries()) {
        const file = join(dir, `bad-${i}.yaml`);
        writeFileSync(file, text);
        const result = await runCli(["host", "ls"], { ...env, CAIRN_CONFIG: file });
        expect(result.code).toBe(1);
        expect(result.stderr.split("\n")).toHaveLength(2);
        expect(result.stderr.startsWith(`error: ${file}${message}`), result.stderr).toBe(true);
      }
    });

    it("supplies the managers and the TLS files of an mTLS registry", async () => {
      const ca = await TestCa.make(tempDir());
      const manager = await startSecureManager(defer, ca, "m1", tempDir());
      const admin = await ca.files("admin/ops");
      const config = join(tempDir(), "config.yaml");
      const withConfig = { ...env, CAIRN_CONFIG: config };
      ok(await runCli(["context", "set", "secure", "--manager", `${dead},${manager.address}`, "--ca", admin.ca, "--cert", admin.cert, "--key", admin.key, "--use"], withConfig));
      expect(parseYaml(readFileSync(config, "utf8"))).toEqual({
        "current-context": "secure",
        contexts: { secure: { managers: [dead, manager.address], ca: admin.ca, cert: admin.cert, key: admin.key } },
      });
      expect(JSON.parse(ok(await runCli(["status", "--json"], withConfig))).host).toBe("m1");
      expect(ok(await runCli(["domain", "add", "/secure"], withConfig))).toMatch(/^revision \d+\n$/);
      // Without the context's files the manager refuses the plain channel.
      expect((await runCli(["status", "--manager", manager.address], env)).code).toBe(1);
      // A file on the command line takes the whole set from there: never a flag's file with a context's others.
      const mixed = await runCli(["status", "--ca", admin.ca], withConfig);
      expect(mixed.code).toBe(1);
      expect(mixed.stderr).toMatch(/^error: .*--cert/);
      expect(mixed.stderr).not.toContain("context");
    });
  });

  it("version and --version print package.json's version; with --manager, the manager's too", async () => {
    expect(ok(await cairn("--version"))).toBe(`${PACKAGE_VERSION}\n`);
    expect(ok(await cairn("version"))).toBe(`cairn ${PACKAGE_VERSION}\n`);
    expect(ok(await cairn("version", "--manager", `${dead},${alive}`))).toBe(`cairn ${PACKAGE_VERSION}\nmanager framework-manager at ${alive}: cairn ${PACKAGE_VERSION}\n`);
    expect(JSON.parse(ok(await cairn("version", "--manager", alive, "-o", "json")))).toEqual({
      version: PACKAGE_VERSION,
      manager: { host: "framework-manager", address: alive, version: PACKAGE_VERSION },
    });
  });

  it("-o table|wide|json|yaml on the read commands; --json is -o json, byte for byte", async () => {
    const m = ["--manager", alive];
    const route = ["route", "--from", "node-1", "--type", "command-control"];
    for (const command of [["host", "ls"], ["host", "show", "node-1"], ["domain", "ls"], ["tree"], [...route]]) {
      const json = ok(await cairn(...command, ...m, "--json"));
      expect(ok(await cairn(...command, ...m, "-o", "json")), command.join(" ")).toBe(json);
      expect(parseYaml(ok(await cairn(...command, ...m, "-o", "yaml"))), command.join(" ")).toEqual(JSON.parse(json));
      expect(ok(await cairn(...command, ...m, "-o", "table")), command.join(" ")).toBe(ok(await cairn(...command, ...m)));
    }
    const status = JSON.parse(ok(await cairn("status", ...m, "--json"))) as Record<string, unknown>;
    expect(parseYaml(ok(await cairn("status", ...m, "-o", "yaml")))).toEqual({ ...status, uptime_ms: expect.any(Number) });
    const wide = ok(await cairn("host", "ls", ...m, "-o", "wide"));
    expect(wide).toMatch(/^host\s+domain\s+address\s+status\s+maintenance\s+labels\s+packages/);
    expect(wide).toMatch(/^node-1\s+\/lab\s+\S+\s+\w+\s+rack=r1\s+command-control:7611\/5\/enabled\/healthy$/m);
    const wideRoute = ok(await cairn(...route, ...m, "-o", "wide"));
    expect(wideRoute).toMatch(/^ {2}rank\s+host\s+domain\s+tier\s+priority\s+endpoint$/m);
    expect(wideRoute).toMatch(/^ {2}1\s+node-1\s+\/lab\s+local\s+5\s+127\.0\.0\.1:7611$/m);
    expect(parseYaml(ok(await cairn("export", ...m, "-o", "json")))).toEqual(parseYaml(ok(await cairn("export", ...m))));
    const unknown = await cairn("host", "ls", ...m, "-o", "xml");
    expect({ code: unknown.code, stdout: unknown.stdout }).toEqual({ code: 2, stdout: "" });
    expect(firstLine(unknown)).toMatch(/^error: option '-o, --output <format>' argument 'xml' is invalid/);
  });

  it("completion bash|zsh|fish from the command tree; the bash script is valid and completes", async () => {
    const bash = ok(await cairn("completion", "bash"));
    execFileSync("bash", ["-n"], { input: bash });
    for (const { path } of everyCommand(buildProgram({ out: () => {}, err: () => {} })).slice(1)) expect(bash).toContain(`'${path}')`);
    const complete = (...words: string[]) =>
      execFileSync("bash", ["-c", `${bash}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _cairn_completion; echo "\${COMPREPLY[*]}"`], { encoding: "utf8" }).trim();
    expect(complete("cairn", "ho")).toBe("host");
    expect(complete("cairn", "host", "")).toBe("add rm mv maintenance label show ls --help");
    expect(complete("cairn", "host", "ls", "--status", "")).toBe("up down unknown");
    expect(complete("cairn", "tree", "-o", "")).toBe("table wide json yaml");
    expect(ok(await cairn("completion", "zsh"))).toMatch(/^#compdef cairn\n[\s\S]*bashcompinit[\s\S]*complete -F _cairn_completion cairn\n$/);
    const fish = ok(await cairn("completion", "fish"));
    expect(fish).toContain("complete -c cairn -n '__fish_use_subcommand' -a host");
    expect(fish).toContain("-l status -x -a 'up down unknown'");
    expect((await cairn("completion", "tcsh")).code).toBe(2);
  });

  it("every command's --help has Examples, marks required options and shows durations in units", () => {
    const helps = new Map<string, string>();
    for (const { path, command } of everyCommand(buildProgram({ out: () => {}, err: () => {} }))) {
      let text = "";
      command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
      command.outputHelp();
      helps.set(path, text);
      expect(text, path).toMatch(/\nExamples:\n {2}\S/);
      for (const option of command.options.filter((o) => o.mandatory)) {
        const line = text.split("\n").find((l) => l.trimStart().startsWith(option.flags));
        expect(line, `${path} ${option.flags}`).toContain("(required)");
      }
      expect(text, path).not.toMatch(/<duration>[^\n]*\(default: \d+\)/);
    }
    expect(helps.get("status")).toContain("(default: 5s)");
    expect(helps.get("route")).toMatch(/--from <host>\s+\(required\) the origin host/);
    expect(helps.size).toBeGreaterThan(40);
  });

  it("host ls filters by --status, --label and --domain (--recursive for subdomains); tree by --depth and --root", async () => {
    const ids = async (...args: string[]) => (JSON.parse(ok(await cairn("host", "ls", "--manager", alive, "--json", ...args))) as { hosts: { id: string }[] }).hosts.map((h) => h.id);
    expect(await ids("--domain", "/lab")).toEqual(["node-1", "node-2"]);
    expect(await ids("--domain", "/lab", "--recursive")).toEqual(["node-1", "node-2", "node-3"]);
    expect(await ids("--label", "rack=r1")).toEqual(["node-1", "node-3"]);
    expect(await ids("--label", "rack=r1", "--domain", "/lab")).toEqual(["node-1"]);
    expect(await ids("--status", "down")).toEqual(["node-2"]);
    expect(await ids("--status", "up")).toEqual(["framework-manager"]);
    expect((await cairn("host", "ls", "--manager", alive, "--status", "sideways")).code).toBe(2);

    const tree = (...args: string[]) => cairn("tree", "--manager", alive, ...args).then(ok);
    expect(await tree("--depth", "0")).toMatch(/^\/\n└─ framework-manager\s+up\s+command-control:7601, registry:\d+ \(primary\)\nrevision \d+, epoch 1; types: command-control ordered\n$/);
    const lab = await tree("--root", "/lab", "--depth", "0");
    expect(lab.split("\n").slice(0, 3)).toEqual(["/lab", expect.stringMatching(/^├─ node-1\s+unknown\s+command-control:7611 \(priority 5\)$/), expect.stringMatching(/^└─ node-2\s+down$/)]);
    expect(await tree("--root", "/lab", "--depth", "1")).toContain("/lab/rack-1\n   └─ node-3");
    const json = JSON.parse(await tree("--root", "/lab", "--depth", "0", "--json")) as { domains: string[]; hosts: { id: string }[] };
    expect([json.domains, json.hosts.map((h) => h.id)]).toEqual([["/lab"], ["node-1", "node-2"]]);
  });

  it("import --dry-run prints exactly what would change and writes nothing", async () => {
    const before = JSON.parse(ok(await cairn("status", "--manager", alive, "--json"))) as { revision: number };
    const file = join(tempDir(), "next.yaml");
    writeFileSync(
      file,
      [
        "types:",
        "  command-control: { policy: spread }",
        "root:",
        "  hosts:",
        "    - id: framework-manager",
        "      packages: [{ type: command-control, port: 7601 }]",
        "  subdomains:",
        "    lab:",
        "      hosts:",
        "        - { id: node-1, address: 10.0.0.1, labels: { rack: r1 }, packages: [{ type: command-control, port: 7611, priority: 5 }] }",
        "    edge:",
        "      hosts:",
        "        - { id: edge-1 }",
        "",
      ].join("\n"),
    );
    const dry = ok(await cairn("import", file, "--replace", "--dry-run", "--manager", alive));
    expect(dry).toBe(
      [
        "+ domain /edge",
        "+ host edge-1 in /edge",
        "~ host node-1: address 127.0.0.1 -> 10.0.0.1",
        "- host node-2",
        "- host node-3",
        "- domain /lab/rack-1",
        "~ type command-control: ordered -> spread",
        `dry run: 7 changes at revision ${before.revision}; nothing written`,
        "",
      ].join("\n"),
    );
    const json = JSON.parse(ok(await cairn("import", file, "--replace", "--dry-run", "--json", "--manager", alive))) as Record<string, unknown>;
    expect(json).toMatchObject({ dry_run: true, revision: before.revision, changes: 7, domains: { added: ["/edge"], removed: ["/lab/rack-1"] } });
    // Without --replace the manager would refuse: so does the dry run, with the manager's words.
    const refused = await cairn("import", file, "--dry-run", "--manager", alive);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: /);
    const after = JSON.parse(ok(await cairn("status", "--manager", alive, "--json"))) as { revision: number };
    expect(after.revision).toBe(before.revision);
  });

  it.runIf(hasScript())("an import shows progress on stderr only on a terminal", async () => {
    const file = join(tempDir(), "same.yaml");
    writeFileSync(file, ok(await cairn("export", "--manager", alive)));
    // In a pipe (as every other test runs it): no progress, the reply alone.
    expect(await cairn("import", file, "--replace", "--manager", alive)).toEqual({ code: 0, stdout: expect.stringMatching(/^unchanged at revision \d+\n$/), stderr: "" });
    // On a terminal (script(1) gives the CLI a pty): a bar redrawn in place, then cleared before the reply.
    const command = [process.execPath, CAIRN_BIN, "import", file, "--replace", "--manager", alive].map((w) => `'${w}'`).join(" ");
    // Both colour variables set make node warn on a terminal; neither matters here.
    const { FORCE_COLOR: _force, NO_COLOR: _no, ...ttyEnv } = { ...process.env, ...env };
    // Not execFileSync: the manager runs in this process and must answer meanwhile.
    const shown = await new Promise<string>((resolve, reject) =>
      execFile("script", ["-qec", command, "/dev/null"], { encoding: "utf8", env: ttyEnv }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
    );
    expect(shown).toMatch(/^\rimport \[#{30}\] {2}\d+ B \/ \d+ B[\s\S]*, applying\r\x1b\[Kunchanged at revision \d+\r?\n$/);
  });
});

function hasScript(): boolean {
  try {
    execFileSync("script", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
