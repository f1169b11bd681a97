/**
 * `cairn agents` (SPEC 14) against real processes: every host's agent as
 * the primary hears it, its liveness, heartbeat age, replica revision and
 * lag, and the registry manager it watches, from the primary or through a
 * backup.
 */
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { Managers, status } from "../support/managers.js";
import { startCairn } from "../support/process.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

interface AgentJson {
  host: string;
  domain: string;
  liveness: string;
  last_heartbeat_age_ms: number | null;
  revision: number;
  lag: number;
  watching: string;
}

interface AgentsJson {
  revision: number;
  epoch: number;
  agents: AgentJson[];
}

async function cairn(...args: string[]): Promise<string> {
  const result = await runCli(args);
  expect(result.code, `cairn ${args.join(" ")}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

async function agents(manager: string, ...flags: string[]): Promise<AgentsJson> {
  return JSON.parse(await cairn("agents", "--manager", manager, "-o", "json", ...flags)) as AgentsJson;
}

const agentOf = (reply: AgentsJson, host: string) => reply.agents.find((a) => a.host === host);
const hostsOf = (reply: AgentsJson) => reply.agents.map((a) => a.host);

function startAgent(host: string, manager: string, ...flags: string[]) {
  return startCairn(defer, ["agent", "start", "--host", host, "--data", tempDir(), "--manager", manager, "--heartbeat-interval", "300ms", ...flags]);
}

describe("cairn agents", () => {
  it("lists each agent and the manager's host, live and caught up; a write moves the revisions; a killed agent turns down and ages", async () => {
    const managers = new Managers(defer, tempDir);
    const m1 = await managers.start("m1");
    await m1.client.call("CreateDomain", { path: "/emea" });
    const a1 = await startAgent("a1", m1.address);
    await startAgent("a2", m1.address, "--domain", "/emea");

    const caughtUp = (reply: AgentsJson, host: string, watching: string) => {
      const agent = agentOf(reply, host);
      return agent?.liveness === "up" && agent.lag === 0 && agent.revision === reply.revision && agent.watching === watching;
    };
    const settled = await until(async () => {
      const reply = await agents(m1.address);
      return ["a1", "a2", "m1"].every((host) => caughtUp(reply, host, "m1")) ? reply : undefined;
    }, "both agents up, caught up and watching m1");
    expect(hostsOf(settled)).toEqual(["a1", "a2", "m1"]);
    expect(agentOf(settled, "a2")!.domain).toBe("/emea");
    for (const agent of settled.agents) expect(agent.last_heartbeat_age_ms!, agent.host).toBeLessThan(3_000);
    // The revision lag is measured against is the manager's own (nothing writes once all are up).
    expect(settled.revision).toBe((await status(m1)).revision);

    const table = (await cairn("agents", "--manager", m1.address)).trimEnd().split("\n");
    expect(table[0]).toMatch(/^host\s+domain\s+liveness\s+last heartbeat\s+revision\s+lag\s+watching$/);
    expect(table.find((line) => line.startsWith("a2 "))).toMatch(new RegExp(`^a2\\s+/emea\\s+up\\s+\\d+\\.\\ds ago\\s+${settled.revision}\\s+0\\s+m1$`));
    expect(await cairn("agents", "--manager", m1.address, "-o", "wide")).toMatch(/^host\s+domain\s+liveness\s+last heartbeat\s+revision\s+lag\s+watching\s+heard at\s+age \(ms\)$/m);
    expect(hostsOf(parseYaml(await cairn("agents", "--manager", m1.address, "-o", "yaml")) as AgentsJson)).toEqual(["a1", "a2", "m1"]);
    expect(hostsOf(JSON.parse(await cairn("agents", "--manager", m1.address, "--json")) as AgentsJson)).toEqual(["a1", "a2", "m1"]);
    expect(hostsOf(await agents(m1.address, "--domain", "/emea"))).toEqual(["a2"]);
    expect(hostsOf(await agents(m1.address, "--domain", "/", "--recursive"))).toEqual(["a1", "a2", "m1"]);

    // A host no agent speaks for is listed, never heard; the write that registered it reaches both agents.
    await cairn("host", "add", "silent", "--domain", "/emea", "--manager", m1.address);
    const moved = await until(async () => {
      const reply = await agents(m1.address);
      return reply.revision > settled.revision && caughtUp(reply, "a1", "m1") && caughtUp(reply, "a2", "m1") ? reply : undefined;
    }, "the agents at the revision of the write");
    expect(agentOf(moved, "silent")).toEqual({ host: "silent", domain: "/emea", liveness: "unknown", last_heartbeat_age_ms: null, revision: 0, lag: 0, watching: "" });
    expect(await cairn("agents", "--manager", m1.address, "--domain", "/emea")).toMatch(/^silent\s+\/emea\s+unknown\s+never\s+0\s+0\s+-$/m);
    expect(hostsOf(await agents(m1.address, "--status", "unknown"))).toEqual(["silent"]);

    await a1.kill();
    const down = await until(async () => {
      const agent = agentOf(await agents(m1.address), "a1")!;
      return agent.liveness === "down" ? agent : undefined;
    }, "a1 down");
    // Marking it down was a change its dead replica never saw.
    expect(down.lag).toBeGreaterThan(0);
    expect(down.revision).toBe(agentOf(moved, "a1")!.revision);
    await until(async () => agentOf(await agents(m1.address), "a1")!.last_heartbeat_age_ms! > down.last_heartbeat_age_ms!, "a1's heartbeat age growing");
    expect(hostsOf(await agents(m1.address, "--status", "down"))).toEqual(["a1"]);
    expect(agentOf(await agents(m1.address), "a2")!.liveness).toBe("up");
  }, 90_000);

  it("shows an agent watching a backup, the backup's host watching the primary, and answers from the primary when asked of the backup", async () => {
    const managers = new Managers(defer, tempDir);
    const root = await managers.start("m-root");
    await root.client.call("CreateDomain", { path: "/emea" });
    await startAgent("emea-agent", root.address, "--domain", "/emea");
    await until(async () => agentOf(await agents(root.address), "emea-agent")?.watching === "m-root", "the agent watching the root");

    // Nearer to the agent (its /emea): the agent moves to it (SPEC 13). The backup may be listed before it holds
    // the epoch, refuse the agent, and be held off (RETARGET_HOLD_MS): the agent looks again at a change, so
    // changes keep coming.
    await root.client.call("RegisterHost", { id: "ticker", domain: "/" });
    const backup = await managers.start("m-emea", { join: root, flags: ["--domain", "/emea"] });
    let tick = 0;
    const moved = await until(async () => {
      await root.client.call("SetLabels", { id: "ticker", set: { tick: String(tick++) } });
      const reply = await agents(root.address);
      return agentOf(reply, "emea-agent")?.watching === "m-emea" && agentOf(reply, "m-emea")?.watching === "m-root" ? reply : undefined;
    }, "the agent watching the /emea backup", 25_000);
    expect(hostsOf(moved)).toEqual(["emea-agent", "m-emea", "m-root", "ticker"]);

    // Only the primary hears heartbeats: the backup names it, and the CLI asks it there.
    const viaBackup = await agents(backup.address);
    expect(hostsOf(viaBackup)).toEqual(["emea-agent", "m-emea", "m-root", "ticker"]);
    expect(agentOf(viaBackup, "emea-agent")).toMatchObject({ liveness: "up", watching: "m-emea" });
    expect(agentOf(viaBackup, "m-root")).toMatchObject({ watching: "m-root", last_heartbeat_age_ms: 0, lag: 0 });
    expect(await cairn("agents", "--manager", backup.address, "--domain", "/emea")).toMatch(/^emea-agent\s+\/emea\s+up\s+\S+ ago\s+\d+\s+\d+\s+m-emea$/m);
  }, 90_000);
});
