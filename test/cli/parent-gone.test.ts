/**
 * A server whose parent dies without passing a signal on (npm's wrapper
 * under `npx cairn … start`, SIGTERMed or SIGKILLed alone) stops by itself,
 * cleanly, within a few seconds, instead of running on adopted by init.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { untilParentGone, watchesParent } from "../../src/cli/parent-watch.js";
import { CAIRN_BIN } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** A parent that starts the server with its own stdout and stderr, says the server's pid, and never forwards a signal. */
const WRAPPER = `
const { spawn } = require("node:child_process");
const server = spawn(process.execPath, JSON.parse(process.env.SERVER_ARGV), { stdio: ["ignore", "inherit", "inherit"] });
console.log("server pid " + server.pid);
setInterval(() => {}, 1000);
`;

/** Whether `pid` is a live process (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

describe("a server whose parent is gone", () => {
  it.each([
    ["manager start", "SIGKILL", (data: string) => ["manager", "start", "--host", "m1", "--data", data, "--bootstrap"], "registry manager stopped"],
    ["agent start", "SIGTERM", (data: string) => ["agent", "start", "--host", "agent-1", "--data", data, "--manager", "127.0.0.1:1"], "registry agent stopped"],
    ["command-control start", "SIGTERM", () => ["command-control", "start", "--host", "cc-1"], "command-control stopped"],
  ] as const)("%s stops cleanly when its parent is %sed and does not pass it on", async (_what, signal, args, stoppedLine) => {
    const wrapper = spawn(process.execPath, ["-e", WRAPPER], {
      // As npx sets it: only a server npm started watches its parent.
      env: { ...process.env, npm_command: "exec", SERVER_ARGV: JSON.stringify([CAIRN_BIN, ...args(tempDir())]) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    wrapper.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    wrapper.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    // The pipes close once every process that holds them is gone: the wrapper and the server.
    const closed = new Promise<void>((resolve) => wrapper.stderr.on("close", () => resolve()));
    const pid = Number((await until(() => /server pid (\d+)/.exec(stdout), "the server's pid"))[1]);
    defer(() => void (alive(pid) && process.kill(pid, "SIGKILL")));
    await until(() => stdout.includes("listening on "), "the server listening", 15_000);

    wrapper.kill(signal);
    const started = Date.now();
    await until(() => !alive(pid), "the server gone", 5_000);
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
    const lines = stderr.trim().split("\n").map((line) => JSON.parse(line) as { msg: string; parentPid?: number; adoptedBy?: number });
    expect(lines.find((l) => l.msg.includes("the parent process"))).toMatchObject({ parentPid: wrapper.pid, msg: `the parent process ${wrapper.pid} is gone: stopping` });
    expect(lines.map((l) => l.msg)).toContain(stoppedLine);
  });
});

describe("watchesParent", () => {
  it("is on only under npm (npx, npm exec, npm run set npm_command): a daemon started by a script that exits keeps running", () => {
    expect(watchesParent({ npm_command: "exec" })).toBe(true);
    expect(watchesParent({ npm_command: "run-script" })).toBe(true);
    expect(watchesParent({})).toBe(false);
  });
});

describe("untilParentGone", () => {
  it("resolves with the parent's pid at start and the adopter's, once the parent's pid changes; an abort stops the checks", async () => {
    let ppid = 4242;
    const gone = untilParentGone(undefined, 5, () => ppid);
    ppid = 1;
    expect(await gone).toEqual({ was: 4242, now: 1 });

    const cancel = new AbortController();
    let asked = 0;
    void untilParentGone(cancel.signal, 5, () => (asked++, 7));
    cancel.abort();
    const after = asked;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(asked).toBe(after);
  });
});
