/**
 * An agent watches the nearest registry manager of its own `registry` route
 * (SPEC 13), and moves when that route changes, without a restart and
 * without missing or repeating a change.
 */
import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import { agentClient } from "../support/fleet.js";
import { digestOf, Managers, status, writer } from "../support/managers.js";
import { startCairn } from "../support/process.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

describe("an agent follows its nearest registry manager", () => {
  it("moves to the /emea backup once it is deployed, back to the root when it dies, with every change applied once", async () => {
    const managers = new Managers(defer, tempDir);
    const root = await managers.start("m-root");
    await root.client.call("CreateDomain", { path: "/emea" });
    const agentProcess = await startCairn(defer, [
      "agent", "start", "--host", "emea-agent", "--domain", "/emea", "--data", tempDir(),
      "--manager", root.address, "--heartbeat-interval", "300ms",
    ]);
    const agent = agentClient(defer, agentProcess.address);
    await until(async () => (await agent.status()).manager_address === root.address && (await agent.status()).watch_state === "live", "agent watching the root");

    // Writes flow the whole time: the moves must neither miss one nor apply one twice.
    const writes = writer(root.client, "w");
    defer(() => writes.stop());
    const backup = await managers.start("m-emea", { join: root, flags: ["--domain", "/emea"] });
    await until(async () => (await agent.status()).manager_address === backup.address, "agent moved to the /emea backup", 15_000);
    expect((await agent.status()).manager_host).toBe("m-emea");

    await backup.process.kill();
    await until(async () => (await agent.status()).manager_address === root.address, "agent back on the root", 15_000);
    await writes.stop();
    expect(writes.acknowledged.length).toBeGreaterThan(0);

    const head = await status(root);
    await until(async () => (await agent.status()).revision === head.revision, "agent caught up", 10_000);
    const seen = await agent.status();
    expect(Buffer.from(seen.digest).toString("hex")).toBe(await digestOf(root));
    // Resumed each time from where its replica was, never rebuilt from a snapshot after the first.
    const snapshots = agentProcess.stderr().split("\n").filter((line) => line.includes('"installed a snapshot"')).length;
    expect(snapshots).toBe(1);
    expect(agentProcess.stderr()).toContain("moving to the nearest registry manager");
  });
});
