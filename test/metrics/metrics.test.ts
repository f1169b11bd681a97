/**
 * `--http` on real managers and agents (SPEC 14): /metrics is Prometheus
 * text holding every name SPEC 14 lists, and its values move with what
 * happens (a write, a watcher, a routed failover, a refused call); /healthz
 * says 200 or 503 with the reason; with mTLS it is HTTPS, /metrics needs a
 * certificate of the CA and /healthz does not.
 */
import { describe, expect, it } from "vitest";
import { useDefer } from "../support/defer.js";
import {
  agentClient,
  dropPackage,
  FAST_LIVENESS,
  importRegistry,
  portOf,
  registryClient,
  setPort,
  startAgent,
  startCommandControl,
} from "../support/fleet.js";
import { httpGet, type HttpAsk } from "../support/http-get.js";
import { MANAGER_HOST } from "../support/manager.js";
import { Managers } from "../support/managers.js";
import { startCairn, type CairnProcess } from "../support/process.js";
import { parsePrometheusText, sampleValue, type Family } from "../support/prometheus-text.js";
import { registryAs, startSecureManager } from "../support/secure-fleet.js";
import { loadSeed } from "../support/seed.js";
import { useTempDirs } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();
const HTTP = ["--http", "127.0.0.1:0"];
const CC = "command-control";

const MANAGER_NAMES = [
  "cairn_revision",
  "cairn_epoch",
  "cairn_is_primary",
  "cairn_role_changes_total",
  "cairn_backup_lag_revisions",
  "cairn_watchers",
  "cairn_watch_events_sent_total",
  "cairn_slow_watchers_total",
  "cairn_write_duration_seconds",
  "cairn_hosts",
  "grpc_server_handled_total",
];
const AGENT_NAMES = [
  "cairn_agent_replica_revision",
  "cairn_agent_routed_calls_total",
  "cairn_agent_failovers_total",
  "cairn_agent_routed_call_duration_seconds",
  "grpc_server_handled_total",
];

/** /metrics, parsed (it throws at anything that is not the exposition format). */
async function scrape(process: CairnProcess, ask: HttpAsk = {}): Promise<Map<string, Family>> {
  const answer = await httpGet(`${process.http}/metrics`, ask);
  expect(answer.status, answer.body).toBe(200);
  expect(answer.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(answer.body);
}

function startManager(data: string, flags: readonly string[] = []): Promise<CairnProcess> {
  return startCairn(defer, ["manager", "start", "--host", MANAGER_HOST, "--data", data, "--listen", "127.0.0.1:0", "--bootstrap", ...FAST_LIVENESS, ...HTTP, ...flags]);
}

const handled = (families: Map<string, Family>, method: string, code: string) =>
  sampleValue(families, "grpc_server_handled_total", { grpc_service: "cairn.v1.Registry", grpc_method: method, grpc_code: code }) ?? 0;

describe("a registry manager's /metrics", () => {
  it("holds every SPEC 14 name with its type, and moves with writes, watchers and calls", async () => {
    const manager = await startManager(tempDir());
    expect(manager.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = registryClient(defer, manager.address);

    const first = await scrape(manager);
    for (const name of MANAGER_NAMES) expect(first.has(name), name).toBe(true);
    expect(first.get("cairn_write_duration_seconds")!.type).toBe("histogram");
    expect(first.get("grpc_server_handled_total")!.type).toBe("counter");
    expect(first.get("cairn_role_changes_total")!.type).toBe("counter");
    expect(first.get("cairn_hosts")!.type).toBe("gauge");
    // Node's process metrics ride along.
    expect(first.has("process_cpu_user_seconds_total")).toBe(true);
    expect(sampleValue(first, "cairn_is_primary")).toBe(1);
    expect(sampleValue(first, "cairn_epoch")).toBe(1);
    expect(sampleValue(first, "cairn_role_changes_total")).toBe(1);
    expect(sampleValue(first, "cairn_hosts", { liveness: "up" })).toBe(1);
    // No label takes a host id on a manager: the only labels are these.
    for (const family of first.values()) {
      if (!family.name.startsWith("cairn_") && !family.name.startsWith("grpc_")) continue;
      for (const sample of family.samples) {
        for (const label of Object.keys(sample.labels)) expect(["backup", "liveness", "le", "grpc_service", "grpc_method", "grpc_code"], `${family.name}{${label}}`).toContain(label);
      }
    }

    // A write raises the revision and is timed.
    const revision = sampleValue(first, "cairn_revision")!;
    const writes = sampleValue(first, "cairn_write_duration_seconds_count")!;
    await client.call("RegisterHost", { id: "node-1", domain: "/" });
    const written = await scrape(manager);
    expect(sampleValue(written, "cairn_revision")).toBe(revision + 1);
    expect(sampleValue(written, "cairn_write_duration_seconds_count")).toBe(writes + 1);
    expect(sampleValue(written, "cairn_hosts", { liveness: "unknown" })).toBe(1);

    // Each call is counted with its code.
    const ok = handled(written, "GetStatus", "OK");
    await client.call("GetStatus", {});
    await client.call("GetStatus", {});
    expect((await client.rejection("GetHost", { id: "ghost" })).code).toBe(5);
    const called = await scrape(manager);
    expect(handled(called, "GetStatus", "OK")).toBe(ok + 2);
    expect(handled(called, "GetHost", "NotFound")).toBe(1);
    expect(handled(called, "RegisterHost", "OK")).toBe(1);

    // An agent watches: a watcher, and events sent to it.
    await startAgent(defer, "node-1", tempDir(), manager.address);
    const watched = await until(async () => {
      const families = await scrape(manager);
      return sampleValue(families, "cairn_watchers")! >= 1 && sampleValue(families, "cairn_watch_events_sent_total")! > 0 ? families : undefined;
    }, "the agent's watch counted");
    expect(sampleValue(watched, "cairn_slow_watchers_total")).toBe(0);
  });

  it("shows each backup's lag on the primary, by the backup's manager id", async () => {
    const managers = new Managers(defer, tempDir);
    const primary = await managers.start("m1", { flags: HTTP });
    await managers.start("m2", { join: primary, flags: HTTP });
    const process = primary.process;
    await until(async () => sampleValue(await scrape(process), "cairn_backup_lag_revisions", { backup: "m2" }) === 0, "m2 caught up, lag 0");
  });
});

describe("/healthz", () => {
  it("is 200 with the reason on a primary", async () => {
    const manager = await startManager(tempDir());
    const answer = await httpGet(`${manager.http}/healthz`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^ok: .+\n$/);
  });

  it("listens beyond loopback without TLS only with --insecure", async () => {
    const manager = await startManager(tempDir(), ["--http", "0.0.0.0:0", "--insecure"]);
    expect(manager.http).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const answer = await httpGet(manager.http.replace("0.0.0.0", "127.0.0.1") + "/healthz");
    expect(answer.status).toBe(200);
  });

  it("is 503 with the reason on a primary with --sync-backups 1 and no backup", async () => {
    const manager = await startManager(tempDir(), ["--sync-backups", "1"]);
    const answer = await httpGet(`${manager.http}/healthz`);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatch(/^not serving: .*backup.*\n$/);
  });
});

describe("a registry agent's /metrics", () => {
  it("holds every SPEC 14 name, its replica revision, and counts a routed failover", async () => {
    const manager = await startManager(tempDir());
    const [preferred, fallback] = await Promise.all([startCommandControl(defer, "agent-1"), startCommandControl(defer, "framework-manager")]);
    const seed = loadSeed();
    setPort(seed, "agent-1", CC, portOf(preferred.address));
    setPort(seed, "framework-manager", CC, portOf(fallback.address));
    dropPackage(seed, "agent-3", CC);
    const revision = await importRegistry(registryClient(defer, manager.address), seed);
    const agent = await startCairn(defer, ["agent", "start", "--host", "agent-2", "--data", tempDir(), "--manager", manager.address, "--heartbeat-interval", "300ms", ...HTTP]);
    expect(agent.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const client = agentClient(defer, agent.address);
    await until(async () => (await client.authorize("ops", "uptime").catch(() => undefined))?.served_by === "agent-1", "agent-1 serving");

    const before = await scrape(agent);
    for (const name of AGENT_NAMES) expect(before.has(name), name).toBe(true);
    expect(before.get("cairn_agent_routed_call_duration_seconds")!.type).toBe("histogram");
    expect(sampleValue(before, "cairn_agent_replica_revision")).toBeGreaterThanOrEqual(revision);
    const type = { type: CC };
    const failovers = sampleValue(before, "cairn_agent_failovers_total", type)!;
    const answered = sampleValue(before, "cairn_agent_routed_calls_total", { ...type, outcome: "answered" })!;
    expect(answered).toBeGreaterThanOrEqual(1);
    expect(sampleValue(before, "grpc_server_handled_total", { grpc_service: "cairn.v1.Agent", grpc_method: "Authorize", grpc_code: "OK" })).toBeGreaterThanOrEqual(1);

    // The nearer manager dies: the next call fails over to framework-manager's.
    await preferred.kill();
    expect((await client.authorize("ops", "uptime")).served_by).toBe("framework-manager");
    const after = await scrape(agent);
    expect(sampleValue(after, "cairn_agent_failovers_total", type)).toBe(failovers + 1);
    expect(sampleValue(after, "cairn_agent_routed_calls_total", { ...type, outcome: "answered" })).toBe(answered + 1);
    expect(sampleValue(after, "cairn_agent_routed_call_duration_seconds_count", type)).toBeGreaterThanOrEqual(answered + 1);
    expect((await httpGet(`${agent.http}/healthz`)).status).toBe(200);
  });
});

describe("--http with mTLS", () => {
  it("is HTTPS: /metrics for identities of the CA only, /healthz open, refused calls counted", async () => {
    const ca = await TestCa.make(tempDir());
    const manager = await startSecureManager(defer, ca, "m1", tempDir(), { flags: HTTP });
    expect(manager.http).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trust = { ca: ca.caFile };

    const refused = await httpGet(`${manager.http}/metrics`, { tls: trust });
    expect(refused.status).toBe(401);
    expect(refused.body.trimEnd().split("\n")).toHaveLength(1);
    expect(await httpGet(`${manager.http}/healthz`, { tls: trust })).toMatchObject({ status: 200 });

    // A viewer may read, not write: its refused write is counted as PERMISSION_DENIED.
    const viewer = await ca.files("viewer/vera");
    const asViewer = await registryAs(defer, ca, "viewer/vera", manager.address);
    expect((await asViewer.rejection("RegisterHost", { id: "node-1", domain: "/" })).code).toBe(7);
    const families = await scrape(manager, { tls: { ...trust, ...viewer } });
    for (const name of MANAGER_NAMES) expect(families.has(name), name).toBe(true);
    expect(handled(families, "RegisterHost", "PermissionDenied")).toBe(1);
  });
});
