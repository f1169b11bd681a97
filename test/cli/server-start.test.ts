import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();

describe("server commands refuse a bad host id before they touch anything", () => {
  it.each([
    ["manager", ["manager", "start", "--bootstrap"]],
    ["agent", ["agent", "start", "--manager", "127.0.0.1:1"]],
  ])("%s start", async (_what, args) => {
    const data = join(tempDir(), "data");
    const result = await runCli([...args, "--host", "Bad_Host", "--data", data, "--listen", "127.0.0.1:0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: --host: host id "Bad_Host" must match/m);
    expect(result.stdout).toBe("");
    expect(existsSync(data)).toBe(false);
  });
});

describe("manager start's liveness damping flags", () => {
  it.each([
    ["--flap-count", "0", /"0" is not a whole number of at least 1/],
    ["--flap-count", "1.5", /"1.5" is not a whole number/],
    ["--flap-window", "0s", /"0s" is not a duration longer than 0/],
    ["--hold-down", "soon", /"soon" is not a duration/],
  ])("refuses %s %s as a usage error before it touches anything", async (flag, value, message) => {
    const data = join(tempDir(), "data");
    const result = await runCli(["manager", "start", "--host", "m1", "--data", data, "--bootstrap", flag, value]);
    expect(result.code).toBe(2);
    const [first] = result.stderr.split("\n");
    expect(first).toMatch(new RegExp(`^error: option '${flag} <[a-z]+>' argument '${value}' is invalid\\. `));
    expect(first).toMatch(message);
    expect(result.stdout).toBe("");
    expect(existsSync(data)).toBe(false);
  });

  it("documents them in the help", async () => {
    const result = await runCli(["manager", "start", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of ["--flap-count <n>", "--flap-window <duration>", "--hold-down <duration>"]) expect(result.stdout).toContain(flag);
  });
});
