import { writeFileSync } from "node:fs";
import { freePort } from "../support/free-port.js";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseFixture } from "../../src/fixture/parse.js";
import { REGISTRY_TYPE } from "../../src/registry/model.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useDefer, useDeferAll } from "../support/defer.js";
import { MANAGER_HOST, startManager } from "../support/manager.js";
import { SEED_FILE, loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const tempDir = useTempDirs();
const defer = useDefer();
const BAD_FIXTURE = new URL("../fixtures-bad/several-problems.yaml", import.meta.url).pathname;
const ANSI = /\x1b\[/;
/** The env of every call: the manager, and no colour forced from outside. */
let env: Record<string, string> = {};
let managerAddress = "";

/** `cairn ARGS` against the shared manager; expects success and returns stdout. */
async function cairn(...args: string[]): Promise<string> {
  const result = await runCli(args, env);
  expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 0, stderr: "" });
  return result.stdout;
}

async function cairnJson<T = Record<string, unknown>>(...args: string[]): Promise<T> {
  return JSON.parse(await cairn(...args, "--json")) as T;
}

/** `cairn ARGS`, expected to fail with `code`; returns stderr. */
async function cairnFails(code: number, ...args: string[]): Promise<string> {
  const result = await runCli(args, env);
  expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code, stdout: "" });
  return result.stderr;
}

async function revision(): Promise<number> {
  return (await cairnJson<{ revision: number }>("status")).revision;
}

function sharedManager(): void {
  const deferAll = useDeferAll();
  beforeAll(async () => {
    const manager = await startManager(deferAll);
    managerAddress = manager.address;
    env = { CAIRN_MANAGER: manager.address, FORCE_COLOR: "", NO_COLOR: "" };
  });
}

describe("cairn admin commands against a live manager", () => {
  sharedManager();

  it("domain add, ls, mv and rm", async () => {
    expect(await cairn("domain", "add", "/emea/paris")).toMatch(/^revision \d+\n$/);
    const { revision: r } = await cairnJson<{ revision: number }>("domain", "add", "/apac");
    const listed = await cairn("domain", "ls");
    expect(listed).toMatch(/^domain\s+hosts\s+subdomains\n/);
    expect(listed).toMatch(/^\/emea\s+0\s+1$/m);
    expect(listed).toMatch(/^\/emea\/paris\s+0\s+0$/m);

    expect(await cairnJson("domain", "mv", "/emea/paris", "/apac")).toEqual({ revision: r + 1, epoch: 1, changed: true });
    const { domains } = await cairnJson<{ domains: { path: string }[] }>("domain", "ls");
    expect(domains).toContainEqual({ path: "/apac/paris", host_count: 0, subdomain_count: 0 });
    expect(domains.map((d) => d.path)).not.toContain("/emea/paris");

    const [notEmpty, root] = await Promise.all([cairnFails(1, "domain", "rm", "/apac"), cairnFails(1, "domain", "mv", "/", "/apac")]);
    expect(notEmpty).toBe('error: domain "/apac" holds 1 subdomain; use --recursive to delete it with everything in it\n');
    expect(root).toMatch(/^error: .*root domain/);
    await Promise.all([cairn("domain", "rm", "/apac", "--recursive"), cairn("domain", "rm", "/emea")]);
    const after = await cairnJson<{ domains: { path: string }[] }>("domain", "ls");
    expect(after.domains.map((d) => d.path)).toEqual(["/"]);
  });

  it("host add, show, ls, mv, maintenance and rm", async () => {
    await cairn("domain", "add", "/lab/rack-1");
    const added = await cairnJson<{ revision: number }>("host", "add", "node-1", "--domain", "/lab", "--address", "10.0.0.5", "--label", "rack=r1", "--label", "zone=a");
    expect(Object.keys(added)).toEqual(["revision", "epoch", "changed"]);
    expect(added).toMatchObject({ epoch: 1, changed: true });
    const labelled = await cairnJson<{ revision: number }>("host", "label", "node-1", "env=prod", "--remove", "rack");
    expect(labelled.revision).toBe(added.revision + 1);

    const [shown, json] = await Promise.all([
      cairn("host", "show", "node-1"),
      cairnJson<{ host: unknown; revision: number }>("host", "show", "node-1"),
    ]);
    expect(shown).toMatch(/^host node-1\n/);
    expect(shown).toMatch(/^\s+domain\s+\/lab$/m);
    expect(shown).toMatch(/^\s+address\s+10\.0\.0\.5$/m);
    expect(shown).toMatch(/^\s+labels\s+env=prod, zone=a$/m);
    expect(shown).toMatch(/^\s+maintenance\s+off$/m);
    expect(json).toEqual({
      revision: labelled.revision,
      epoch: 1,
      host: {
        id: "node-1",
        domain: "/lab",
        address: "10.0.0.5",
        labels: { env: "prod", zone: "a" },
        maintenance: false,
        status: "unknown",
        packages: [],
      },
    });

    await cairn("host", "mv", "node-1", "/lab/rack-1");
    const { revision: r } = await cairnJson<{ revision: number }>("host", "maintenance", "node-1", "on");
    const [again, againJson] = await Promise.all([
      cairn("host", "maintenance", "node-1", "on"),
      cairnJson("host", "maintenance", "node-1", "on"),
    ]);
    expect(again).toBe(`unchanged at revision ${r}\n`);
    expect(againJson).toEqual({ revision: r, epoch: 1, changed: false });

    const [listed, inLab] = await Promise.all([
      cairn("host", "ls"),
      cairnJson<{ hosts: { id: string }[] }>("host", "ls", "--domain", "/lab", "--recursive"),
    ]);
    expect(listed).toMatch(/^host\s+domain\s+address\s+status\s+maintenance\s+packages\n/);
    expect(listed).toMatch(/^node-1\s+\/lab\/rack-1\s+10\.0\.0\.5\s+unknown\s+on$/m);
    expect(listed).toMatch(new RegExp(`^${MANAGER_HOST}\\s+/\\s+127\\.0\\.0\\.1\\s+up\\s+registry:\\d+ \\(primary\\)$`, "m"));
    expect(inLab.hosts.map((h) => h.id)).toEqual(["node-1"]);

    await cairn("host", "rm", "node-1");
    const [show, rm] = await Promise.all([cairnFails(1, "host", "show", "node-1"), cairnFails(1, "host", "rm", "node-1")]);
    expect(show).toBe('error: host "node-1" not found\n');
    expect(rm).toBe('error: host "node-1" not found\n');
  });

  it("package deploy, withdraw, restore and rm; type set", async () => {
    await cairn("host", "add", "node-2", "--domain", "/");
    await cairn("package", "deploy", "node-2", "command-control", "--port", "7621", "--priority", "2");
    const packages = async () =>
      (await cairnJson<{ host: { packages: Record<string, unknown>[] } }>("host", "show", "node-2")).host.packages;
    expect(await packages()).toEqual([{ type: "command-control", port: 7621, priority: 2, state: "enabled", health: "healthy" }]);

    await cairn("package", "withdraw", "node-2", "command-control");
    expect(await cairn("host", "show", "node-2")).toMatch(/^ {4}command-control:7621 \(withdrawn, priority 2\)$/m);
    expect(await cairnJson("package", "restore", "node-2", "command-control")).toMatchObject({ changed: true });
    await cairn("package", "rm", "node-2", "command-control");
    const [after, withdraw, badPort] = await Promise.all([
      packages(),
      cairnFails(1, "package", "withdraw", "node-2", "command-control"),
      // Out of the wire's range: refused before it is sent, as bad usage (issue 15).
      cairnFails(2, "package", "deploy", "node-2", "dns", "--port", "70000"),
      cairn("type", "set", "command-control", "--policy", "spread"),
    ]);
    expect(after).toEqual([]);
    expect(withdraw).toBe('error: host "node-2" has no package of type "command-control"\n');
    expect(badPort).toMatch(/^error: .*port 70000/);
    expect((await cairnJson<{ types: unknown[] }>("tree")).types).toEqual([{ name: "command-control", policy: "spread" }]);
  });

  it("package deploy --check …: the check is recorded, shown when not the default, and taken away by a deploy without one", async () => {
    await cairn("host", "add", "node-3", "--domain", "/");
    const deploy = (...args: string[]) => cairn("package", "deploy", "node-3", ...args);
    await deploy("command-control", "--port", "7631", "--check", "grpc", "--check-interval", "200ms", "--check-timeout", "1s", "--fall", "2");
    await deploy("web", "--port", "8080", "--check", "http", "--check-path", "/ready", "--rise", "1");
    await deploy("db", "--port", "5432", "--check", "exec", "--check-command", " /usr/local/bin/db-ok  --port 5432 ");
    await deploy("plain", "--port", "7000");
    // A timing without --check is a tcp check.
    await deploy("slow", "--port", "7001", "--check-interval", "5s");
    // The default check, written out: recorded, not shown.
    await deploy("spelled", "--port", "7002", "--check", "tcp");

    const { host } = await cairnJson<{ host: { packages: Record<string, unknown>[] } }>("host", "show", "node-3");
    const byType = Object.fromEntries(host.packages.map((p) => [p.type, p.check]));
    expect(byType).toStrictEqual({
      "command-control": { kind: "grpc", interval_ms: 200, timeout_ms: 1000, rise: 2, fall: 2 },
      db: { kind: "exec", interval_ms: 1000, timeout_ms: 1000, rise: 2, fall: 3, command: ["/usr/local/bin/db-ok", "--port", "5432"] },
      plain: undefined,
      slow: { kind: "tcp", interval_ms: 5000, timeout_ms: 1000, rise: 2, fall: 3 },
      spelled: { kind: "tcp", interval_ms: 1000, timeout_ms: 1000, rise: 2, fall: 3 },
      web: { kind: "http", interval_ms: 1000, timeout_ms: 1000, rise: 1, fall: 3, path: "/ready" },
    });
    expect(host.packages.find((p) => p.type === "plain")).toStrictEqual({ type: "plain", port: 7000, priority: 0, state: "enabled", health: "healthy" });

    const [shown, tree] = await Promise.all([cairn("host", "show", "node-3"), cairn("tree")]);
    expect(shown).toMatch(/^ {4}command-control:7631 \(grpc check\)\n {6}check grpc every 200ms timeout 1s rise 2 fall 2\n {4}db:5432 \(exec check\)\n {6}check exec every 1s timeout 1s rise 2 fall 3 command \/usr\/local\/bin\/db-ok --port 5432\n {4}plain:7000\n {4}slow:7001 \(tcp check\)\n {6}check tcp every 5s timeout 1s rise 2 fall 3\n {4}spelled:7002\n {4}web:8080 \(http check\)\n {6}check http every 1s timeout 1s rise 1 fall 3 path \/ready\n?$/m);
    expect(tree).toMatch(/^├─ node-3\s+unknown\s+command-control:7631 \(grpc check\), db:5432 \(exec check\), plain:7000, slow:7001 \(tcp check\), spelled:7002, web:8080 \(http check\)$/m);

    // Without check options a deploy goes back to the default check.
    await deploy("command-control", "--port", "7631");
    expect(await cairn("host", "show", "node-3")).toMatch(/^ {4}command-control:7631\n {4}db:5432/m);
    await cairn("host", "rm", "node-3");
  });

  it("type set --min-healthy, alone or with --policy, shown by tree", async () => {
    await cairn("type", "set", "dns", "--min-healthy", "0.5");
    await cairn("type", "set", "dns", "--policy", "spread");
    await cairn("type", "set", "web", "--policy", "ordered", "--min-healthy", "1");
    const { types } = await cairnJson<{ types: unknown[] }>("tree");
    expect(types).toEqual(expect.arrayContaining([
      { name: "dns", policy: "spread", min_healthy: 0.5 },
      { name: "web", policy: "ordered", min_healthy: 1 },
    ]));
    expect(await cairn("tree")).toMatch(/; types: .*dns spread \(min healthy 0\.5\).*web ordered \(min healthy 1\)/);
    expect(await cairn("type", "set", "dns", "--min-healthy", "0.5")).toMatch(/^unchanged at revision \d+\n$/);
  });

  it("says what is wrong with check and min_healthy options in one error line, exit 2, before dialling", async () => {
    const deploy = ["package", "deploy", "x", "command-control", "--port", "1"];
    const cases: [string[], string][] = [
      [[...deploy, "--check", "grpc", "--check-path", "/x"], "error: --check-path is only for --check http, not grpc"],
      [[...deploy, "--check-path", "/x"], "error: --check-path is only for --check http (without --check the check is tcp)"],
      [[...deploy, "--check", "http", "--check-service", "s"], "error: --check-service is only for --check grpc, not http"],
      [[...deploy, "--check", "tcp", "--check-command", "true"], "error: --check-command is only for --check exec, not tcp"],
      [[...deploy, "--check", "exec"], "error: --check exec needs --check-command"],
      [[...deploy, "--check", "exec", "--check-command", "   "], "error: check command must name a program to run (argv, no shell)"],
      [[...deploy, "--check", "icmp"], "error: option '--check <kind>' argument 'icmp' is invalid. Allowed choices are tcp, grpc, http, exec."],
      [[...deploy, "--check-interval", "soon"], `error: option '--check-interval <duration>' argument 'soon' is invalid. "soon" is not a duration (e.g. 500ms, 3s, 1m)`],
      [[...deploy, "--check-interval", "0"], "error: check interval 0ms must be from 1ms to 60m"],
      [[...deploy, "--check-timeout", "61m"], "error: check timeout 61m must be from 1ms to 60m"],
      [[...deploy, "--rise", "0"], "error: check rise 0 must be an integer from 1 to 1000"],
      [[...deploy, "--fall", "-1"], `error: option '--fall <n>' argument '-1' is invalid. "-1" is not a whole number`],
      [[...deploy, "--check", "http", "--check-path", "healthz"], 'error: check path "healthz" must start with "/" and hold no spaces or control characters (at most 1024 characters)'],
      [["type", "set", "t", "--min-healthy", "1.5"], "error: option '--min-healthy <share>' argument '1.5' is invalid. min_healthy 1.5 must be a number from 0 to 1"],
      [["type", "set", "t", "--min-healthy", "half"], `error: option '--min-healthy <share>' argument 'half' is invalid. "half" is not a number from 0 to 1`],
      [["type", "set", "t"], "error: give --policy, --min-healthy or both"],
    ];
    // No manager: a usage error is found before any is dialled.
    const results = await Promise.all(cases.map(([args]) => runCli(args, { CAIRN_MANAGER: "127.0.0.1:1" })));
    results.forEach((result, i) => {
      const [args, line] = cases[i]!;
      expect({ args, code: result.code, stdout: result.stdout, first: result.stderr.split("\n")[0] }).toEqual({ args, code: 2, stdout: "", first: line });
    });
  });

  it("draws the tree with hosts, liveness and packages, in colour only when asked", async () => {
    await cairn("domain", "add", "/tree-test/inner");
    await cairn("host", "add", "tree-host", "--domain", "/tree-test/inner", "--maintenance");
    await cairn("package", "deploy", "tree-host", "command-control", "--port", "7701");
    const [tree, coloured, noColour] = await Promise.all([
      cairn("tree"),
      runCli(["tree"], { ...env, FORCE_COLOR: "1" }),
      runCli(["tree"], { ...env, FORCE_COLOR: "1", NO_COLOR: "1" }),
    ]);
    expect(tree).not.toMatch(ANSI);
    const lines = tree.trimEnd().split("\n");
    expect(lines[0]).toBe("/");
    expect(tree).toMatch(new RegExp(`^├─ ${MANAGER_HOST}\\s+up\\s+registry:\\d+ \\(primary\\)$`, "m"));
    expect(tree).toMatch(/^└─ \/tree-test$/m);
    expect(tree).toMatch(/^ {3}└─ \/tree-test\/inner$/m);
    expect(tree).toMatch(/^ {6}└─ tree-host\s+unknown\s+maintenance\s+command-control:7701$/m);
    expect(lines.at(-1)).toMatch(/^revision \d+, epoch 1/);
    expect(coloured.stdout).toMatch(ANSI);
    expect(noColour.stdout).toBe(tree);
  });

  it("prints the status as JSON and for people", async () => {
    const [status, human] = await Promise.all([cairnJson("status"), cairn("status")]);
    expect(status).toMatchObject({
      host: MANAGER_HOST,
      address: managerAddress,
      role: "primary",
      epoch: 1,
      primary_host: MANAGER_HOST,
      primary_address: managerAddress,
      backups: [],
    });
    expect(status.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(status.revision).toEqual(expect.any(Number));
    expect(status.cluster_id).toEqual(expect.any(String));
    expect(human).toMatch(/^role\s+primary$/m);
    expect(human).toMatch(new RegExp(`^digest\\s+${status.digest}$`, "m"));
    expect(human).toMatch(new RegExp(`^primary\\s+${MANAGER_HOST} at ${managerAddress}$`, "m"));
  });

  it("refuses a stale --expected-revision and accepts the current one", async () => {
    const r = await revision();
    expect(await cairnFails(1, "domain", "add", "/stale", "--expected-revision", String(r - 1))).toBe(
      `error: registry is at revision ${r}, not ${r - 1}\n`,
    );
    expect(await cairnJson("domain", "add", "/fresh", "--expected-revision", String(r))).toEqual({
      revision: r + 1,
      epoch: 1,
      changed: true,
    });
  });

  it("watch prints each change as it arrives, until interrupted", async () => {
    const next = (await revision()) + 1;
    // --from: whether the watch is up before the change or not, it starts with it.
    const watch = spawnCli(["watch", "--json", "--from", String(next)], env);
    const human = spawnCli(["watch", "--from", String(next)], env);
    defer(() => watch.kill());
    defer(() => human.kill());
    await cairn("host", "add", "watched-1", "--domain", "/");

    const line = await until(() => watch.lines[0], "the watch --json line");
    expect(JSON.parse(line)).toMatchObject({
      revision: next,
      epoch: 1,
      cause: "host add watched-1",
      ops: [{ kind: "put-host", host: { id: "watched-1", domain: "/" } }],
    });
    // The change's time first (ISO-8601, UTC), then the change.
    expect(await until(() => human.lines[0], "the watch line")).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z r${next} e1 host add watched-1: put-host watched-1$`));

    await cairn("host", "rm", "watched-1");
    expect(JSON.parse(await until(() => watch.lines[1], "the second line"))).toMatchObject({
      revision: next + 1,
      cause: "host rm watched-1",
      ops: [{ kind: "delete-host", id: "watched-1" }],
    });
    watch.kill("SIGINT");
    human.kill("SIGTERM");
    expect(await watch.exited).toBe(0);
    expect(await human.exited).toBe(0);
    expect(watch.stderr()).toBe("");
  });

  it("says in one line when no manager is given or none answers, and exits 2 on bad usage", async () => {
    const port = await freePort();
    const usage: string[][] = [
      ["host", "maintenance", "x", "maybe"],
      ["package", "deploy", "x", "command-control"],
      ["package", "deploy", "x", "command-control", "--port", "abc"],
      ["type", "set", "command-control", "--policy", "random"],
      ["host", "add", "x", "--domain", "/", "--label", "novalue"],
      ["domain", "add"],
      ["route", "--from", "a", "--type", "t", "--file", SEED_FILE, "--manager", managerAddress],
    ];
    const [noManager, nobody, ...usageResults] = await Promise.all([
      runCli(["tree"], { CAIRN_MANAGER: "" }),
      runCli(["status", "--manager", `127.0.0.1:${port}`], env),
      ...usage.map((args) => runCli(args, env)),
    ]);
    expect(noManager).toEqual({ code: 1, stdout: "", stderr: "error: no registry manager: pass --manager ADDR, set CAIRN_MANAGER, or pick a context with managers (cairn context use NAME)\n" });
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(new RegExp(`^error: no registry manager answers at 127\\.0\\.0\\.1:${port}: connection refused\\n$`));
    usageResults.forEach((result, i) => {
      expect({ args: usage[i], code: result!.code }).toEqual({ args: usage[i], code: 2 });
      expect(result!.stderr).toMatch(/^error: /);
    });
  });
});

describe("cairn import, export and route --manager", () => {
  sharedManager();

  it("imports the seed, routes on it, and exports it back (YAML and JSON)", async () => {
    expect(await cairn("import", SEED_FILE)).toMatch(/^revision \d+\n$/);

    const route = ["route", "--from", "agent-4", "--type", "command-control"];
    const first = async () =>
      (await cairnJson<{ candidates: { host: string }[] }>(...route, "--manager", managerAddress)).candidates[0]?.host;
    expect(await first()).toBe("agent-3");
    await cairn("host", "maintenance", "agent-3", "on");
    // The same JSON and table as offline; CAIRN_MANAGER stands in for --manager.
    const [after, json, table] = await Promise.all([first(), cairnJson(...route), cairn(...route)]);
    expect(after).toBe("agent-1");
    expect(json).toEqual({
      from: "agent-4",
      type: "command-control",
      candidates: [
        { host: "agent-1", domain: "/subdomain-1", tier: "ancestor", endpoint: "127.0.0.1:7611" },
        { host: MANAGER_HOST, domain: "/", tier: "ancestor", endpoint: "127.0.0.1:7601" },
      ],
      skipped: [{ host: "agent-3", reason: "host in maintenance" }],
    });
    expect(table.split("\n")[0]).toBe("route from agent-4 to command-control");
    expect(table).toMatch(/^\s+1\s+agent-1\s+\/subdomain-1\s+ancestor\s+127\.0\.0\.1:7611$/m);
    expect(table).toMatch(/skipped\n\s+host\s+reason\n\s+agent-3\s+host in maintenance/);
    const { revision: r } = await cairnJson<{ revision: number }>("host", "maintenance", "agent-3", "off");

    const port = Number(managerAddress.split(":").pop());
    const expected = loadSeed();
    const manager = expected.hosts.get(MANAGER_HOST)!;
    expected.hosts.set(MANAGER_HOST, {
      ...manager,
      status: "up",
      packages: manager.packages.map((p) => (p.type === REGISTRY_TYPE ? { ...p, port, role: "primary" as const } : p)),
    });
    const [yaml, asJson] = await Promise.all([cairn("export"), cairn("export", "--json")]);
    expect(parseFixture(yaml, "export.yaml")).toEqual(expected);
    expect(() => JSON.parse(asJson)).not.toThrow();
    expect(parseFixture(asJson, "export.json")).toEqual(expected);

    // Importing the export changes nothing.
    const file = join(tempDir(), "export.yaml");
    writeFileSync(file, yaml);
    expect(await cairn("import", file, "--replace")).toBe(`unchanged at revision ${r}\n`);
  });

  it("refuses a bad file with one error line per problem, and a non-empty registry without --replace", async () => {
    const r = await revision();
    const [bad, notEmpty, missing] = await Promise.all([
      cairnFails(1, "import", BAD_FIXTURE),
      cairnFails(1, "import", SEED_FILE),
      cairnFails(1, "import", "/nonexistent.yaml"),
    ]);
    const lines = bad.trimEnd().split("\n");
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(new RegExp(`^error: ${BAD_FIXTURE}:\\d+:\\d+: `));
    expect(notEmpty).toMatch(/^error: the registry is not empty: .*use --replace/);
    expect(missing).toBe("error: cannot read /nonexistent.yaml: no such file\n");

    const small = join(tempDir(), "small.json");
    writeFileSync(small, JSON.stringify({ root: { hosts: [{ id: "only-1" }] } }));
    // Nothing was written by the refusals: the next change is r + 1.
    expect(await cairnJson("import", small, "--replace")).toEqual({ revision: r + 1, epoch: 1, changed: true });
    const hosts = await cairnJson<{ hosts: { id: string }[] }>("host", "ls");
    expect(hosts.hosts.map((h) => h.id)).toEqual([MANAGER_HOST, "only-1"]);
  });
});

