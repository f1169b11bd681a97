/**
 * The table of SPEC 11 end to end, with real processes and certificates: a
 * manager, a command-control manager and an agent, each running as its own
 * identity, called by every kind of identity. Each row: the allowed ones
 * succeed, the others get PERMISSION_DENIED naming identity and method, and
 * the registry does not move.
 */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { beforeAll, describe, expect, it } from "vitest";
import { formatFixture } from "../../src/fixture/format.js";
import type { PeerExpectation } from "../../src/security/transport.js";
import {
  agentService,
  commandControlService,
  registryService,
  replicationService,
} from "../../src/wire/proto-loader.js";
import { useDeferAll } from "../support/defer.js";
import { portOf, setPort } from "../support/fleet.js";
import { MANAGER_HOST, type TestRegistryClient } from "../support/manager.js";
import type { CairnProcess } from "../support/process.js";
import {
  rawClientAs,
  registryAs,
  startSecureAgent,
  startSecureCommandControl,
  startSecureManager,
  type Outcome,
} from "../support/secure-fleet.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirsAll } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDeferAll();
const tempDir = useTempDirsAll();
const CC = "command-control";
const AGENT = "agent-2";
const CC_IDENTITY = `service/${CC}/${MANAGER_HOST}`;
const EVERYONE = ["admin/ops", "viewer/eve", `host/${AGENT}`, "host/agent-1", `manager/${MANAGER_HOST}`, CC_IDENTITY];

let ca: TestCa;
let manager: CairnProcess;
let commandControl: CairnProcess;
let agent: CairnProcess;
let admin: TestRegistryClient;

beforeAll(async () => {
  ca = await TestCa.make(tempDir());
  manager = await startSecureManager(defer, ca, MANAGER_HOST, tempDir());
  commandControl = await startSecureCommandControl(defer, ca, MANAGER_HOST);
  admin = await registryAs(defer, ca, "admin/ops", manager.address);
  const seed = loadSeed();
  setPort(seed, MANAGER_HOST, CC, portOf(commandControl.address));
  await admin.import(formatFixture(seed, "yaml"), { format: "yaml", file_name: "seed.yaml" });
  agent = await startSecureAgent(defer, ca, AGENT, tempDir(), manager.address);
  const self = await rawClientAs(defer, ca, `host/${AGENT}`, agent.address, { kind: "host" });
  await until(async () => (await self.call(agentService.Status, {})).ok, "the agent serving");
  // Its first heartbeat is a change; after it the revision moves only when a test writes.
  await until(async () => (await admin.call("GetHost", { id: AGENT })).host?.status === "LIVENESS_UP", "the agent's host up");
}, 60_000);

const revision = async () => Number((await admin.call("GetStatus", {})).revision);

/** The identities among `callers` whose call succeeded; every other one must have been PERMISSION_DENIED for `method`. */
function allowedAmong(outcomes: Outcome<unknown>[], callers: readonly string[], method: string): string[] {
  outcomes.forEach((outcome, i) => {
    if (!outcome.ok) {
      expect([callers[i], outcome.code]).toEqual([callers[i], grpc.status.PERMISSION_DENIED]);
      expect(outcome.details).toContain(`${callers[i]} may not call ${method} (`);
    }
  });
  return callers.filter((_, i) => outcomes[i]!.ok);
}

async function everyoneCalls<Req, Res, ReplyIn, RequestOut>(
  address: string,
  peer: PeerExpectation,
  method: MethodDefinition<Req, ReplyIn, RequestOut, Res>,
  request: (caller: string) => Req,
): Promise<Outcome<Res>[]> {
  return Promise.all(EVERYONE.map(async (caller) => (await rawClientAs(defer, ca, caller, address, peer)).call(method, request(caller))));
}

/** A method of a loop over several, whose request types differ: each row's request carries the fields of all. */
const anyMethod = (method: unknown) => method as MethodDefinition<object, unknown, unknown, unknown>;

describe("the SPEC 11 table, end to end", () => {
  it("Registry mutations, Import and PromoteManager: admin/* only, and a refusal changes nothing", async () => {
    const before = await revision();
    const outcomes = await everyoneCalls(manager.address, { kind: "manager" }, registryService.CreateDomain, (caller) => ({
      path: `/by-${caller.replaceAll("/", "-")}`,
    }));
    expect(allowedAmong(outcomes, EVERYONE, "cairn.v1.Registry/CreateDomain")).toEqual(["admin/ops"]);
    expect(await revision()).toBe(before + 1);

    const denied = await (await rawClientAs(defer, ca, "viewer/eve", manager.address, { kind: "manager" })).call(registryService.PromoteManager, {
      host: MANAGER_HOST,
    });
    expect(denied).toMatchObject({ ok: false, code: grpc.status.PERMISSION_DENIED });
    const viewer = await registryAs(defer, ca, "viewer/eve", manager.address);
    const hosts = (await admin.call("ListHosts", {})).hosts.length;
    const wipe = await viewer.import("hosts: []\n", { format: "yaml", file_name: "empty.yaml", replace: true }).catch((e: grpc.ServiceError) => e);
    expect(wipe).toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: "viewer/eve may not call cairn.v1.Registry/Import (admin/* only)" });
    expect((await admin.call("ListHosts", {})).hosts.length).toBe(hosts);
    expect(await revision()).toBe(before + 1);
  });

  it("Registry reads and Replication.Watch: any identity of the CA", async () => {
    for (const method of ["GetTree", "ListHosts", "GetStatus", "Resolve"] as const) {
      const outcomes = await everyoneCalls(manager.address, { kind: "manager" }, anyMethod(registryService[method]), () => ({ from: AGENT, type: CC }));
      expect(allowedAmong(outcomes, EVERYONE, `cairn.v1.Registry/${method}`)).toEqual(EVERYONE);
    }
    const watcher = await rawClientAs(defer, ca, "viewer/eve", manager.address, { kind: "manager" });
    const watch = watcher.stream(replicationService.Watch, { host: "eve", from_revision: 0, epoch: 0 });
    await until(() => watch.messages.length > 0 || watch.failure(), "the watch's snapshot");
    expect(watch.failure()).toBeUndefined();
  });

  it("Heartbeat: only for the sender's own host; a spoofed one is refused and the host stays as it was", async () => {
    const before = await revision();
    const host = async (id: string) => (await admin.call("GetHost", { id })).host;
    const agent2 = await host(AGENT);
    const spoofer = await rawClientAs(defer, ca, "host/agent-1", manager.address, { kind: "manager" });
    const spoofed = await spoofer.call(replicationService.Heartbeat, {
      host: AGENT,
      packages: [{ type: CC, health: "PACKAGE_HEALTH_UNHEALTHY" }],
    });
    expect(spoofed).toEqual({
      ok: false,
      code: grpc.status.PERMISSION_DENIED,
      details: `host/agent-1 may not call cairn.v1.Replication/Heartbeat (host/${AGENT} or manager/${AGENT} only: it reports for another host)`,
    });
    // First contact too: nobody registers another host by heartbeating for it.
    const firstContact = await spoofer.call(replicationService.Heartbeat, { host: "agent-7", address: "10.6.6.6", domain: "/" });
    expect(firstContact).toMatchObject({ ok: false, code: grpc.status.PERMISSION_DENIED });
    expect(await admin.rejection("GetHost", { id: "agent-7" })).toMatchObject({ code: grpc.status.NOT_FOUND });
    expect(await host(AGENT)).toEqual(agent2);
    expect(await revision()).toBe(before);
    // Its own host's heartbeat goes through.
    const own = await (await rawClientAs(defer, ca, `host/${AGENT}`, manager.address, { kind: "manager" })).call(replicationService.Heartbeat, { host: AGENT });
    expect(own.ok).toBe(true);
  });

  it("Session: every message for the sender's own host only; a spoofed whole heartbeat or pulse is refused and changes nothing", async () => {
    const before = await revision();
    const session = async (identity: string, messages: object[]) => {
      const { client } = await rawClientAs(defer, ca, identity, manager.address, { kind: "manager" });
      const method = replicationService.Session;
      const call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
      const replies: unknown[] = [];
      let failure: grpc.ServiceError | undefined;
      call.on("data", (reply: unknown) => replies.push(reply));
      call.on("error", (error: grpc.ServiceError) => (failure = error));
      defer(() => call.cancel());
      for (const message of messages) call.write(message);
      return { replies, failure: () => failure };
    };
    const spoofed = await session("host/agent-1", [{ host: AGENT, domain: "/", packages: [{ type: CC, health: "PACKAGE_HEALTH_UNHEALTHY" }] }]);
    const refused = await until(() => spoofed.failure(), "the spoofed session refused");
    expect([refused.code, refused.details]).toEqual([
      grpc.status.PERMISSION_DENIED,
      `host/agent-1 may not call cairn.v1.Replication/Session (host/${AGENT} or manager/${AGENT} only: it reports for another host)`,
    ]);
    // A session begun for its own host cannot go on to pulse for another.
    const turned = await session(`host/${AGENT}`, [{ host: AGENT, domain: "/" }, { host: "agent-1", pulse: true }]);
    expect((await until(() => turned.failure(), "the turned session refused")).code).toBe(grpc.status.PERMISSION_DENIED);
    expect(turned.replies).toHaveLength(1);
    expect(await revision()).toBe(before);
    expect((await admin.call("GetHost", { id: AGENT })).host?.packages.find((p) => p.type === CC)?.health).not.toBe("PACKAGE_HEALTH_UNHEALTHY");
    const own = await session(`host/${AGENT}`, [{ host: AGENT, domain: "/" }]);
    await until(() => own.replies.length === 1 || own.failure(), "its own session answered");
    expect(own.replies[0]).toMatchObject({ recorded: true });
  });

  it("Ack, GetPosition and Announce: manager/* only", async () => {
    const before = await admin.call("GetStatus", {});
    const rows = [
      [replicationService.Ack, { host: "agent-1", epoch: Number(before.epoch), revision: 1e12 }],
      [replicationService.GetPosition, { seen_epoch: 0 }],
      [replicationService.Announce, { epoch: 99, primary_host: "agent-1", primary_address: "127.0.0.1:1" }],
    ] as const;
    const callers = EVERYONE.filter((caller) => !caller.startsWith("manager/"));
    for (const [method, request] of rows) {
      const outcomes = await Promise.all(
        callers.map(async (caller) => (await rawClientAs(defer, ca, caller, manager.address, { kind: "manager" })).call(method as never, request as never)),
      );
      expect(allowedAmong(outcomes, callers, method.path.slice(1))).toEqual([]);
    }
    const position = await (await rawClientAs(defer, ca, "manager/m9", manager.address, { kind: "manager" })).call(replicationService.GetPosition, {
      seen_epoch: 0,
    });
    expect(position.ok).toBe(true);
    const asAnother = await (await rawClientAs(defer, ca, "manager/m9", manager.address, { kind: "manager" })).call(replicationService.Ack, {
      host: "m2",
      epoch: Number(before.epoch),
      revision: 1e12,
    });
    expect(asAnother).toMatchObject({ ok: false, code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining("manager/m2 only") });
    const after = await admin.call("GetStatus", {});
    expect([after.epoch, after.role, after.primary_host, after.cluster_id, after.revision]).toEqual([
      before.epoch,
      before.role,
      before.primary_host,
      before.cluster_id,
      before.revision,
    ]);
  });

  it("Relay: a manager reports as the relay it is only; Pulses: for the sender's own host only", async () => {
    const report = { host: "m9", pulses: [{ host: AGENT, age_ms: 0, revision: 1 }] };
    const callers = EVERYONE.filter((caller) => !caller.startsWith("manager/"));
    const outcomes = await Promise.all(
      callers.map(async (caller) => (await rawClientAs(defer, ca, caller, manager.address, { kind: "manager" })).call(replicationService.Relay, report)),
    );
    expect(allowedAmong(outcomes, callers, replicationService.Relay.path.slice(1))).toEqual([]);
    const asItself = await (await rawClientAs(defer, ca, "manager/m9", manager.address, { kind: "manager" })).call(replicationService.Relay, report);
    expect(asItself.ok).toBe(true);
    const asAnother = await (await rawClientAs(defer, ca, "manager/m9", manager.address, { kind: "manager" })).call(replicationService.Relay, { ...report, host: "m2" });
    expect(asAnother).toMatchObject({ ok: false, code: grpc.status.PERMISSION_DENIED, details: expect.stringContaining("manager/m2 only") });

    const pulses = async (identity: string, host: string) => {
      const { client } = await rawClientAs(defer, ca, identity, manager.address, { kind: "manager" });
      const method = replicationService.Pulses;
      const call = client.makeBidiStreamRequest(method.path, method.requestSerialize, method.responseDeserialize);
      let failure: grpc.ServiceError | undefined;
      call.on("error", (error: grpc.ServiceError) => (failure = error));
      defer(() => call.cancel());
      call.write({ host, revision: 1 });
      return until(() => failure, `the pulses of ${identity} for ${host} ended`);
    };
    expect((await pulses("host/agent-1", AGENT)).code).toBe(grpc.status.PERMISSION_DENIED);
    // Its own host's pulse passes the table; this manager relays none, and says so.
    const own = await pulses(`host/${AGENT}`, AGENT);
    expect([own.code, own.details]).toEqual([grpc.status.FAILED_PRECONDITION, "this registry manager relays no pulses (it runs without --relay-heartbeats)"]);
  });

  it("CommandControl.Authorize: only host/ID asking as agent_host ID", async () => {
    const outcomes = await everyoneCalls(commandControl.address, { kind: "service", type: CC, name: MANAGER_HOST }, commandControlService.Authorize, () => ({
      agent_host: AGENT,
      user: "ops",
      command: "uptime",
    }));
    expect(allowedAmong(outcomes, EVERYONE, "cairn.v1.CommandControl/Authorize")).toEqual([`host/${AGENT}`]);
    const impostor = await (await rawClientAs(defer, ca, "host/agent-1", commandControl.address, { kind: "service" })).call(
      commandControlService.Authorize,
      { agent_host: AGENT, user: "ops", command: "uptime" },
    );
    expect(impostor).toMatchObject({ ok: false, details: expect.stringContaining(`host/${AGENT} only: it asks as another agent`) });
  });

  it("the Agent service: admin/*, viewer/*, and host/ID of that agent's own host", async () => {
    for (const method of ["Status", "Resolve", "Authorize"] as const) {
      const outcomes = await everyoneCalls(agent.address, { kind: "host", name: AGENT }, anyMethod(agentService[method]), () => ({
        from: AGENT,
        type: CC,
        user: "ops",
        command: "uptime",
      }));
      expect(allowedAmong(outcomes, EVERYONE, `cairn.v1.Agent/${method}`)).toEqual(["admin/ops", "viewer/eve", `host/${AGENT}`]);
    }
  });
});

describe("the takeovers of issue 12, replayed with certificates that are not a manager's", () => {
  it("a heartbeat carrying epoch 1000 does not depose the primary", async () => {
    const before = await admin.call("GetStatus", {});
    const own = await (await rawClientAs(defer, ca, `host/${AGENT}`, manager.address, { kind: "manager" })).call(replicationService.Heartbeat, {
      host: AGENT,
      epoch: 1000,
    });
    expect(own.ok).toBe(true);
    const after = await admin.call("GetStatus", {});
    expect([after.role, after.epoch]).toEqual([before.role, before.epoch]);
    expect((await admin.call("CreateDomain", { path: "/still-primary" })).revision).toBeGreaterThan(Number(before.revision));
  });

  it("a fake backup's Watch and Ack do not make a write synchronously replicated", async () => {
    const lone = await startSecureManager(defer, ca, "m-sync", tempDir(), { flags: ["--sync-backups", "1"] });
    const loneAdmin = await registryAs(defer, ca, "admin/ops", lone.address);
    const before = await loneAdmin.call("GetStatus", {});
    const fake = await rawClientAs(defer, ca, `host/${AGENT}`, lone.address, { kind: "manager" });
    const watch = fake.stream(replicationService.Watch, { host: AGENT, from_revision: 0, epoch: 0, is_backup: true });
    await until(() => watch.messages.length > 0 || watch.failure(), "the fake backup's watch");
    const ack = await fake.call(replicationService.Ack, { host: AGENT, epoch: Number(before.epoch), revision: 1e12 });
    expect(ack).toMatchObject({ ok: false, code: grpc.status.PERMISSION_DENIED });
    expect((await loneAdmin.call("GetStatus", {})).backups).toEqual([]);
    const write = await loneAdmin.rejection("CreateDomain", { path: "/unreplicated" });
    expect(write.code).toBe(grpc.status.UNAVAILABLE);
    expect((await loneAdmin.call("GetStatus", {})).revision).toBe(before.revision);
  });

  it("the running manager's own host and registry package cannot be rewritten through the admin API", async () => {
    const before = await revision();
    const deploy = await admin.rejection("DeployPackage", { host: MANAGER_HOST, type: "registry", port: 1 });
    expect(deploy.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(deploy.details).toContain(MANAGER_HOST);
    const remove = await admin.rejection("RemoveHost", { id: MANAGER_HOST });
    expect(remove.code).toBe(grpc.status.FAILED_PRECONDITION);
    expect(await revision()).toBe(before);
  });
});
