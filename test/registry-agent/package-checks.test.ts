/**
 * Package checks end to end (SPEC 13), with real processes: a check given to
 * `cairn package deploy` reaches the registry, the agent of the package's
 * host checks the package by it, and the registry shows the verdict. A
 * process that is SIGSTOPped still accepts TCP connections (its kernel
 * does), so only a check that needs an answer (grpc, http) finds it out.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { Package__Output } from "../../src/generated/cairn/v1/Package.js";
import { ServerProcess } from "../../src/process/server-process.js";
import { runCli } from "../support/cli.js";
import { useDefer, useDeferAll } from "../support/defer.js";
import { agentClient, portOf, registryClient, startAgent, startCommandControl, startManagerProcess } from "../support/fleet.js";
import type { TestRegistryClient } from "../support/manager.js";
import { useTempDirs, useTempDirsAll } from "../support/temp-dir.js";
import { until } from "../support/until.js";
import type { AgentClient } from "../../src/client/agent-client.js";

const defer = useDefer();
const deferAll = useDeferAll();
const tempDir = useTempDirs();
const tempDirAll = useTempDirsAll();

const HOST = "agent-1";
const HTTP_SERVER = fileURLToPath(new URL("../support/http-health-server.ts", import.meta.url));

/** The check every SIGSTOP case deploys, and its numbers. */
const INTERVAL_MS = 200;
const TIMEOUT_MS = 200;
const RISE = 2;
const FALL = 2;
const TIMINGS = ["--check-interval", `${INTERVAL_MS}ms`, "--check-timeout", `${TIMEOUT_MS}ms`, "--fall", String(FALL), "--rise", String(RISE)];
/**
 * Beyond the checks themselves: the probe that was under way when the
 * process stopped, the agent's heartbeat (sent at once on a new verdict)
 * and the manager's write, and this test's polling; generous, for a busy
 * machine, while a check that never noticed would blow through it.
 */
const MARGIN_MS = 2_000;

let registry: TestRegistryClient;
let agent: AgentClient;
let env: Record<string, string> = {};

/** The package of `type` on HOST as the registry has it now. */
async function packageNow(type: string): Promise<Package__Output | undefined> {
  const reply = await registry.call("GetHost", { id: HOST });
  return reply.host?.packages.find((p) => p.type === type);
}

async function healthNow(type: string): Promise<string | undefined> {
  return (await packageNow(type))?.health;
}

/**
 * `cairn package deploy HOST TYPE --port PORT …check`, then waits until the
 * agent's replica holds the change, so that its checks run by the new check
 * from then on.
 */
async function deploy(type: string, port: number, check: readonly string[]): Promise<void> {
  const result = await runCli(["package", "deploy", HOST, type, "--port", String(port), ...check, "--json"], env);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
  const { revision } = JSON.parse(result.stdout) as { revision: number };
  await until(async () => (await agent.status()).revision >= revision, `the agent's replica at revision ${revision}`);
}

/** Waits for `health` and returns how long it took from `since`. */
async function healthWithin(type: string, health: "PACKAGE_HEALTH_HEALTHY" | "PACKAGE_HEALTH_UNHEALTHY", since: number): Promise<number> {
  await until(async () => (await healthNow(type)) === health, `${type} ${health}`, 15_000, 20);
  return Date.now() - since;
}

/** Stops `process` and expects the registry to show `type` unhealthy in time, then resumes it and expects it healthy again. */
async function stopAndResume(type: string, process: ServerProcess): Promise<void> {
  expect(await healthNow(type)).toBe("PACKAGE_HEALTH_HEALTHY");
  const stopped = Date.now();
  process.signal("SIGSTOP");
  defer(() => process.signal("SIGCONT"));
  const toUnhealthy = await healthWithin(type, "PACKAGE_HEALTH_UNHEALTHY", stopped);
  expect(toUnhealthy).toBeLessThan(FALL * INTERVAL_MS + TIMEOUT_MS + MARGIN_MS);

  const resumed = Date.now();
  process.signal("SIGCONT");
  const toHealthy = await healthWithin(type, "PACKAGE_HEALTH_HEALTHY", resumed);
  expect(toHealthy).toBeLessThan(RISE * INTERVAL_MS + TIMEOUT_MS + MARGIN_MS);
}

describe("package checks, from cairn package deploy to the registry's health", () => {
  beforeAll(async () => {
    const manager = await startManagerProcess(deferAll, tempDirAll());
    env = { CAIRN_MANAGER: manager.address };
    registry = registryClient(deferAll, manager.address);
    const added = await runCli(["host", "add", HOST, "--domain", "/"], env);
    expect(added.stderr).toBe("");
    const started = await startAgent(deferAll, HOST, tempDirAll(), manager.address);
    agent = agentClient(deferAll, started.address);
    await until(async () => (await registry.call("GetHost", { id: HOST })).host?.status === "LIVENESS_UP", `${HOST} up`);
  });

  it("grpc: a SIGSTOPped command-control turns unhealthy within fall × interval + timeout, and healthy on SIGCONT", async () => {
    const commandControl = await startCommandControl(defer, HOST);
    await deploy("command-control", portOf(commandControl.address), ["--check", "grpc", ...TIMINGS]);
    expect((await packageNow("command-control"))?.check).toMatchObject({
      kind: "CHECK_KIND_GRPC",
      interval_ms: INTERVAL_MS,
      timeout_ms: TIMEOUT_MS,
      rise: RISE,
      fall: FALL,
      command: [],
    });
    await stopAndResume("command-control", commandControl.server);
  });

  it("http: a SIGSTOPped web server turns unhealthy, and healthy on SIGCONT", async () => {
    const web = ServerProcess.spawn({ execArgv: ["--import", "tsx"], script: HTTP_SERVER, args: [], name: "the test's HTTP health server" });
    defer(() => web.kill());
    const address = await web.listening(15_000);
    await deploy("web", portOf(address), ["--check", "http", "--check-path", "/healthz", ...TIMINGS]);
    expect((await packageNow("web"))?.check).toMatchObject({ kind: "CHECK_KIND_HTTP", path: "/healthz" });
    await stopAndResume("web", web);
  });

  it("http: a path the server does not answer 2xx on is unhealthy", async () => {
    const web = ServerProcess.spawn({ execArgv: ["--import", "tsx"], script: HTTP_SERVER, args: [], name: "the test's HTTP health server" });
    defer(() => web.kill());
    const address = await web.listening(15_000);
    await deploy("web-404", portOf(address), ["--check", "http", "--check-path", "/nowhere", ...TIMINGS]);
    await healthWithin("web-404", "PACKAGE_HEALTH_UNHEALTHY", Date.now());
  });

  it("exec: the command's exit status is the health (argv, no shell)", async () => {
    const flag = join(tempDir(), "healthy");
    writeFileSync(flag, "");
    // `test -e FILE`: exit 0 while the file is there.
    await deploy("probe", 1, ["--check", "exec", "--check-command", `test -e ${flag}`, ...TIMINGS]);
    expect((await packageNow("probe"))?.check).toMatchObject({ kind: "CHECK_KIND_EXEC", command: ["test", "-e", flag] });
    expect(await healthNow("probe")).toBe("PACKAGE_HEALTH_HEALTHY");

    const removed = Date.now();
    rmSync(flag);
    expect(await healthWithin("probe", "PACKAGE_HEALTH_UNHEALTHY", removed)).toBeLessThan(FALL * INTERVAL_MS + TIMEOUT_MS + MARGIN_MS);
    const restored = Date.now();
    writeFileSync(flag, "");
    expect(await healthWithin("probe", "PACKAGE_HEALTH_HEALTHY", restored)).toBeLessThan(RISE * INTERVAL_MS + TIMEOUT_MS + MARGIN_MS);
  });

  it("a deploy without check options takes the check away: the package is back on the default check", async () => {
    await deploy("retired", 7999, ["--check", "grpc", ...TIMINGS]);
    expect((await packageNow("retired"))?.check).toMatchObject({ kind: "CHECK_KIND_GRPC" });
    await deploy("retired", 7999, []);
    expect((await packageNow("retired"))?.check).toBeNull();
  });
});
