/**
 * grpc.health.v1 and server reflection on every server (SPEC 14), on real
 * processes: a manager is SERVING when it can do its role's work (a primary
 * with its sync backups, a backup that serves reads, also with its primary
 * dead) and NOT_SERVING while starting, when fenced, or short of
 * --sync-backups; a Watch sees each change. An agent serves once its
 * replica holds a registry. Reflection lists each server's services, and
 * under mTLS a viewer may ask both.
 */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { callUnary } from "../../src/client/methods.js";
import { compileRules } from "../../src/command-control/rules.js";
import { CommandControlServer } from "../../src/command-control/server.js";
import { ServerProcess } from "../../src/process/server-process.js";
import { replicationService } from "../../src/wire/proto-loader.js";
import { useDefer } from "../support/defer.js";
import { FAST_LIVENESS, startAgent, startCommandControl } from "../support/fleet.js";
import { everyKnowsTheOthers, Managers, promote, roleOf } from "../support/managers.js";
import { startSecureAgent, startSecureCommandControl, startSecureManager } from "../support/secure-fleet.js";
import { askReflection, checkHealth, freePort, listServices, watchHealth } from "../support/standard-services.js";
import { useTempDirs } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const managers = new Managers(defer, tempDir);

const health = (address: string, service = "") => checkHealth(defer, address, service);
const serving = async (address: string) => (await health(address)) === "SERVING";
const notServing = async (address: string) => (await health(address)) === "NOT_SERVING";

describe("grpc.health.v1 on a registry manager", () => {
  it("a primary with --sync-backups 1 is NOT_SERVING until its backup follows, again once it is SIGKILLed, and SERVING when it is back: a Watch sees each change", async () => {
    const m1 = await managers.start("m1", { syncBackups: 1 });
    expect(await health(m1.address)).toBe("NOT_SERVING");
    expect(await health(m1.address, "cairn.v1.Registry")).toBe("NOT_SERVING");
    const watch = watchHealth(defer, m1.address);
    const registryWatch = watchHealth(defer, m1.address, "cairn.v1.Registry");
    await until(() => watch.statuses.length === 1, "the Watch's first status");

    const m2 = await managers.start("m2", { join: m1, syncBackups: 1 });
    await until(() => serving(m1.address), "the primary SERVING with its backup following");
    expect(await health(m1.address, "cairn.v1.Replication")).toBe("SERVING");
    // Killed only once its role is on its disk (SERVING says so): killed before, it would restart as a primary.
    await until(() => serving(m2.address), "the backup SERVING");

    await m2.process.kill();
    await until(() => notServing(m1.address), "the primary NOT_SERVING without its backup");

    await managers.restart(m2, { syncBackups: 1 });
    await until(() => serving(m1.address), "the primary SERVING again");
    await until(() => watch.statuses.length >= 4, "four statuses on the Watch");
    expect(watch.statuses).toEqual(["NOT_SERVING", "SERVING", "NOT_SERVING", "SERVING"]);
    expect(registryWatch.statuses).toEqual(watch.statuses);
  });

  it("a backup serves reads: SERVING, and still SERVING once its primary is SIGKILLed and it has seen the stream end", async () => {
    const m1 = await managers.start("m1");
    const m2 = await managers.start("m2", { join: m1 });
    expect(await health(m1.address)).toBe("SERVING");
    await until(() => serving(m2.address), "the backup SERVING");
    const watch = watchHealth(defer, m2.address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");

    const endedBefore = m2.process.stderr().split("watch stream ended").length;
    await m1.process.kill();
    await until(() => m2.process.stderr().split("watch stream ended").length > endedBefore, "the backup seeing its primary's stream end");
    expect(await health(m2.address)).toBe("SERVING");
    // The read-only failover mode: reads still answered.
    expect((await m2.client.call("ListHosts", {})).hosts.map((h) => h.id)).toContain("m1");
    expect(watch.statuses).toEqual(["SERVING"]);
  });

  it("a backup joining a SIGSTOPped primary listens NOT_SERVING while it starts, and turns SERVING once its first snapshot is in", async () => {
    const m1 = await managers.start("m1");
    m1.process.server.signal("SIGSTOP");
    defer(() => m1.process.server.signal("SIGCONT"));
    const address = `127.0.0.1:${await freePort()}`;
    const args = ["manager", "start", "--host", "m2", "--data", tempDir(), "--listen", address, "--join", m1.address, "--join-timeout", "60s", ...FAST_LIVENESS];
    const m2 = ServerProcess.spawn({ args });
    defer(() => m2.kill());

    // It binds its port before it settles: probes hear it is starting, not a refused connection.
    await until(() => notServing(address), "the joining backup answering NOT_SERVING");
    const watch = watchHealth(defer, address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");
    expect(watch.statuses).toEqual(["NOT_SERVING"]);

    m1.process.server.signal("SIGCONT");
    expect(await m2.listening(15_000)).toBe(address);
    await until(() => watch.statuses.length === 2, "the Watch's second status");
    expect(watch.statuses).toEqual(["NOT_SERVING", "SERVING"]);
  });

  it("a primary whose disk lost writes it acknowledged (a backup holds more of its epoch) is fenced: NOT_SERVING", async () => {
    const m1 = await managers.start("m1");
    const watch = watchHealth(defer, m1.address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");
    // Insecure, so a manager believes any caller: an Ack of a revision of its own epoch beyond its disk.
    const raw = new grpc.Client(m1.address, grpc.credentials.createInsecure());
    defer(() => raw.close());
    await callUnary(raw, replicationService.Ack, { host: "ghost", epoch: 1, revision: 1_000_000 }, { deadline: Date.now() + 5_000 });

    await until(() => notServing(m1.address), "the fenced primary NOT_SERVING");
    expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING"]);
  });

  it("a primary paused through a promotion is NOT_SERVING while it steps down, and SERVING once it follows the new primary as a backup", async () => {
    const m1 = await managers.start("m1");
    const m2 = await managers.start("m2", { join: m1 });
    await everyKnowsTheOthers([m1, m2]);
    const watch = watchHealth(defer, m1.address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");

    m1.process.server.signal("SIGSTOP");
    const promoted = await promote(m2, "m2");
    expect(promoted.stderr).toBe("");
    m1.process.server.signal("SIGCONT");
    await until(async () => (await roleOf(m1)) === "MANAGER_ROLE_BACKUP", "the deposed primary a backup");
    await until(() => serving(m1.address), "the deposed primary SERVING as a backup");
    expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING", "SERVING"]);
  });
});

describe("grpc.health.v1 on an agent and on Command Control", () => {
  it("an agent is NOT_SERVING until its replica holds a registry, then SERVING", async () => {
    const m1 = await managers.start("m1");
    // Paused: the agent listens with nothing in its replica.
    m1.process.server.signal("SIGSTOP");
    defer(() => m1.process.server.signal("SIGCONT"));
    const agent = await startAgent(defer, "agent-1", tempDir(), m1.address);
    expect(await health(agent.address)).toBe("NOT_SERVING");
    expect(await health(agent.address, "cairn.v1.Agent")).toBe("NOT_SERVING");
    const watch = watchHealth(defer, agent.address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");

    m1.process.server.signal("SIGCONT");
    await until(() => serving(agent.address), "the agent SERVING");
    expect(watch.statuses).toEqual(["NOT_SERVING", "SERVING"]);
  });

  it("Command Control is SERVING while it runs, and a Watch hears NOT_SERVING as it stops", async () => {
    const server = await CommandControlServer.start({ hostId: "cc-1", listen: "127.0.0.1:0", rules: compileRules("rules: []\n", "rules.yaml") });
    defer(() => server.stop());
    expect(await health(server.address)).toBe("SERVING");
    expect(await health(server.address, "cairn.v1.CommandControl")).toBe("SERVING");
    const watch = watchHealth(defer, server.address);
    await until(() => watch.statuses.length === 1, "the Watch's first status");
    await server.stop();
    expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING"]);
  });
});

describe("server reflection", () => {
  const HEALTH = "grpc.health.v1.Health";

  it("lists each server's own services and the health service, in v1 and v1alpha, and describes them", async () => {
    const m1 = await managers.start("m1");
    const agent = await startAgent(defer, "agent-1", tempDir(), m1.address);
    const cc = await startCommandControl(defer, "agent-1");
    for (const version of ["v1", "v1alpha"] as const) {
      expect(await listServices(defer, m1.address, version)).toEqual(["cairn.v1.Registry", "cairn.v1.Replication", HEALTH]);
      expect(await listServices(defer, agent.address, version)).toEqual(["cairn.v1.Agent", HEALTH]);
      expect(await listServices(defer, cc.address, version)).toEqual(["cairn.v1.CommandControl", HEALTH]);
    }
    // What grpcurl asks next: the file that defines a service.
    const described = await askReflection(defer, m1.address, { file_containing_symbol: "cairn.v1.Registry" });
    expect(described.file_descriptor_response?.file_descriptor_proto.length).toBeGreaterThan(0);
  });

  it("under mTLS, a viewer may call health and reflection on a manager, an agent and Command Control", async () => {
    const ca = await TestCa.make(tempDir());
    const manager = await startSecureManager(defer, ca, "m1", tempDir());
    const agent = await startSecureAgent(defer, ca, "agent-1", tempDir(), manager.address);
    const cc = await startSecureCommandControl(defer, ca, "agent-1");
    const viewer = await ca.transport("viewer/ops");
    const servers = [
      { address: manager.address, channel: viewer.channel({ kind: "manager", name: "m1" }), services: ["cairn.v1.Registry", "cairn.v1.Replication", HEALTH] },
      { address: agent.address, channel: viewer.channel({ kind: "host", name: "agent-1" }), services: ["cairn.v1.Agent", HEALTH] },
      { address: cc.address, channel: viewer.channel({ kind: "service", type: "command-control", name: "agent-1" }), services: ["cairn.v1.CommandControl", HEALTH] },
    ];
    for (const { address, channel, services } of servers) {
      await until(async () => (await checkHealth(defer, address, "", channel)) === "SERVING", `${address} SERVING to a viewer`);
      expect(await listServices(defer, address, "v1", channel)).toEqual(services);
      expect(await listServices(defer, address, "v1alpha", channel)).toEqual(services);
    }
  });
});
