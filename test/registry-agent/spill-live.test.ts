/**
 * Health-threshold spill (SPEC 13) live, through an agent: real manager,
 * Command Control managers and agent; the threshold set and cleared with
 * the CLI while calls flow.
 */
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { agentClient, portOf, registryClient, startAgent, startCommandControl, startManagerProcess } from "../support/fleet.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const CC = "command-control";

describe("spill through an agent", () => {
  it("a domain with 1 of 3 managers available yields to its parent at min_healthy 0.5, and takes the calls back at 0", async () => {
    const manager = await startManagerProcess(defer, tempDir());
    const [root, near] = await Promise.all([startCommandControl(defer, "framework-manager"), startCommandControl(defer, "agent-5")]);
    const fixture = [
      "types:",
      `  ${CC}: { policy: ordered, min_healthy: 0.5 }`,
      "root:",
      "  hosts:",
      "    - id: framework-manager",
      `      packages: [{ type: registry, port: ${portOf(manager.address)} }, { type: ${CC}, port: ${portOf(root.address)} }]`,
      "  subdomains:",
      "    subdomain-1:",
      "      hosts:",
      "        - id: agent-1",
      "          status: down",
      `          packages: [{ type: ${CC}, port: 1 }]`,
      "        - id: agent-2",
      `          packages: [{ type: ${CC}, port: 2, health: unhealthy }]`,
      "        - id: agent-4",
      "        - id: agent-5",
      `          packages: [{ type: ${CC}, port: ${portOf(near.address)} }]`,
      "",
    ].join("\n");
    await registryClient(defer, manager.address).import(fixture, { format: "yaml", file_name: "spill.yaml" });
    const agentProcess = await startAgent(defer, "agent-4", tempDir(), manager.address);
    const agent = agentClient(defer, agentProcess.address);
    const servedBy = async () => (await agent.authorize("ops", "uptime").catch(() => undefined))?.served_by;

    await until(async () => (await servedBy()) === "framework-manager", "calls spilled to the parent");
    const route = await agent.resolve("agent-4", CC);
    expect(route.candidates.map((c) => [c.host, c.tier])).toEqual([
      ["framework-manager", "ancestor"],
      ["agent-5", "domain"],
    ]);
    expect(route.spill).toMatchObject({
      min_healthy: 0.5,
      panic: false,
      yielded: [{ tier: "/subdomain-1", available: 1, of: 3, reason: "tier /subdomain-1: 1 of 3 available, below 50%" }],
    });
    const shown = await runCli(["route", "--agent", agentProcess.address, "--from", "agent-4", "--type", CC]);
    expect(shown.stdout).toContain("yielded: tier /subdomain-1: 1 of 3 available, below 50%");

    const cleared = await runCli(["type", "set", CC, "--min-healthy", "0", "--manager", manager.address]);
    expect(cleared.code, cleared.stderr).toBe(0);
    await until(async () => (await servedBy()) === "agent-5", "calls back in the domain");
    expect((await agent.resolve("agent-4", CC)).spill ?? null).toBeNull();
  });
});
