/**
 * The seed network of SPEC section 4, live: a registry manager, the three
 * command-control managers and one agent per seed host, each a real `cairn`
 * process on a free loopback port, all data in one temp folder. `play`
 * makes a row of the table true (processes killed and started, the registry
 * edited through its admin API); `authorizeAll` asks every agent of the
 * table, through its Agent service, until it is served by the row's manager.
 *
 * Transport to the processes only: nothing here prints.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { AgentClient } from "../client/agent-client.js";
import { ManagerClient } from "../client/manager-client.js";
import { formatFixture } from "../fixture/format.js";
import { parseFixture } from "../fixture/parse.js";
import { DEFAULT_ADDRESS, ROOT_PATH } from "../registry/model.js";
import { packageFromWire } from "../wire/convert.js";
import {
  ASKING_AGENTS,
  COMMAND_CONTROL,
  FRAMEWORK_MANAGER,
  SEED_HOSTS,
  SEED_MANAGERS,
  SEED_STEPS,
  expectedManager,
  type SeedAction,
  type SeedStep,
} from "./seed-table.js";
import { askUntilServed, delay, DEMO_COMMAND, DEMO_USER, messageOf, POLL_INTERVAL_MS, type AgentOutcome } from "./ask-agent.js";
import { ServerProcess } from "../process/server-process.js";
import { identityFileName } from "../security/identity.js";
import { checkTlsFiles, type TlsFiles } from "../security/tls-files.js";
import { insecureTransport, tlsTransport, type Transport } from "../security/transport.js";

export const SEED_FIXTURE = fileURLToPath(new URL("../../fixtures/table-10-1.yaml", import.meta.url));
const RULES = `# cairn demo: the demo user may run anything; everyone else is denied by default.
rules:
  - { effect: allow, user: ${DEMO_USER}, command: "*" }
`;
/** Brisk liveness, so that a row does not wait on the defaults (1 s, 3 s). */
const HEARTBEAT_INTERVAL = "500ms";
const DOWN_AFTER = "2s";
/** Deadline of one admin call and of one Agent call. */
const CALL_TIMEOUT_MS = 2_000;
/** How long a restarted manager may take to be reported healthy: a few heartbeats. */
const HEALTHY_TIMEOUT_MS = 5_000;
/** How long a restart on the same port keeps retrying while the port is still being released. */
const REBIND_TIMEOUT_MS = 3_000;

export interface SeedScenarioOptions {
  /** Deadline for each server's `listening on ADDR` line. */
  listenTimeoutMs?: number;
  /** Deadline for every agent to hold the imported registry and answer an authorization. */
  readyTimeoutMs?: number;
  /** How long `authorizeAll` waits for each agent to reach its expected manager. */
  switchTimeoutMs?: number;
  /** Where the temp folder is made; the system's temp folder by default. */
  tempRoot?: string;
  /** Every process with mTLS and its own identity, from a CA made in the temp folder (default); false: insecure. */
  tls?: boolean;
  /** The registry manager serves the web console and /metrics (`--http` on a free loopback port). */
  console?: boolean;
}

/** The kinds of server the scenario runs. */
export type ServerKind = "registry-manager" | "agent" | "command-control";

/** A server the scenario started (still running or not). */
export interface ScenarioProcess {
  kind: ServerKind;
  host: string;
  /** Empty if it never listened. */
  address: string;
  pid: number;
  running: boolean;
}

/** One action carried out, for people. */
export interface ActionDone {
  action: SeedAction;
  /** "killed command-control on agent-3 (SIGKILL)". */
  text: string;
}

/**
 * The live seed network. Construct, `start()`, then `play` each row of
 * `SEED_STEPS` and `authorizeAll()` after it; `stop()` in a `finally`.
 * `stop()` is safe at any moment (also during `start()`), and a process
 * exit hook kills whatever is left if the caller never gets to it.
 */
export class SeedScenario {
  /** The temp folder: every LevelDB, the rules file, the logs. */
  readonly dir: string;
  private readonly options: Required<Omit<SeedScenarioOptions, "tempRoot">>;
  /** Every server ever started, in order; restarts add an entry. */
  private readonly servers: { kind: ServerKind; host: string; server: ServerProcess }[] = [];
  /** The current command-control manager of each host. */
  private readonly managers = new Map<string, ServerProcess>();
  /** The port each host's command-control manager bound first; a restart binds it again. */
  private readonly managerPorts = new Map<string, number>();
  private readonly agents = new Map<string, ServerProcess>();
  private readonly agentClients = new Map<string, AgentClient>();
  private registryManager: ServerProcess | undefined;
  private admin: ManagerClient | undefined;
  private lastStep: SeedStep | undefined;
  /** How the demo's own clients reach the processes: as admin/demo when they run with mTLS. */
  private transport: Transport = insecureTransport;
  /** performance.now() at the end of the last step's actions. */
  private actionsEndedAt: number | undefined;
  private stopping: Promise<void> | undefined;
  private readonly onExit = () => this.killNow();

  constructor(options: SeedScenarioOptions = {}) {
    this.options = {
      listenTimeoutMs: options.listenTimeoutMs ?? 15_000,
      readyTimeoutMs: options.readyTimeoutMs ?? 20_000,
      switchTimeoutMs: options.switchTimeoutMs ?? 10_000,
      tls: options.tls ?? true,
      console: options.console ?? false,
    };
    this.dir = mkdtempSync(join(options.tempRoot ?? tmpdir(), "cairn-demo-"));
    process.on("exit", this.onExit);
  }

  /** Every server started so far, in the order started. */
  get processes(): ScenarioProcess[] {
    return this.servers.map(({ kind, host, server }) => ({
      kind,
      host,
      address: server.address,
      pid: server.pid,
      running: server.running,
    }));
  }

  get managerAddress(): string {
    return this.registryManager?.address ?? "";
  }

  /** The registry manager's web console (`http://…` or `https://…`); empty without the `console` option. */
  get consoleUrl(): string {
    return this.registryManager?.httpAddress ?? "";
  }

  get logDir(): string {
    return join(this.dir, "logs");
  }

  /** The Agent service of `host`, for `cairn authorize --agent`. */
  agentAddress(host: string): string {
    return this.agents.get(host)?.address ?? "";
  }

  /**
   * Starts the registry manager and the command-control managers, imports
   * the seed network with the ports those managers bound, starts one agent
   * per seed host, and waits until every agent holds the import and answers
   * an authorization. Stops everything if any of that fails.
   */
  async start(): Promise<void> {
    try {
      mkdirSync(this.logDir);
      writeFileSync(join(this.dir, "rules.yaml"), RULES);
      if (this.options.tls) {
        // The CA's certificates are loaded only here: the X.509 library is not worth its start-up time to an insecure demo.
        const { initCa } = await import("../security/certificates.js");
        await initCa(this.certDir);
        this.transport = tlsTransport(checkTlsFiles(await this.certificate(`admin/${DEMO_USER}`)));
      }
      const [registry] = await Promise.all([
        this.launch("registry-manager", FRAMEWORK_MANAGER, [
          "manager", "start", "--host", FRAMEWORK_MANAGER, "--data", join(this.dir, "registry-manager"),
          "--listen", `${DEFAULT_ADDRESS}:0`, "--bootstrap",
          "--down-after", DOWN_AFTER, "--heartbeat-interval", HEARTBEAT_INTERVAL,
          ...(this.options.console ? ["--http", `${DEFAULT_ADDRESS}:0`] : []),
          ...(await this.tlsArgs(`manager/${FRAMEWORK_MANAGER}`)),
        ]),
        ...SEED_MANAGERS.map((host) => this.launchManager(host, 0)),
      ]);
      this.registryManager = registry;
      this.admin = new ManagerClient(registry.address, CALL_TIMEOUT_MS, undefined, this.transport);
      const imported = await this.importSeed();
      await Promise.all(SEED_HOSTS.map((host) => this.launchAgent(host, ROOT_PATH)));
      await this.untilReady(imported);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Carries out the row's actions, in order; the switch times of `authorizeAll` count from their end. */
  async play(step: SeedStep): Promise<ActionDone[]> {
    this.lastStep = step;
    const done: ActionDone[] = [];
    for (const action of step.actions) done.push({ action, text: await this.perform(action) });
    this.actionsEndedAt = performance.now();
    return done;
  }

  /**
   * Asks each agent of the table (agent-1 … agent-4), concurrently and
   * repeatedly, until it is served by its expected manager or the switch
   * deadline passes. `expected` defaults to the last played step's row.
   */
  async authorizeAll(expected?: (agent: string) => string): Promise<AgentOutcome[]> {
    const step = this.lastStep ?? SEED_STEPS[0]!;
    const expectedOf = expected ?? ((agent: string) => expectedManager(step, agent));
    const from = this.actionsEndedAt ?? performance.now();
    const deadline = Date.now() + this.options.switchTimeoutMs;
    return Promise.all(ASKING_AGENTS.map((agent) => askUntilServed(this.agentClient(agent), agent, expectedOf(agent), from, deadline)));
  }

  /** SIGTERM to every server (SIGKILL after a grace), then the temp folder removed. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.admin?.close();
      for (const client of this.agentClients.values()) client.close();
      this.agentClients.clear();
      try {
        await Promise.all(this.servers.map(({ server }) => server.stop()));
      } finally {
        rmSync(this.dir, { recursive: true, force: true });
        process.off("exit", this.onExit);
      }
    })();
    return this.stopping;
  }

  /** SIGKILL to every server and the folder removed, synchronously: the last resort of an exiting process. */
  killNow(): void {
    for (const { server } of this.servers) server.killNow();
    rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- processes ----

  /** Whether every process runs with mTLS, and where their CA and certificates are. */
  get tls(): { on: boolean; dir: string } {
    return { on: this.options.tls, dir: this.certDir };
  }

  private get certDir(): string {
    return join(this.dir, "certs");
  }

  /** `--ca --cert --key` for a process that runs as `identity` (issued the first time), or nothing when insecure. */
  private async tlsArgs(identity: string): Promise<string[]> {
    if (!this.options.tls) return [];
    const files = await this.certificate(identity);
    return ["--ca", files.ca, "--cert", files.cert, "--key", files.key];
  }

  private async certificate(identity: string): Promise<TlsFiles> {
    const { issue } = await import("../security/certificates.js");
    const base = join(this.certDir, identityFileName(identity));
    if (!existsSync(`${base}.pem`)) await issue(this.certDir, identity);
    return { ca: join(this.certDir, "ca.pem"), cert: `${base}.pem`, key: `${base}-key.pem` };
  }

  private async launch(kind: ServerKind, host: string, args: string[]): Promise<ServerProcess> {
    if (this.stopping) throw new Error("the demo is stopping");
    const server = ServerProcess.spawn({
      args,
      logFile: join(this.logDir, `${kind}-${host}.log`),
      name: `cairn ${args.slice(0, 2).join(" ")} --host ${host}`,
    });
    this.servers.push({ kind, host, server });
    await server.listening(this.options.listenTimeoutMs);
    return server;
  }

  /** A command-control manager for `host` on `port` (0: any free port). */
  private async launchManager(host: string, port: number): Promise<ServerProcess> {
    const args = [
      "command-control", "start", "--host", host,
      "--listen", `${DEFAULT_ADDRESS}:${port}`, "--rules", join(this.dir, "rules.yaml"),
      ...(await this.tlsArgs(`service/${COMMAND_CONTROL}/${host}`)),
    ];
    const giveUpAt = Date.now() + REBIND_TIMEOUT_MS;
    for (;;) {
      try {
        const server = await this.launch("command-control", host, args);
        this.managers.set(host, server);
        if (!this.managerPorts.has(host)) this.managerPorts.set(host, portOf(server.address));
        return server;
      } catch (error) {
        // A port just freed by a kill can take a moment to bind again; a fresh port (0) never needs a retry.
        if (port === 0 || this.stopping || Date.now() >= giveUpAt) throw error;
        await delay(100);
      }
    }
  }

  private async launchAgent(host: string, domain: string): Promise<ServerProcess> {
    const agent = await this.launch("agent", host, [
      "agent", "start", "--host", host, "--data", join(this.dir, `agent-${host}`),
      "--listen", `${DEFAULT_ADDRESS}:0`, "--manager", this.managerAddress,
      "--domain", domain, "--heartbeat-interval", HEARTBEAT_INTERVAL,
      ...(await this.tlsArgs(`host/${host}`)),
    ]);
    this.agents.set(host, agent);
    this.agentClients.set(host, new AgentClient(agent.address, CALL_TIMEOUT_MS, undefined, this.transport));
    return agent;
  }

  private manager(host: string): ServerProcess {
    const server = this.managers.get(host);
    if (!server) throw new Error(`no command-control manager was started on ${host}`);
    return server;
  }

  // ---- the registry ----

  /** Imports fixtures/table-10-1.yaml with each command-control port set to the one its manager bound; the revision. */
  private async importSeed(): Promise<number> {
    const registry = parseFixture(readFileSync(SEED_FIXTURE, "utf8"), SEED_FIXTURE);
    for (const host of registry.hosts.values()) {
      const port = this.managerPorts.get(host.id);
      if (port === undefined) continue;
      const packages = host.packages.map((pkg) => (pkg.type === COMMAND_CONTROL ? { ...pkg, port } : pkg));
      registry.hosts.set(host.id, { ...host, packages });
    }
    const data = Buffer.from(formatFixture(registry, "yaml"));
    const reply = await this.registryAdmin().importStream((write) => write({ data, format: "yaml", file_name: SEED_FIXTURE }));
    return reply.revision;
  }

  private registryAdmin(): ManagerClient {
    if (!this.admin) throw new Error("the registry manager has not started");
    return this.admin;
  }

  /**
   * Waits until the registry reports `type` on `host` healthy again, which
   * its agent does at its next heartbeat; the milliseconds that took. A
   * restarted manager is back in the routes only then: an operator would
   * wait for it before taking another manager away.
   */
  private async untilHealthy(host: string, type: string): Promise<number> {
    const started = performance.now();
    const deadline = Date.now() + HEALTHY_TIMEOUT_MS;
    let why = "no answer yet";
    for (;;) {
      try {
        const reply = await this.registryAdmin().call("GetHost", { id: host });
        const wire = reply.host?.packages.find((p) => p.type === type);
        const pkg = wire ? packageFromWire(wire) : undefined;
        if (pkg?.health === "healthy") return Math.round(performance.now() - started);
        why = `the registry has it ${pkg?.health ?? "missing"}`;
      } catch (error) {
        why = messageOf(error);
      }
      if (Date.now() >= deadline) throw new Error(`${type} on ${host} was not healthy within ${HEALTHY_TIMEOUT_MS} ms: ${why}`);
      await delay(POLL_INTERVAL_MS);
    }
  }

  // ---- the actions of a step ----

  private async perform(action: SeedAction): Promise<string> {
    const admin = () => this.registryAdmin();
    switch (action.do) {
      case "kill-manager":
        await this.manager(action.host).kill("SIGKILL");
        return `killed ${COMMAND_CONTROL} on ${action.host} (SIGKILL)`;
      case "stop-manager":
        await this.manager(action.host).stop();
        return `stopped ${COMMAND_CONTROL} on ${action.host} (SIGTERM)`;
      case "restart-manager": {
        const port = this.managerPorts.get(action.host);
        if (port === undefined) throw new Error(`no port known for the ${COMMAND_CONTROL} manager of ${action.host}`);
        const server = await this.launchManager(action.host, port);
        const healthyAfter = await this.untilHealthy(action.host, COMMAND_CONTROL);
        return `restarted ${COMMAND_CONTROL} on ${action.host} at ${server.address} (the same port); healthy in the registry after ${healthyAfter} ms`;
      }
      case "start-manager": {
        const server = await this.launchManager(action.host, 0);
        return `started ${COMMAND_CONTROL} on ${action.host} at ${server.address}`;
      }
      case "start-agent": {
        const agent = await this.launchAgent(action.host, action.domain);
        return `started the agent of ${action.host} at ${agent.address}`;
      }
      case "create-domain": {
        const reply = await admin().call("CreateDomain", { path: action.path });
        return `created domain ${action.path} (revision ${reply.revision})`;
      }
      case "register-host": {
        const reply = await admin().call("RegisterHost", { id: action.host, domain: action.domain, address: DEFAULT_ADDRESS });
        return `registered host ${action.host} in ${action.domain} (revision ${reply.revision})`;
      }
      case "deploy-package": {
        const port = this.managerPorts.get(action.host);
        if (port === undefined) throw new Error(`start the ${action.type} manager of ${action.host} before deploying it`);
        const reply = await admin().call("DeployPackage", { host: action.host, type: action.type, port });
        return `deployed ${action.type} on ${action.host}, port ${port} (revision ${reply.revision})`;
      }
      case "remove-package": {
        const reply = await admin().call("RemovePackage", { host: action.host, type: action.type });
        return `removed ${action.type} from ${action.host} (revision ${reply.revision})`;
      }
    }
  }

  // ---- asking the agents ----

  /** Every agent holds the registry at `revision` or later and has answered an authorization. */
  private async untilReady(revision: number): Promise<void> {
    const deadline = Date.now() + this.options.readyTimeoutMs;
    await Promise.all(
      SEED_HOSTS.map(async (host) => {
        const client = this.agentClient(host);
        let why = "no answer yet";
        for (;;) {
          try {
            const status = await client.status();
            if (status.revision < revision) {
              why = `its replica is at revision ${status.revision}, the import at ${revision}`;
            } else {
              await client.authorize(DEMO_USER, DEMO_COMMAND);
              return;
            }
          } catch (error) {
            why = messageOf(error);
          }
          if (Date.now() >= deadline) {
            throw new Error(`the agent of ${host} was not ready within ${this.options.readyTimeoutMs} ms: ${why}`);
          }
          await delay(POLL_INTERVAL_MS);
        }
      }),
    );
  }

  private agentClient(host: string): AgentClient {
    const client = this.agentClients.get(host);
    if (!client) throw new Error(`no agent was started on ${host}`);
    return client;
  }
}

function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(":") + 1));
}
