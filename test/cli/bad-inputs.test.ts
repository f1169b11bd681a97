/**
 * Issue 15: every bad input ends the same way. Each row runs the real
 * `cairn` binary against a real manager and asserts its exit code (1 for an
 * error, 2 for bad usage), exactly one `error: …` line on stderr and nothing
 * else there (a server command may log JSON lines first), no stack trace,
 * nothing on stdout, and a registry revision unchanged by the whole table.
 */
import { existsSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../support/cli.js";
import { useDefer, useDeferAll } from "../support/defer.js";
import { registryClient, startAgent } from "../support/fleet.js";
import type { TestRegistryClient } from "../support/manager.js";
import { Managers } from "../support/managers.js";
import { startCairn, type CairnProcess } from "../support/process.js";
import { SEED_FILE } from "../support/seed.js";
import { useTempDirs, useTempDirsAll } from "../support/temp-dir.js";
import { until } from "../support/until.js";

interface Row {
  args: readonly string[];
  code: 1 | 2;
  /** The one error line, or a pattern for it (after `error: `). */
  line: string | RegExp;
  /** Folders the command was given that must not exist afterwards (a server that failed to start). */
  absent?: readonly string[];
}

/** 75 KB: an id that, echoed whole, would overflow the status header of its answer. */
const BIG = "a".repeat(75 * 1024);
const JSON_LOG_LINE = /^\{".*\}$/;

/** A port nothing listens on: bound, then released. */
function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The assertions every row shares; returns the error line for the row's own check. */
function oneErrorLine(label: string, result: CliResult, code: number): string {
  const lines = result.stderr.split("\n").filter((line) => line.length > 0);
  const others = lines.filter((line) => !JSON_LOG_LINE.test(line));
  expect({ label, code: result.code, stdout: result.stdout, lines: others.length }).toEqual({ label, code, stdout: "", lines: 1 });
  expect(others[0], label).toMatch(/^error: /);
  expect(lines.filter((line) => /^\s+at /.test(line)), label).toEqual([]);
  // Short, whatever it echoes (issue 15, 9).
  expect(others[0]!.length, label).toBeLessThan(600);
  return others[0]!;
}

describe("bad inputs: one error line, the right exit code, nothing changed", () => {
  const deferAll = useDeferAll();
  const tempDirAll = useTempDirsAll();
  let manager: CairnProcess;
  let agent: CairnProcess;
  let client: TestRegistryClient;
  let env: Record<string, string> = {};
  let dead = "";
  let files: { badJson: string; badYaml: string; missing: string } = { badJson: "", badYaml: "", missing: "" };

  beforeAll(async () => {
    const data = tempDirAll();
    manager = await startCairn(deferAll, ["manager", "start", "--host", "m1", "--data", join(data, "m"), "--listen", "127.0.0.1:0", "--bootstrap"]);
    client = registryClient(deferAll, manager.address);
    env = { CAIRN_MANAGER: manager.address, NO_COLOR: "1" };
    for (const args of [
      ["domain", "add", "/lab"],
      ["host", "add", "node-1", "--domain", "/lab"],
      ["package", "deploy", "node-1", "command-control", "--port", "7611"],
    ]) {
      expect((await runCli(args, env)).code).toBe(0);
    }
    // An agent on a registry of its own, so that its heartbeats do not move the revision under test.
    const other = await startCairn(deferAll, ["manager", "start", "--host", "m2", "--data", join(data, "m2"), "--listen", "127.0.0.1:0", "--bootstrap"]);
    agent = await startAgent(deferAll, "agent-1", join(data, "agent"), other.address);
    dead = `127.0.0.1:${await deadPort()}`;
    files = { badJson: join(data, "bad.json"), badYaml: join(data, "bad.yaml"), missing: join(data, "missing.yaml") };
    writeFileSync(files.badJson, '{\n  "root": {\n    "hosts": [{ "id": "a", }]\n  }\n}\n');
    writeFileSync(files.badYaml, "root:\n  hosts: [\n");
  }, 60_000);

  it("a table of bad inputs across commands", async () => {
    const fresh = () => join(tempDirAll(), "never");
    const deploy = ["package", "deploy", "node-1", "command-control"];
    const deepPath = "/" + Array.from({ length: 33 }, (_, i) => `d${i}`).join("/");
    const rows: Row[] = [
      // host add
      { args: ["host", "add", "Bad_Id", "--domain", "/"], code: 1, line: /^error: host id "Bad_Id" must match / },
      { args: ["host", "add", "h-x", "--domain", "lab"], code: 1, line: 'error: domain path "lab" must start with "/"' },
      { args: ["host", "add", "h-x", "--domain", "/nowhere"], code: 1, line: 'error: domain "/nowhere" not found' },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "127.0.0.1:80"], code: 1, line: /^error: address "127\.0\.0\.1:80" must be a host name or IP address without a port/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "[::1]:80"], code: 1, line: /^error: address "\[::1\]:80" must be a host name or IP address without a port/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "0.0.0.0"], code: 1, line: /^error: address "0\.0\.0\.0" is unspecified/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "256.256.256.256"], code: 1, line: 'error: address "256.256.256.256" must be a host name or IP address' },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "http:"], code: 1, line: 'error: address "http:" must be a host name or IP address' },
      { args: ["host", "add", "h-x", "--domain", "/", "--address", "a b"], code: 1, line: 'error: address "a b" must be a host name or IP address' },
      { args: ["host", "add", "node-1", "--domain", "/"], code: 1, line: /^error: host "node-1" already exists/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--label", "novalue"], code: 2, line: /^error: option '--label <key=value>' argument 'novalue' is invalid\. "novalue" is not key=value$/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--label", "-bad=1"], code: 1, line: /^error: label key "-bad" must be/ },
      { args: ["host", "add", "--domain", "/"], code: 2, line: "error: missing required argument 'id'" },
      { args: ["host", "add", "a", "b", "--domain", "/"], code: 2, line: "error: too many arguments for 'add'. Expected 1 argument but got 2." },
      { args: ["host", "add", BIG, "--domain", "/"], code: 1, line: /^error: host id "a{64}…" \(76800 characters\) is longer than 253 characters$/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--expected-revision", "1"], code: 1, line: /^error: .*revision/ },
      { args: ["host", "add", "h-x", "--domain", "/", "--expected-revision", "-1"], code: 2, line: /"-1" is not a whole number$/ },
      { args: ["host", "add", "x", "--domain", "/", "--bogus"], code: 2, line: "error: unknown option '--bogus'" },
      // host mv, rm, maintenance, label, show
      { args: ["host", "mv", "ghost", "/lab"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["host", "mv", "node-1", "/nowhere"], code: 1, line: 'error: domain "/nowhere" not found' },
      { args: ["host", "mv", "node-1"], code: 2, line: "error: missing required argument 'path'" },
      { args: ["host", "rm", "ghost"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["host", "rm", "Bad_Id"], code: 1, line: /^error: host id "Bad_Id" must match/ },
      { args: ["host", "maintenance", "node-1", "maybe"], code: 2, line: /^error: command-argument value 'maybe' is invalid for argument 'state'\. Allowed choices are on, off\.$/ },
      { args: ["host", "maintenance", "ghost", "on"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["host", "label", "node-1", "=v"], code: 2, line: /"=v" is not key=value$/ },
      { args: ["host", "label", "ghost", "a=b"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["host", "label", "node-1", `${BIG}=1`], code: 1, line: /^error: label key "a{64}…" \(76800 characters\) must be/ },
      { args: ["host", "show", "ghost"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["host", "show", BIG], code: 1, line: /^error: host "a{64}…" \(76800 characters\) not found$/ },
      // domain
      { args: ["domain", "add", "emea"], code: 1, line: 'error: domain path "emea" must start with "/"' },
      { args: ["domain", "add", "/EMEA"], code: 1, line: /^error: domain segment "EMEA" must match / },
      { args: ["domain", "add", deepPath], code: 1, line: /has 33 segments, more than 32$/ },
      { args: ["domain", "add", `/${BIG}`], code: 1, line: /^error: domain path "\/a{63}…" \(76801 characters\) is longer than 2048 characters$/ },
      { args: ["domain", "rm", "/nowhere"], code: 1, line: 'error: domain "/nowhere" not found' },
      { args: ["domain", "rm", "/"], code: 1, line: /root/ },
      { args: ["domain", "mv", "/", "/lab"], code: 1, line: /root domain/ },
      { args: ["domain", "mv", "/nowhere", "/lab"], code: 1, line: 'error: domain "/nowhere" not found' },
      // package deploy, withdraw, restore, rm: numbers checked against the wire's range before sending
      { args: [...deploy, "--port", "-1"], code: 2, line: /argument '-1' is invalid\. port -1 must be an integer from 1 to 65535$/ },
      { args: [...deploy, "--port", "0"], code: 2, line: /port 0 must be an integer from 1 to 65535$/ },
      { args: [...deploy, "--port", "65536"], code: 2, line: /port 65536 must be an integer from 1 to 65535$/ },
      { args: [...deploy, "--port", "4294967297"], code: 2, line: /port 4294967297 must be an integer from 1 to 65535$/ },
      { args: [...deploy, "--port", "abc"], code: 2, line: /"abc" is not an integer$/ },
      { args: [...deploy, "--port", "1.5"], code: 2, line: /"1\.5" is not an integer$/ },
      { args: [...deploy, "--port", "9000", "--priority", "99999999999"], code: 2, line: /priority 99999999999 must be a 32-bit integer$/ },
      { args: [...deploy, "--port", "9000", "--priority", "-2147483649"], code: 2, line: /priority -2147483649 must be a 32-bit integer$/ },
      { args: [...deploy, "--port", "9000", "--priority", "1e3"], code: 2, line: /"1e3" is not an integer$/ },
      { args: [...deploy, "--port", "9000", "--check-interval", "5"], code: 2, line: /"5" has no unit: write 5ms or 5s$/ },
      { args: [...deploy, "--port", "9000", "--rise", "4294967296"], code: 2, line: /"4294967296" is larger than 4294967295$/ },
      { args: ["package", "deploy", "ghost", "command-control", "--port", "9000"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["package", "deploy", "node-1", "Bad_Type", "--port", "9000"], code: 1, line: /package type "Bad_Type" must match/ },
      { args: ["package", "deploy", "node-1", "command-control"], code: 2, line: "error: required option '--port <port>' not specified" },
      { args: ["package", "withdraw", "node-1", "nothing"], code: 1, line: 'error: host "node-1" has no package of type "nothing"' },
      { args: ["package", "restore", "ghost", "command-control"], code: 1, line: 'error: host "ghost" not found' },
      { args: ["package", "rm", "node-1", "nothing"], code: 1, line: 'error: host "node-1" has no package of type "nothing"' },
      // type set
      { args: ["type", "set", "Bad_Type", "--policy", "ordered"], code: 1, line: /package type "Bad_Type" must match/ },
      { args: ["type", "set", "command-control", "--policy", "random"], code: 2, line: /argument 'random' is invalid\. Allowed choices are ordered, spread\.$/ },
      { args: ["type", "set", "command-control"], code: 2, line: "error: give --policy, --min-healthy or both" },
      { args: ["type", "set", "command-control", "--min-healthy", "2"], code: 2, line: /min_healthy 2 must be a number from 0 to 1$/ },
      // route, offline and live
      { args: ["route", "--file", files.missing, "--from", "a", "--type", "b"], code: 1, line: `error: cannot read ${files.missing}: no such file` },
      { args: ["route", "--file", files.badJson, "--from", "a", "--type", "b"], code: 1, line: `error: ${files.badJson}:3:28: JSON syntax error: Expected double-quoted property name` },
      { args: ["route", "--file", SEED_FILE, "--from", "ghost", "--type", "command-control"], code: 1, line: 'error: unknown host "ghost"' },
      { args: ["route", "--file", SEED_FILE, "--from", "agent-1", "--type", "command-control", "--down", "ghost"], code: 1, line: 'error: --down names unknown host "ghost"' },
      { args: ["route", "--from", "node-1"], code: 2, line: "error: required option '--type <type>' not specified" },
      { args: ["route", "--from", "node-1", "--type", "command-control", "--down", "x"], code: 2, line: /^error: --down needs --file/ },
      { args: ["route", "--from", "ghost", "--type", "command-control"], code: 1, line: 'error: unknown host "ghost"' },
      // import, export
      { args: ["import", files.badJson], code: 1, line: `error: ${files.badJson}:3:28: JSON syntax error: Expected double-quoted property name` },
      { args: ["import", files.badYaml], code: 1, line: new RegExp(`^error: ${files.badYaml}:\\d+:\\d+: YAML syntax error: `) },
      { args: ["import", files.missing], code: 1, line: `error: cannot read ${files.missing}: no such file` },
      { args: ["import", SEED_FILE], code: 1, line: /^error: the registry is not empty: .*use --replace/ },
      { args: ["export", "extra"], code: 2, line: "error: too many arguments for 'export'. Expected 0 arguments but got 1." },
      // status, tree, against the wrong kind of server or none
      { args: ["status", "--timeout", "5"], code: 2, line: /"5" has no unit: write 5ms or 5s$/ },
      { args: ["status", "--timeout", "soon"], code: 2, line: /"soon" is not a duration/ },
      { args: ["status", "--timeout", "999999999s"], code: 2, line: /is longer than the longest duration, 24 days$/ },
      { args: ["status", "--manager", agent.address], code: 1, line: `error: ${agent.address} is not a registry manager (it does not serve cairn.v1.Registry; it is the registry agent of agent-1: give it with --agent)` },
      { args: ["tree", "--manager", agent.address], code: 1, line: `error: ${agent.address} is not a registry manager (it does not serve cairn.v1.Registry; it is the registry agent of agent-1: give it with --agent)` },
      { args: ["tree", "--root", "/nowhere"], code: 1, line: 'error: domain "/nowhere" not found' },
      { args: ["status", "--manager", dead], code: 1, line: `error: no registry manager answers at ${dead}: connection refused` },
      // agents (the fleet view)
      { args: ["agents", "--status", "sideways"], code: 2, line: /^error: option '--status <status>' argument 'sideways' is invalid\. Allowed choices are up, down, unknown\.$/ },
      { args: ["agents", "--domain", "lab"], code: 1, line: 'error: domain path "lab" must start with "/"' },
      { args: ["agents", "--domain", "/nowhere", "--recursive"], code: 1, line: 'error: domain "/nowhere" not found' },
      { args: ["agents", "--recursive"], code: 2, line: "error: --recursive needs --domain" },
      { args: ["agents", "-o", "xml"], code: 2, line: /^error: option '-o, --output <format>' argument 'xml' is invalid/ },
      { args: ["agents", "--manager", agent.address], code: 1, line: `error: ${agent.address} is not a registry manager (it does not serve cairn.v1.Registry; it is the registry agent of agent-1: give it with --agent)` },
      { args: ["agents", "--manager", dead], code: 1, line: `error: no registry manager answers at ${dead}: connection refused` },
      // authorize, agent status
      { args: ["authorize", "--agent", manager.address, "--user", "u", "--command", "c"], code: 1, line: `error: ${manager.address} is not a registry agent (it does not serve cairn.v1.Agent; it is registry manager m1: give it with --manager)` },
      { args: ["authorize", "--agent", dead, "--user", "u", "--command", "c"], code: 1, line: `error: no registry agent answers at ${dead}: connection refused` },
      { args: ["authorize", "--user", "u", "--command", "c"], code: 1, line: /^error: no registry agent: pass --agent ADDR/ },
      { args: ["agent", "status", "--agent", manager.address], code: 1, line: new RegExp(`^error: ${manager.address} is not a registry agent `) },
      { args: ["agent", "status", "--agent", dead], code: 1, line: `error: no registry agent answers at ${dead}: connection refused` },
      // promote-manager, certs
      { args: ["promote-manager", "ghost"], code: 1, line: 'error: host "ghost" runs no registry manager' },
      { args: ["promote-manager"], code: 2, line: "error: missing required argument 'host'" },
      { args: ["certs", "issue", "--dir", fresh(), "--id", "admin/alice"], code: 1, line: /^error: .*ca\.pem is missing: make a CA first/ },
      { args: ["certs", "issue", "--dir", fresh(), "--id", "admin/alice", "--days", "abc"], code: 2, line: /"abc" is not a whole number$/ },
      { args: ["certs", "bogus"], code: 2, line: "error: unknown command 'bogus'" },
      { args: ["certs", "init", "--dir", "/proc/cairn-nope"], code: 1, line: "error: cannot create --dir /proc/cairn-nope: /proc/cairn-nope could not be made (ENOENT)" },
      { args: ["certs", "init", "--dir", "/etc/passwd"], code: 1, line: "error: --dir /etc/passwd: /etc/passwd is a file, not a folder" },
      { args: ["hots"], code: 2, line: "error: unknown command 'hots' (did you mean host?)" },
      // --manager / --agent as HOST:PORT (engineer B's parsing)
      ...["127.0.0.1", "http://x:1", "127.0.0.1:abc", "127.0.0.1:70000"].map((address): Row => ({
        args: ["status", "--manager", address],
        code: 2,
        line: `error: --manager: "${address}" is not HOST:PORT`,
      })),
    ];
    // Server commands that must fail before they leave anything on disk.
    const d = () => join(tempDirAll(), "data");
    const servers: Row[] = [
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "Bad_Id", "--data", data, "--bootstrap"], code: 1, line: /^error: --host: host id "Bad_Id" must match/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--bootstrap", "--sync-backups", "-1"], code: 2, line: /"-1" is not a whole number$/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--bootstrap", "--sync-backups", "4294967296"], code: 2, line: /is larger than 4294967295$/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--join", dead, "--join-timeout", "5"], code: 2, line: /"5" has no unit/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--join", dead, "--join-timeout", "1s"], code: 1, line: /^error: .*/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["agent", "start", "--host", "a9", "--data", data], code: 2, line: "error: required option '--manager <addrs>' not specified", absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["agent", "start", "--host", "a9", "--data", data, "--manager", manager.address, "--heartbeat-interval", "300"], code: 2, line: /"300" has no unit: write 300ms or 300s$/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["agent", "start", "--host", "a9", "--data", data, "--manager", "nope"], code: 2, line: /--manager: "nope" is not HOST:PORT$/, absent: [data] })),
      // --http: HOST:PORT (port 0 allowed), and loopback only without TLS
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--bootstrap", "--http", "nope"], code: 2, line: `error: option '--http <addr>' argument 'nope' is invalid. --http: "nope" is not HOST:PORT (port 0: any free port)`, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--bootstrap", "--http", "127.0.0.1:70000"], code: 2, line: /--http: "127\.0\.0\.1:70000" is not HOST:PORT \(port 0: any free port\)$/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["manager", "start", "--host", "m9", "--data", data, "--bootstrap", "--http", "0.0.0.0:0"], code: 1, line: "error: --http 0.0.0.0:0 is not a loopback address: give --ca, --cert and --key to serve it with mTLS, or --insecure to serve it without", absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["agent", "start", "--host", "a9", "--data", data, "--manager", manager.address, "--http", ":"], code: 2, line: /--http: ":" is not HOST:PORT \(port 0: any free port\)$/, absent: [data] })),
      ...[d()].map((data): Row => ({ args: ["agent", "start", "--host", "a9", "--data", data, "--manager", manager.address, "--http", "0.0.0.0:0"], code: 1, line: "error: --http 0.0.0.0:0 is not a loopback address: give --ca, --cert and --key to serve it with mTLS, or --insecure to serve it without", absent: [data] })),
    ];
    const all = [...rows, ...servers];
    expect(all.length).toBeGreaterThanOrEqual(60);

    const before = (await client.call("GetStatus", {})).revision;
    const failures: string[] = [];
    // A few at a time: each is a process of its own.
    for (let i = 0; i < all.length; i += 8) {
      const batch = all.slice(i, i + 8);
      const results = await Promise.all(batch.map((row) => runCli(row.args, env)));
      batch.forEach((row, j) => {
        const label = row.args.map((a) => (a.length > 40 ? `${a.slice(0, 20)}…` : a)).join(" ");
        try {
          const line = oneErrorLine(label, results[j]!, row.code);
          if (typeof row.line === "string") expect(line, label).toBe(row.line);
          else expect(line, label).toMatch(row.line);
          for (const dir of row.absent ?? []) expect(existsSync(dir), `${label}: ${dir} left behind`).toBe(false);
        } catch (error) {
          failures.push(`${label}\n    ${(error as Error).message.split("\n").slice(0, 12).join("\n    ")}\n    stderr: ${results[j]!.stderr.slice(0, 400)}`);
        }
      });
    }
    expect(failures, failures.join("\n")).toEqual([]);
    // The revision only grows: unchanged after the table, unchanged after every row.
    expect((await client.call("GetStatus", {})).revision).toBe(before);
  }, 120_000);

  it("a second manager on a data folder in use says so in one line and leaves it as it was", async () => {
    const data = join(tempDirAll(), "locked");
    const first = await startCairn(deferAll, ["manager", "start", "--host", "m5", "--data", data, "--listen", "127.0.0.1:0", "--bootstrap"]);
    const result = await runCli(["manager", "start", "--host", "m5", "--data", data, "--listen", "127.0.0.1:0", "--bootstrap"]);
    expect(oneErrorLine("locked", result, 1)).toBe(
      `error: the store in ${data} is in use by another process (LevelDB's LOCK is held): stop that one first, or give this one another folder`,
    );
    // The first one still serves.
    expect((await runCli(["status", "--manager", first.address, "--json"])).code).toBe(0);
  });

  it("an error that would echo a large input stays short and leaves the channel usable", async () => {
    const rejection = await client.rejection("RegisterHost", { id: BIG, domain: "/" });
    expect(rejection.code).toBe(3);
    expect(rejection.details.length).toBeLessThan(200);
    const notFound = await client.rejection("GetHost", { id: BIG });
    expect(notFound.details).toMatch(/^host "a{64}…" \(76800 characters\) not found$/);
    // The next call on the same channel is answered.
    expect((await client.call("GetStatus", {})).host).toBe("m1");
  });

  it("the server refuses what a client that skipped the CLI's checks sends", async () => {
    const [port, address, addressWithPort] = await Promise.all([
      client.rejection("DeployPackage", { host: "node-1", type: "command-control", port: 4294967295 }),
      client.rejection("RegisterHost", { id: "h-wire", domain: "/", address: "0.0.0.0" }),
      client.rejection("RegisterHost", { id: "h-wire", domain: "/", address: "127.0.0.1:80" }),
    ]);
    expect([port.code, address.code, addressWithPort.code]).toEqual([3, 3, 3]);
    expect(port.details).toMatch(/port 4294967295 must be an integer from 1 to 65535/);
    expect(addressWithPort.details).toMatch(/without a port/);
  });
});

describe("a write through a backup whose primary is dead", () => {
  const defer = useDefer();
  const tempDir = useTempDirs();

  it("names the manager that named the primary, hints at promote-manager (writes and agents alike), and status marks the primary unreachable", async () => {
    const managers = new Managers(defer, tempDir);
    const primary = await managers.start("m1");
    const backup = await managers.start("m2", { join: primary });
    await until(async () => (await backup.client.call("GetStatus", {})).primary_address === primary.address, "the backup following");
    await primary.process.kill();

    const write = await runCli(["host", "add", "h1", "--domain", "/", "--manager", backup.address]);
    expect(oneErrorLine("write", write, 1)).toBe(
      `error: the primary m1 at ${primary.address}, named by m2 at ${backup.address}, does not answer (connection refused); ` +
        `if it is down, promote a backup: cairn promote-manager m2 --manager ${backup.address}`,
    );
    // The fleet view is the primary's too: asked of the backup, it fails the same way.
    const agents = await runCli(["agents", "--manager", backup.address]);
    expect(oneErrorLine("agents", agents, 1)).toBe(
      `error: the primary m1 at ${primary.address}, named by m2 at ${backup.address}, does not answer (connection refused); ` +
        `if it is down, promote a backup: cairn promote-manager m2 --manager ${backup.address}`,
    );
    const status = await runCli(["status", "--manager", backup.address]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`^primary\\s+m1 at ${primary.address.replace(/\./g, "\\.")} \\(unreachable\\)$`, "m"));
    const json = JSON.parse((await runCli(["status", "--manager", backup.address, "--json"])).stdout) as { primary_reachable: boolean };
    expect(json.primary_reachable).toBe(false);
  }, 60_000);
});
