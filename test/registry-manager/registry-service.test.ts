import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock.js";
import { Code } from "../../src/errors.js";
import type { SnapshotChunk__Output } from "../../src/generated/cairn/v1/SnapshotChunk.js";
import { silentLogger } from "../../src/logger.js";
import { formatFixture } from "../../src/fixture/format.js";
import { REGISTRY_TYPE, emptyRegistry, newHost, newPackage, type Registry } from "../../src/registry/model.js";
import { BackupTracker } from "../../src/registry-manager/backups.js";
import type { ManagerControl } from "../../src/registry-manager/manager-control.js";
import { registryHandlers } from "../../src/registry-manager/registry-service.js";
import { SNAPSHOT_CHUNK_HOSTS } from "../../src/wire/snapshot.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { domainFromWire, hostFromWire, typeFromWire } from "../../src/wire/convert.js";
import { registryService } from "../../src/wire/proto-loader.js";
import { fromServiceError } from "../../src/wire/status.js";
import { useDefer } from "../support/defer.js";
import { MANAGER_HOST, TestRegistryClient, connect, startManager } from "../support/manager.js";
import { SEED_FILE, loadSeed } from "../support/seed.js";

const defer = useDefer();
const SEED_TEXT = readFileSync(SEED_FILE, "utf8");
const BAD_FIXTURE = new URL("../fixtures-bad/several-problems.yaml", import.meta.url);

async function freshManager(): Promise<{ client: TestRegistryClient; address: string; port: number }> {
  const manager = await startManager(defer);
  return { client: connect(defer, manager.address), address: manager.address, port: Number(manager.address.split(":").pop()) };
}

/** The registry a snapshot's chunks hold. */
function registryOf(chunks: readonly SnapshotChunk__Output[]): Registry {
  const registry = emptyRegistry();
  for (const chunk of chunks) {
    for (const d of chunk.domains) registry.domains.set(d.path, domainFromWire(d));
    for (const t of chunk.types) registry.types.set(t.name, typeFromWire(t));
    for (const h of chunk.hosts) registry.hosts.set(h.id, hostFromWire(h));
  }
  return registry;
}

async function position(client: TestRegistryClient): Promise<{ revision: number; digest: string }> {
  const status = await client.call("GetStatus", {});
  return { revision: status.revision, digest: status.digest.toString("hex") };
}

/** The seed as the manager holds it after importing it: its own registry package is the running one. */
function seedAsImported(port: number): Registry {
  const seed = loadSeed();
  const manager = seed.hosts.get(MANAGER_HOST)!;
  seed.hosts.set(MANAGER_HOST, {
    ...manager,
    status: "up",
    packages: manager.packages.map((p) => (p.type === REGISTRY_TYPE ? { ...p, port, role: "primary" as const } : p)),
  });
  return seed;
}

describe("cairn.v1.Registry admin writes", () => {
  it("applies every admin operation, one revision each, and the tree shows the result", async () => {
    const { client } = await freshManager();
    const start = (await position(client)).revision;
    const steps: [string, () => Promise<{ revision: number; changed: boolean }>][] = [
      ["create /emea", () => client.call("CreateDomain", { path: "/emea" })],
      ["create /emea/paris", () => client.call("CreateDomain", { path: "/emea/paris" })],
      ["create /apac", () => client.call("CreateDomain", { path: "/apac" })],
      ["create /apac/tokyo", () => client.call("CreateDomain", { path: "/apac/tokyo" })],
      [
        "register agent-1",
        () =>
          client.call("RegisterHost", {
            id: "agent-1",
            domain: "/emea/paris",
            address: "10.0.0.1",
            labels: { rack: "r1" },
            packages: [{ type: "command-control", port: 7611 }],
          }),
      ],
      ["register agent-2", () => client.call("RegisterHost", { id: "agent-2", domain: "/apac" })],
      ["move agent-2", () => client.call("MoveHost", { id: "agent-2", domain: "/apac/tokyo" })],
      ["maintenance on", () => client.call("SetMaintenance", { id: "agent-2", maintenance: true })],
      ["labels", () => client.call("SetLabels", { id: "agent-1", set: { zone: "a" }, remove: ["rack"] })],
      ["deploy", () => client.call("DeployPackage", { host: "agent-2", type: "command-control", port: 7621, priority: 5 })],
      ["withdraw", () => client.call("WithdrawPackage", { host: "agent-2", type: "command-control" })],
      ["restore", () => client.call("RestorePackage", { host: "agent-2", type: "command-control" })],
      ["deploy dns", () => client.call("DeployPackage", { host: "agent-1", type: "dns", port: 53 })],
      ["remove dns", () => client.call("RemovePackage", { host: "agent-1", type: "dns" })],
      ["policy", () => client.call("SetTypePolicy", { type: "command-control", policy: "POLICY_SPREAD" })],
      ["move /emea under /apac", () => client.call("MoveDomain", { path: "/emea", new_parent: "/apac" })],
      ["register agent-3", () => client.call("RegisterHost", { id: "agent-3", domain: "/" })],
      ["remove agent-3", () => client.call("RemoveHost", { id: "agent-3" })],
      ["create /tmp/a", () => client.call("CreateDomain", { path: "/tmp/a" })],
      ["register agent-4 in /tmp/a", () => client.call("RegisterHost", { id: "agent-4", domain: "/tmp/a" })],
      ["delete /tmp recursively", () => client.call("DeleteDomain", { path: "/tmp", recursive: true })],
    ];
    for (const [i, [what, step]] of steps.entries()) {
      const reply = await step();
      expect({ what, ...reply }).toEqual({ what, revision: start + i + 1, epoch: 1, changed: true });
    }

    const tree = await client.call("GetTree", {});
    expect(tree.revision).toBe(start + steps.length);
    expect(tree.domains.map((d) => d.path)).toEqual(["/", "/apac", "/apac/emea", "/apac/emea/paris", "/apac/tokyo"]);
    expect(tree.types).toEqual([{ name: "command-control", policy: "POLICY_SPREAD" }]);
    const hosts = new Map(tree.hosts.map((h) => [h.id, hostFromWire(h)]));
    expect([...hosts.keys()]).toEqual(["agent-1", "agent-2", MANAGER_HOST]);
    expect(hosts.get("agent-1")).toEqual(
      newHost("agent-1", "/apac/emea/paris", {
        address: "10.0.0.1",
        labels: { zone: "a" },
        packages: [newPackage("command-control", 7611)],
      }),
    );
    expect(hosts.get("agent-2")).toEqual(
      newHost("agent-2", "/apac/tokyo", { maintenance: true, packages: [newPackage("command-control", 7621, { priority: 5 })] }),
    );
    expect(tree.digest.toString("hex")).toBe((await position(client)).digest);
  });

  it("answers a mutation that changes nothing with changed=false and the same revision", async () => {
    const { client } = await freshManager();
    await client.call("RegisterHost", { id: "agent-1", domain: "/" });
    const before = await position(client);
    const noOps = [
      () => client.call("SetMaintenance", { id: "agent-1", maintenance: false }),
      () => client.call("MoveHost", { id: "agent-1", domain: "/" }),
      () => client.call("SetLabels", { id: "agent-1", set: {}, remove: ["absent"] }),
      () => client.call("SetMaintenance", { id: "agent-1", maintenance: false, expected_revision: before.revision }),
    ];
    for (const noOp of noOps) {
      expect(await noOp()).toEqual({ revision: before.revision, epoch: 1, changed: false });
    }
    expect(await position(client)).toEqual(before);
    // A matching expected_revision lets the write through.
    const reply = await client.call("SetMaintenance", { id: "agent-1", maintenance: true, expected_revision: before.revision });
    expect(reply).toEqual({ revision: before.revision + 1, epoch: 1, changed: true });
  });

  it("rejects bad requests with the right code, and writes nothing", async () => {
    const { client } = await freshManager();
    await client.call("CreateDomain", { path: "/emea/paris" });
    await client.call("RegisterHost", { id: "agent-1", domain: "/emea", packages: [{ type: "command-control", port: 7611 }] });
    const hugeLabels = Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`k${i}`, "x".repeat(1024 * 1024)]));

    const cases: [string, Code, () => Promise<grpc.ServiceError>, RegExp?][] = [
      ["a bad domain name", Code.INVALID_ARGUMENT, () => client.rejection("CreateDomain", { path: "/Paris" }), /must match/],
      ["a relative domain path", Code.INVALID_ARGUMENT, () => client.rejection("CreateDomain", { path: "emea" })],
      ["a bad host id", Code.INVALID_ARGUMENT, () => client.rejection("RegisterHost", { id: "Agent_1", domain: "/" }), /host id "Agent_1"/],
      ["a bad label", Code.INVALID_ARGUMENT, () => client.rejection("RegisterHost", { id: "agent-2", domain: "/", labels: { "=": "x" } })],
      ["port 0", Code.INVALID_ARGUMENT, () => client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 0 }), /port 0/],
      ["port 70000", Code.INVALID_ARGUMENT, () => client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 70000 })],
      ["a role on a non-registry package", Code.INVALID_ARGUMENT, () =>
        client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 53, role: "MANAGER_ROLE_PRIMARY" })],
      ["a policy left unspecified", Code.INVALID_ARGUMENT, () =>
        client.rejection("SetTypePolicy", { type: "command-control", policy: "POLICY_UNSPECIFIED" }), /policy is required/],
      ["a min_healthy above 1", Code.INVALID_ARGUMENT, () =>
        client.rejection("SetTypePolicy", { type: "command-control", min_healthy: 1.5 }), /min_healthy 1\.5 must be a number from 0 to 1/],
      ["a check with a zero interval", Code.INVALID_ARGUMENT, () =>
        client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 53, check: { kind: "CHECK_KIND_GRPC", timeout_ms: 100, rise: 1, fall: 1 } }),
        /package "dns": check interval 0ms/],
      ["an exec check without a command", Code.INVALID_ARGUMENT, () =>
        client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 53, check: { kind: "CHECK_KIND_EXEC", interval_ms: 100, timeout_ms: 100, rise: 1, fall: 1 } }),
        /an exec check needs a command/],
      ["an unknown check kind", Code.INVALID_ARGUMENT, () =>
        client.rejection("DeployPackage", { host: "agent-1", type: "dns", port: 53, check: { kind: 9 as never, interval_ms: 100, timeout_ms: 100, rise: 1, fall: 1 } }),
        /check kind: unknown value 9/],
      ["a move under itself", Code.INVALID_ARGUMENT, () => client.rejection("MoveDomain", { path: "/emea", new_parent: "/emea" })],
      ["a move under a descendant (cycle)", Code.INVALID_ARGUMENT, () =>
        client.rejection("MoveDomain", { path: "/emea", new_parent: "/emea/paris" }), /inside it/],
      ["deleting the root", Code.INVALID_ARGUMENT, () => client.rejection("DeleteDomain", { path: "/", recursive: true })],
      ["an existing domain", Code.ALREADY_EXISTS, () => client.rejection("CreateDomain", { path: "/emea" })],
      ["an existing host", Code.ALREADY_EXISTS, () => client.rejection("RegisterHost", { id: "agent-1", domain: "/" }), /already exists/],
      ["a missing host", Code.NOT_FOUND, () => client.rejection("RemoveHost", { id: "agent-9" }), /host "agent-9" not found/],
      ["a missing domain", Code.NOT_FOUND, () => client.rejection("MoveHost", { id: "agent-1", domain: "/apac" })],
      ["a missing new parent", Code.NOT_FOUND, () => client.rejection("MoveDomain", { path: "/emea", new_parent: "/apac" })],
      ["a missing package", Code.NOT_FOUND, () => client.rejection("WithdrawPackage", { host: "agent-1", type: "dns" })],
      ["a missing host to show", Code.NOT_FOUND, () => client.rejection("GetHost", { id: "agent-9" })],
      ["a route from a missing host", Code.NOT_FOUND, () => client.rejection("Resolve", { from: "agent-9", type: "command-control" })],
      ["a non-empty delete", Code.FAILED_PRECONDITION, () => client.rejection("DeleteDomain", { path: "/emea" }), /--recursive/],
      ["a stale expected_revision", Code.ABORTED, () =>
        client.rejection("CreateDomain", { path: "/apac", expected_revision: 1 }), /not 1/],
      ["an oversized request", Code.RESOURCE_EXHAUSTED, () =>
        client.rejection("RegisterHost", { id: "agent-3", domain: "/", labels: hugeLabels })],
      ["promoting a host that runs no manager", Code.NOT_FOUND, () => client.rejection("PromoteManager", { host: "x" }), /runs no registry manager/],
      ["promoting the primary", Code.FAILED_PRECONDITION, () => client.rejection("PromoteManager", { host: MANAGER_HOST }), /already the primary/],
    ];
    for (const [what, code, reject, message] of cases) {
      const before = await position(client);
      const error = await reject();
      expect({ what, code: error.code }).toEqual({ what, code });
      if (message) expect(error.details, what).toMatch(message);
      expect({ what, ...(await position(client)) }).toEqual({ what, ...before });
    }
  });

  it("lists domains and hosts, gets a host, and resolves a route with its explanation", async () => {
    const { client, port } = await freshManager();
    await client.import(SEED_TEXT, { file_name: "seed.yaml" });
    await client.call("SetMaintenance", { id: "agent-3", maintenance: true });
    const at = await position(client);

    const domains = await client.call("ListDomains", {});
    expect(domains).toMatchObject({ revision: at.revision, epoch: 1 });
    expect(domains.domains).toEqual([
      { path: "/", host_count: 1, subdomain_count: 1 },
      { path: "/subdomain-1", host_count: 2, subdomain_count: 1 },
      { path: "/subdomain-1/subdomain-1a", host_count: 2, subdomain_count: 0 },
    ]);

    const all = await client.call("ListHosts", {});
    expect(all.hosts.map((h) => h.id)).toEqual(["agent-1", "agent-2", "agent-3", "agent-4", MANAGER_HOST]);
    const direct = await client.call("ListHosts", { domain: "/subdomain-1" });
    expect(direct.hosts.map((h) => h.id)).toEqual(["agent-1", "agent-2"]);
    const below = await client.call("ListHosts", { domain: "/subdomain-1", recursive: true });
    expect(below.hosts.map((h) => h.id)).toEqual(["agent-1", "agent-2", "agent-3", "agent-4"]);
    expect((await client.rejection("ListHosts", { domain: "/nowhere" })).code).toBe(Code.NOT_FOUND);

    const host = await client.call("GetHost", { id: MANAGER_HOST });
    expect(host.revision).toBe(at.revision);
    expect(hostFromWire(host.host!).packages).toEqual([
      newPackage("command-control", 7601),
      newPackage(REGISTRY_TYPE, port, { role: "primary" }),
    ]);

    const subtree = await client.call("GetTree", { root: "/subdomain-1/subdomain-1a" });
    expect(subtree.domains.map((d) => d.path)).toEqual(["/subdomain-1/subdomain-1a"]);
    expect(subtree.hosts.map((h) => h.id)).toEqual(["agent-3", "agent-4"]);

    const route = await client.call("Resolve", { from: "agent-4", type: "command-control", explain: true });
    expect(route).toMatchObject({ from: "agent-4", type: "command-control", revision: at.revision, epoch: 1, explained: true });
    expect(route.candidates.map((c) => [c.host, c.tier, c.endpoint])).toEqual([
      ["agent-1", "ancestor", "127.0.0.1:7611"],
      [MANAGER_HOST, "ancestor", "127.0.0.1:7601"],
    ]);
    expect(route.skipped.map((s) => [s.host, s.reason])).toEqual([["agent-3", "host in maintenance"]]);
  });

  it("reports its status", async () => {
    const { client, address } = await freshManager();
    const status = await client.call("GetStatus", {});
    expect(status).toMatchObject({
      host: MANAGER_HOST,
      address,
      role: "MANAGER_ROLE_PRIMARY",
      epoch: 1,
      primary_host: MANAGER_HOST,
      primary_address: address,
      backups: [],
      sync_backups: 0,
      // package.json's, for `cairn version --manager`.
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
    });
    expect(status.revision).toBeGreaterThan(0);
    expect(status.digest).toHaveLength(32);
    expect(status.cluster_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(status.uptime_ms).toBeGreaterThanOrEqual(0);
  });
});

describe("cairn.v1.Registry import and export", () => {
  it("imports the seed, and exports the same registry", async () => {
    const { client, port } = await freshManager();
    const before = await position(client);
    const reply = await client.import(SEED_TEXT, { file_name: "table-10-1.yaml" }, 100);
    expect(reply).toEqual({ revision: before.revision + 1, epoch: 1, changed: true });

    const chunks = await client.export();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toMatchObject({ index: 0, last: true, revision: reply.revision, epoch: 1 });
    expect(chunks[0]!.digest.toString("hex")).toBe((await position(client)).digest);
    expect(registryOf(chunks)).toEqual(seedAsImported(port));
  });

  it("exports a large registry in several chunks that import back whole", async () => {
    const { client } = await freshManager();
    const registry = emptyRegistry();
    const hosts = SNAPSHOT_CHUNK_HOSTS * 2 + 500;
    for (let d = 0; d < 10; d++) registry.domains.set(`/d${d}`, { path: `/d${d}` });
    for (let i = 0; i < hosts; i++) {
      const id = `host-${String(i).padStart(5, "0")}`;
      registry.hosts.set(id, newHost(id, `/d${i % 10}`, { packages: [newPackage("command-control", 1000 + (i % 50000))] }));
    }
    await client.import(formatFixture(registry, "json"), { file_name: "big.json", format: "json" });
    const chunks = await client.export();
    expect(chunks.map((c) => [c.index, c.last])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
    const exported = registryOf(chunks);
    expect(exported.hosts.size).toBe(hosts + 1);
    exported.hosts.delete(MANAGER_HOST);
    expect(exported).toEqual(registry);
  });

  it("exports, and a second empty manager importing the export has the same digest", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-manager-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const first = await startManager(defer);
    const client = new TestRegistryClient(first.address);
    await client.import(SEED_TEXT, { file_name: "seed.yaml" });
    await client.call("SetLabels", { id: "agent-2", set: { rack: "r2" } });
    await client.call("SetTypePolicy", { type: "dns", policy: "POLICY_SPREAD" });
    // Checks and min_healthy travel through the export too, and count in the digest.
    await client.call("SetTypePolicy", { type: "command-control", min_healthy: 0.5 });
    const check = { kind: "CHECK_KIND_HTTP" as const, interval_ms: 250, timeout_ms: 100, rise: 1, fall: 4, path: "/ready" };
    await client.call("DeployPackage", { host: "agent-1", type: "command-control", port: 7611, check });
    const exported = registryOf(await client.export());
    expect(exported.types.get("command-control")).toStrictEqual({ name: "command-control", policy: "ordered", minHealthy: 0.5 });
    expect(exported.hosts.get("agent-1")?.packages[0]?.check).toStrictEqual({ kind: "http", intervalMs: 250, timeoutMs: 100, rise: 1, fall: 4, path: "/ready" });
    const digest = (await position(client)).digest;
    client.close();
    await first.stop();

    // The same manager host on the same address: its registry package is then the same one.
    const second = await startManager(defer, { dataDir: dir, listen: first.address });
    const other = connect(defer, second.address);
    expect((await position(other)).digest).not.toBe(digest);
    await other.import(formatFixture(exported, "yaml"), { file_name: "export.yaml" });
    expect((await position(other)).digest).toBe(digest);
  });

  it("refuses a bad fixture with one detail line per problem, and imports nothing", async () => {
    const { client } = await freshManager();
    const before = await position(client);
    const error = await client.import(readFileSync(BAD_FIXTURE), { file_name: "bad.yaml" }).then(
      () => expect.fail("the import succeeded"),
      (e: grpc.ServiceError) => e,
    );
    expect(error.code).toBe(Code.INVALID_ARGUMENT);
    const details = fromServiceError(error).details;
    expect(details).toHaveLength(5);
    for (const line of details) expect(line).toMatch(/^bad\.yaml:\d+:\d+: /);
    expect(details.map((line) => line.split(":")[1])).toEqual(["3", "7", "9", "10", "12"]);
    expect(error.details).toMatch(/^bad\.yaml:3:\d+: .*\(and 4 more problems\)$/);
    expect(await position(client)).toEqual(before);
  });

  it("refuses an import into a non-empty registry without replace; with replace the managers' own host survives", async () => {
    const { client, port } = await freshManager();
    await client.call("RegisterHost", { id: "agent-9", domain: "/" });
    const before = await position(client);
    const refused = await client.import(SEED_TEXT, { file_name: "seed.yaml" }).then(
      () => expect.fail("the import succeeded"),
      (e: grpc.ServiceError) => e,
    );
    expect(refused.code).toBe(Code.FAILED_PRECONDITION);
    expect(refused.details).toMatch(/agent-9.*--replace/);
    expect(await position(client)).toEqual(before);

    // A file that lacks the manager's host entirely: the host and its registry package stay.
    const noManager = "root:\n  subdomains:\n    x:\n      hosts: [{ id: agent-1 }]\n";
    const reply = await client.import(noManager, { file_name: "x.yaml", replace: true });
    expect(reply).toEqual({ revision: before.revision + 1, epoch: 1, changed: true });
    const tree = registryOf(await client.export());
    expect([...tree.hosts.keys()].sort()).toEqual(["agent-1", MANAGER_HOST]);
    expect(tree.hosts.get(MANAGER_HOST)!.packages).toEqual([newPackage(REGISTRY_TYPE, port, { role: "primary" })]);

    // A file that places it elsewhere, with another port: it moves, and keeps the running port.
    const moved = "root:\n  subdomains:\n    ops:\n      hosts:\n        - id: framework-manager\n          packages: [{ type: registry, port: 1 }]\n";
    await client.import(moved, { file_name: "moved.yaml", replace: true });
    const after = registryOf(await client.export());
    expect(after.hosts.get(MANAGER_HOST)).toMatchObject({ domain: "/ops", packages: [newPackage(REGISTRY_TYPE, port, { role: "primary" })] });
    expect([...after.hosts.keys()]).toEqual([MANAGER_HOST]);
  });

  it("refuses a stale expected_revision on import", async () => {
    const { client } = await freshManager();
    const before = await position(client);
    const error = await client.import(SEED_TEXT, { file_name: "seed.yaml", expected_revision: before.revision + 5 }).then(
      () => expect.fail("the import succeeded"),
      (e: grpc.ServiceError) => e,
    );
    expect(error.code).toBe(Code.ABORTED);
    expect(await position(client)).toEqual(before);
  });

  it("refuses an import larger than its bound with RESOURCE_EXHAUSTED", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-store-"));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const store = await RegistryStore.open(dir);
    defer(() => store.close());
    await store.initialize("test-cluster", 1);
    const server = new grpc.Server();
    defer(() => server.forceShutdown());
    // Only the import path runs here: a manager that is primary and nothing more.
    const manager: ManagerControl = {
      hostId: MANAGER_HOST,
      address: "127.0.0.1:0",
      role: () => "primary",
      primary: () => ({ host: MANAGER_HOST, address: "127.0.0.1:0" }),
      liveness: () => undefined,
      agents: () => [],
      backups: new BackupTracker(0),
      learnedEpoch: () => {},
      refusal: () => undefined,
      believes: () => true,
      sawRevision: () => {},
      promote: () => Promise.reject(new Error("not in this test")),
      coordination: () => undefined,
    };
    server.addService(registryService, registryHandlers({ store, clock: systemClock, logger: silentLogger, manager, maxImportBytes: 1024 }));
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    const client = connect(defer, `127.0.0.1:${port}`);
    const error = await client.import(SEED_TEXT + "#".repeat(1024), { file_name: "seed.yaml" }, 256).then(
      () => expect.fail("the import succeeded"),
      (e: grpc.ServiceError) => e,
    );
    expect(error.code).toBe(Code.RESOURCE_EXHAUSTED);
    expect(error.details).toMatch(/larger than 1024 bytes/);
    expect(store.position.revision).toBe(0);
    // Under the bound, the same server imports.
    expect(await client.import("root:\n  hosts: [{ id: agent-1 }]\n", { file_name: "small.yaml" })).toEqual({
      revision: 1,
      epoch: 1,
      changed: true,
    });
  });
});
