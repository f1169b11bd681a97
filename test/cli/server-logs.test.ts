/**
 * What the servers' logs look like (SPEC 15): JSON lines by default, human
 * lines with `--log-format pretty`, a bad format or CAIRN_LOG_LEVEL refused
 * in one line with exit 2, and no line that names a key twice: a manager's
 * and an agent's own `host` is bound once, and what a line says of another
 * host goes under a key of its own (`flapping`, `heartbeatFrom`, `watcher`,
 * `manager`, …).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ServerProcess } from "../../src/process/server-process.js";
import { runCli, spawnCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { registryClient } from "../support/fleet.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** A server as a real process with `env` added, killed after the test. */
async function startServer(args: readonly string[], env: Record<string, string> = {}): Promise<ServerProcess & { at: string }> {
  const server = ServerProcess.spawn({ args, env: { ...process.env, ...env } });
  defer(() => server.kill());
  const at = await server.listening(15_000);
  return Object.assign(server, { at });
}

/**
 * The keys that one object of a JSON text names more than once, at any
 * depth (JSON.parse keeps the last and says nothing). A small scanner: a
 * string followed by `:` inside an object is a key.
 */
export function duplicateKeys(text: string): string[] {
  const objects: (Set<string> | undefined)[] = [];
  const duplicates: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") objects.push(new Set());
    else if (c === "[") objects.push(undefined);
    else if (c === "}" || c === "]") objects.pop();
    else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      const token = text.slice(i, end + 1);
      let next = end + 1;
      while (/\s/.test(text[next] ?? "")) next++;
      const keys = objects[objects.length - 1];
      if (text[next] === ":" && keys) {
        const key = JSON.parse(token) as string;
        if (keys.has(key)) duplicates.push(key);
        keys.add(key);
      }
      i = end;
    }
  }
  return duplicates;
}

function logLines(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.trim() !== "");
}

describe("the duplicate-key scanner", () => {
  it("finds a key named twice at any depth, and nothing in strings or arrays", () => {
    expect(duplicateKeys('{"host":"m1","msg":"x","host":"a1"}')).toEqual(["host"]);
    expect(duplicateKeys('{"a":{"b":1,"b":2},"b":[{"b":1},{"b":2}],"s":"\\"b\\":"}')).toEqual(["b"]);
    expect(duplicateKeys('{"host":"m1","peer":{"host":"a1"}}')).toEqual([]);
  });
});

describe("server logs", () => {
  it("carry each key once in every line of a manager and an agent: heartbeats, a host held down and released, watches, stops", async () => {
    const debug = { CAIRN_LOG_LEVEL: "debug" };
    const manager = await startServer(
      ["manager", "start", "--host", "m1", "--data", tempDir(), "--bootstrap", "--down-after", "1s", "--heartbeat-interval", "200ms",
        "--flap-count", "1", "--flap-window", "60s", "--hold-down", "500ms"],
      debug,
    );
    const client = registryClient(defer, manager.at);
    const watch = spawnCli(["watch", "--manager", manager.at]);
    defer(() => watch.kill("SIGKILL"));
    const agentData = tempDir();
    const agentArgs = ["agent", "start", "--host", "agent-1", "--data", agentData, "--manager", manager.at, "--heartbeat-interval", "200ms"];
    const statusOf = async () => (await client.call("GetHost", { id: "agent-1" }).catch(() => undefined))?.host?.status;

    const agent = await startServer(agentArgs, debug);
    await until(async () => (await statusOf()) === "LIVENESS_UP", "the agent's host up");
    await agent.kill("SIGKILL");
    await until(async () => (await statusOf()) === "LIVENESS_DOWN", "the agent's host down");
    await until(() => manager.stderr().includes("host agent-1 is flapping"), "the held-down line");
    const again = await startServer(agentArgs, debug);
    await until(() => manager.stderr().includes("released from hold-down"), "the released line");
    await until(async () => (await statusOf()) === "LIVENESS_UP", "the agent's host up again");
    watch.kill("SIGTERM");
    await again.stop();
    await manager.stop();
    // The exit can come before the last of stderr has been read.
    await until(() => again.stderr().includes("registry agent stopped") && manager.stderr().includes("registry manager stopped"), "the last lines");

    const logs = [
      { own: "m1", lines: logLines(manager.stderr()) },
      { own: "agent-1", lines: [...logLines(agent.stderr()), ...logLines(again.stderr())] },
    ];
    for (const { own, lines } of logs) {
      expect(lines.length).toBeGreaterThan(10);
      for (const line of lines) {
        expect(duplicateKeys(line), line).toEqual([]);
        const entry = JSON.parse(line) as { host?: string };
        // `host` is the process's own, wherever a line has one.
        if (entry.host !== undefined) expect(entry.host, line).toBe(own);
      }
    }
    const managerLines = logs[0]!.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(managerLines.find((l) => String(l.msg).includes("is flapping"))).toMatchObject({ host: "m1", flapping: "agent-1" });
    expect(managerLines.find((l) => String(l.msg).includes("released from hold-down"))).toMatchObject({ host: "m1", heartbeatFrom: "agent-1" });
    expect(managerLines.some((l) => l.watcher === "cairn-watch")).toBe(true);
  });

  it("are human lines with --log-format pretty: the time in UTC, the level, the server, its host and component, the message", async () => {
    const server = await startServer(["command-control", "start", "--host", "cc-1", "--log-format", "pretty"]);
    // SIGTERM, and no SIGKILL after a grace however loaded the machine is: the last line is part of the test.
    server.signal("SIGTERM");
    await server.exited;
    expect(server.exitCode).toBe(0);
    // The exit can come before the last of stderr has been read.
    await until(() => server.stderr().includes("command-control stopped"), "the last line");
    const lines = logLines(server.stderr());
    expect(lines.length).toBeGreaterThan(2);
    for (const line of lines) expect(line).toMatch(/^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] (INFO|WARN|DEBUG|ERROR) \(command-control\): /);
    expect(lines).toContainEqual(expect.stringMatching(/INFO \(command-control\): cc-1 command-control: command-control started \{"address":"127\.0\.0\.1:\d+"/));
    expect(lines).toContainEqual(expect.stringMatching(/INFO \(command-control\): stopping \{"signal":"SIGTERM"\}$/));
  });

  it.each([
    ["manager", ["manager", "start", "--host", "m1", "--bootstrap"]],
    ["agent", ["agent", "start", "--host", "agent-1", "--manager", "127.0.0.1:1"]],
  ])("%s start refuses a CAIRN_LOG_LEVEL pino does not know, and a bad --log-format, in one line, exit 2, before it touches anything", async (_what, args) => {
    const data = join(tempDir(), "data");
    const level = await runCli([...args, "--data", data], { CAIRN_LOG_LEVEL: "verbose" });
    expect(level).toEqual({
      code: 2,
      stdout: "",
      stderr: 'error: CAIRN_LOG_LEVEL: "verbose" is not one of fatal, error, warn, info, debug, trace, silent\n',
    });
    const format = await runCli([...args, "--data", data, "--log-format", "xml"]);
    expect(format.code).toBe(2);
    expect(format.stderr).toMatch(/^error: option '--log-format <format>' argument 'xml' is invalid\. Allowed choices are json, pretty\.\n$/);
    expect(existsSync(data)).toBe(false);
  });
});
