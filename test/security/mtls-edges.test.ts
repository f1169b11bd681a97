/**
 * The edges of mTLS a user meets, with real processes and certificates:
 * certificates the servers refuse (one CLI line each), a rogue listener on a
 * manager's port, rotation without a restart, and insecure mode.
 */
import * as grpc from "@grpc/grpc-js";
import { connect as tlsConnect } from "node:tls";
import { copyFileSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatFixture } from "../../src/fixture/format.js";
import { tlsTransport } from "../../src/security/transport.js";
import {
  agentService,
  commandControlService,
  registryService,
  replicationService,
} from "../../src/wire/proto-loader.js";
import { callUnary } from "../../src/client/methods.js";
import { runCli } from "../support/cli.js";
import { useDefer } from "../support/defer.js";
import { dropPackage, portOf, setPort } from "../support/fleet.js";
import { MANAGER_HOST } from "../support/manager.js";
import { startCairn } from "../support/process.js";
import {
  rawClientAs,
  registryAs,
  startSecureAgent,
  startSecureCommandControl,
  startSecureManager,
} from "../support/secure-fleet.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const CC = "command-control";
const DAY_MS = 24 * 3600 * 1000;

/** The one line a failed CLI command writes: exit 1, nothing on stdout, no warning of Node's beside it. */
function oneErrorLine(result: { code: number; stdout: string; stderr: string }): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe("");
  const lines = result.stderr.trimEnd().split("\n");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

/** The serial number of the certificate a TLS server presents to a new connection. */
async function presentedSerial(address: string, files: { ca: string; cert: string; key: string }): Promise<string> {
  const port = portOf(address);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: "127.0.0.1", port, servername: "cairn", ALPNProtocols: ["h2"], ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key), checkServerIdentity: () => undefined },
      () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.destroy();
      },
    );
    socket.on("error", reject);
  });
}

describe("mTLS at the edges", () => {
  it("refuses a client without a certificate, with another CA's, or with an expired one: one clear line each", async () => {
    const ca = await TestCa.make(tempDir());
    const manager = await startSecureManager(defer, ca, MANAGER_HOST, tempDir());
    const status = (env: Record<string, string>, ...flags: string[]) => runCli(["status", "--manager", manager.address, ...flags], env);

    expect(oneErrorLine(await status({}))).toMatch(/^error: no registry manager answers at .*; if it serves mTLS, give --ca, --cert and --key$/);

    const other = await TestCa.make(tempDir());
    const stranger = await other.files("admin/ops");
    const strangerEnv = { CAIRN_CA: stranger.ca, CAIRN_CERT: stranger.cert, CAIRN_KEY: stranger.key };
    expect(oneErrorLine(await status(strangerEnv))).toContain("the server's certificate is not issued by the CA given with --ca");
    expect(oneErrorLine(await status({}, "--ca", ca.caFile, "--cert", stranger.cert, "--key", stranger.key))).toBe(
      `error: --cert ${stranger.cert} is not issued by the CA in ${ca.caFile}`,
    );

    const expired = await ca.files("admin/old", { days: 1, now: new Date(Date.now() - 3 * DAY_MS) });
    expect(oneErrorLine(await status({}, "--ca", expired.ca, "--cert", expired.cert, "--key", expired.key))).toMatch(
      new RegExp(`^error: --cert ${expired.cert} expired on \\d{4}-`),
    );
    expect(oneErrorLine(await status({ CAIRN_CA: expired.ca, CAIRN_CERT: expired.cert, CAIRN_KEY: expired.key }))).toMatch(
      new RegExp(`^error: \\$CAIRN_CERT ${expired.cert} expired on `),
    );
    expect(oneErrorLine(await status({ CAIRN_CA: expired.ca, CAIRN_CERT: expired.cert }))).toBe(
      "error: mTLS needs $CAIRN_CA, $CAIRN_CERT and --key (or $CAIRN_KEY) together; --key (or $CAIRN_KEY) is missing",
    );
    // And the server itself refuses it to a client that does not check its own files first.
    const unchecked = tlsTransport({ files: expired, identity: { kind: "admin", name: "old", text: "admin/old" }, validTo: new Date() });
    const { credentials, options } = unchecked.channel({ kind: "manager" });
    const client = new grpc.Client(manager.address, credentials, options);
    defer(() => client.close());
    const refused = await callUnary(client, registryService.GetStatus, {}, { deadline: Date.now() + 5_000 }).catch((e: grpc.ServiceError) => e);
    expect(refused).toMatchObject({ code: grpc.status.UNAVAILABLE });

    const ok = await status({ CAIRN_CA: ca.caFile, ...(await ca.files("viewer/eve").then((f) => ({ CAIRN_CERT: f.cert, CAIRN_KEY: f.key }))) });
    expect([ok.code, ok.stderr]).toEqual([0, ""]);
    expect(ok.stdout).toMatch(/^role\s+primary/);
    expect(manager.stderr()).not.toContain("DEP0123");
  });

  it("a rogue listener on a command-control port, with another identity's certificate, never gets a call", async () => {
    const ca = await TestCa.make(tempDir());
    const manager = await startSecureManager(defer, ca, MANAGER_HOST, tempDir());
    // agent-1's command-control port is held by a process of the CA, but for agent-3: agent-2 must go on to framework-manager's.
    const [rogue, genuine] = await Promise.all([startSecureCommandControl(defer, ca, "agent-3"), startSecureCommandControl(defer, ca, MANAGER_HOST)]);
    const seed = loadSeed();
    setPort(seed, "agent-1", CC, portOf(rogue.address));
    setPort(seed, MANAGER_HOST, CC, portOf(genuine.address));
    dropPackage(seed, "agent-3", CC);
    await (await registryAs(defer, ca, "admin/ops", manager.address)).import(formatFixture(seed, "yaml"), { format: "yaml", file_name: "seed.yaml" });
    const agent = await startSecureAgent(defer, ca, "agent-2", tempDir(), manager.address);
    const caller = await rawClientAs(defer, ca, "admin/ops", agent.address, { kind: "host", name: "agent-2" });

    const served: string[] = [];
    for (let i = 0; i < 20; i++) {
      const reply = await until(async () => {
        const outcome = await caller.call(agentService.Authorize, { user: "ops", command: "uptime" });
        return outcome.ok ? outcome.reply : undefined;
      }, "an answer");
      if (i === 0) expect(reply.tried[0]).toBe("agent-1");
      served.push(reply.served_by);
    }
    expect(new Set(served)).toEqual(new Set([MANAGER_HOST]));
    await until(() => agent.stderr().includes(`the server presents service/${CC}/agent-3, not service/${CC}/agent-1`), "why agent-1 was passed over");
  });

  it("managers among themselves: a backup follows and acknowledges, a promotion is forwarded, all as manager/*", async () => {
    const ca = await TestCa.make(tempDir());
    const primary = await startSecureManager(defer, ca, "m1", tempDir(), { flags: ["--sync-backups", "1"] });
    const backup = await startSecureManager(defer, ca, "m2", tempDir(), { join: primary.address, flags: ["--sync-backups", "1"] });
    const admin = await registryAs(defer, ca, "admin/ops", primary.address);
    await until(async () => (await admin.call("GetStatus", {})).backups.some((b) => b.host === "m2" && b.connected), "m2 following");
    const write = await admin.call("CreateDomain", { path: "/acknowledged-by-m2" });
    expect(Number(write.revision)).toBeGreaterThan(0);
    const tls = await ca.flags("admin/ops");
    const promoted = await runCli(["promote-manager", "m2", "--manager", primary.address, "--force", "--json", ...tls]);
    expect([promoted.code, promoted.stderr]).toEqual([0, ""]);
    const onBackup = await registryAs(defer, ca, "viewer/eve", backup.address);
    await until(async () => (await onBackup.call("GetStatus", {})).role === "MANAGER_ROLE_PRIMARY", "m2 primary");
    expect((await onBackup.call("ListDomains", {})).domains.map((d) => d.path)).toContain("/acknowledged-by-m2");
  });

  it("a watch that claims to be a backup, as another identity, is fed committed changes only", async () => {
    const ca = await TestCa.make(tempDir());
    const primary = await startSecureManager(defer, ca, "m1", tempDir(), { flags: ["--sync-backups", "1"] });
    const backup = await startSecureManager(defer, ca, "m2", tempDir(), { join: primary.address, flags: ["--sync-backups", "1"] });
    const admin = await registryAs(defer, ca, "admin/ops", primary.address);
    await until(async () => (await admin.call("GetStatus", {})).backups.some((b) => b.host === "m2" && b.connected), "m2 following");
    const status = await admin.call("GetStatus", {});
    // Fed as a backup, these would see a change the moment it is durable on m1, before m2 holds it.
    const claims = await Promise.all(
      [`host/agent-2`, "manager/m3"].map(async (identity) =>
        (await rawClientAs(defer, ca, identity, primary.address, { kind: "manager" })).stream(replicationService.Watch, {
          host: "m2",
          from_revision: Number(status.revision),
          epoch: Number(status.epoch),
          cluster_id: status.cluster_id,
          is_backup: true,
        }),
      ),
    );
    backup.server.signal("SIGSTOP");
    defer(() => backup.server.signal("SIGCONT"));
    const write = await admin.rejection("CreateDomain", { path: "/uncommitted" });
    expect(write.code).toBe(grpc.status.UNAVAILABLE);
    const changes = (messages: { change?: unknown }[]) => messages.filter((m) => m.change).length;
    expect(claims.map((claim) => [claim.failure(), changes(claim.messages)])).toEqual([
      [undefined, 0],
      [undefined, 0],
    ]);
    backup.server.signal("SIGCONT");
    // Committed once m2 holds it (with m2's own liveness changes of meanwhile): then readers have it.
    await until(() => claims.every((claim) => changes(claim.messages) >= 1), "the change once committed", 20_000);
  });

  it("a replica follows only a manager/* certificate", async () => {
    const ca = await TestCa.make(tempDir());
    const notAManager = await startSecureCommandControl(defer, ca, "agent-1");
    const agent = await startSecureAgent(defer, ca, "agent-2", tempDir(), notAManager.address);
    await until(() => agent.stderr().includes(`the server presents service/${CC}/agent-1, not manager/*`), "the agent refusing it");
    const self = await rawClientAs(defer, ca, "host/agent-2", agent.address, { kind: "host" });
    const status = await self.call(agentService.Status, {});
    expect(status).toMatchObject({ ok: true, reply: { connected: false, revision: 0 } });
  });

  it("replaced certificate files are used for new connections without a restart; old connections keep working", async () => {
    const ca = await TestCa.make(tempDir());
    const server = await startSecureCommandControl(defer, ca, "agent-1");
    const identity = `service/${CC}/agent-1`;
    const probe = await ca.files("admin/ops");
    const first = await presentedSerial(server.address, probe);
    const agent = await rawClientAs(defer, ca, "host/agent-1", server.address, { kind: "service", type: CC, name: "agent-1" });
    const ask = () => agent.call(commandControlService.Authorize, { agent_host: "agent-1", user: "ops", command: "uptime" });
    expect((await ask()).ok).toBe(true);

    await ca.files(identity, { fresh: true });
    await until(async () => (await presentedSerial(server.address, probe)) !== first, "the new certificate on a new connection", 10_000);
    expect(await ask()).toMatchObject({ ok: true, reply: { served_by: "agent-1" } });
    const fresh = await rawClientAs(defer, ca, "host/agent-1", server.address, { kind: "service", type: CC, name: "agent-1" });
    expect((await fresh.call(commandControlService.Authorize, { agent_host: "agent-1", user: "ops", command: "uptime" })).ok).toBe(true);
    await until(() => server.stderr().includes("certificate files replaced: new connections use them"), "the rotation in the log");

    // Files of another identity in their place: said in the log, not served in silence.
    const own = await ca.files(identity);
    const other = await ca.files("host/agent-9");
    copyFileSync(other.key, own.key);
    copyFileSync(other.cert, own.cert);
    await until(() => server.stderr().includes("the replaced certificate files are not usable"), "the bad rotation in the log");
    expect(server.stderr()).toContain(`is for host/agent-9, but this process runs as ${identity}`);
  });

  it("insecure: said in the log, loopback only unless --insecure", async () => {
    const refused = await runCli(["manager", "start", "--host", "m1", "--data", tempDir(), "--listen", "0.0.0.0:0", "--bootstrap"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trimEnd().split("\n")).toEqual([
      "error: --listen 0.0.0.0:0 is not a loopback address: give --ca, --cert and --key to serve it with mTLS, or --insecure to serve it without",
    ]);
    const open = await startCairn(defer, ["command-control", "start", "--host", "agent-1", "--listen", "0.0.0.0:0", "--insecure"]);
    await until(() => open.stderr().includes("insecure: no --ca, --cert and --key, so every caller may make every call"), "the warning");
  });
});
