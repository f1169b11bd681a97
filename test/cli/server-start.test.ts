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
