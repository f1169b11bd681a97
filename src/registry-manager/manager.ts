import { randomUUID } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { seededRandom, systemClock, type Clock, type Timer } from "../clock.js";
import { CairnError, Code, failedPrecondition, notPrimary } from "../errors.js";
import type { HeartbeatReply__Output } from "../generated/cairn/v1/HeartbeatReply.js";
import type { Position__Output } from "../generated/cairn/v1/Position.js";
import type { WatchEvent } from "../generated/cairn/v1/WatchEvent.js";
import { silentLogger } from "../logger.js";
import { WatchFeed } from "../replication/watch-feed.js";
import { endpointOf, packageOf, REGISTRY_TYPE, type Registry } from "../router/model.js";
import { changeToWire, managerRoleFromWire, packageToWire } from "../wire/convert.js";
import { registryService, replicationService, v1, type ReplicationClient } from "../wire/proto-loader.js";
import { bindServer, checkHostOption, listenHost, newServer } from "../wire/server.js";
import { BackupTracker } from "./backups.js";
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_HEARTBEAT_INTERVAL_MS } from "./defaults.js";
import { LivenessTracker } from "./liveness.js";
import type { ManagerAddress, ManagerControl, PromotionResult, Role } from "./manager-control.js";
import { combine, ensureRegistryPackage, setHostStatus, type Mutation } from "./mutations.js";
import { registryHandlers } from "./registry-service.js";
import { progressOf, replicationHandlers } from "./replication-service.js";
import { RegistryStore } from "./store.js";
import { WatchHub } from "./watch-hub.js";

/** A watcher that has seen nothing for this long gets a Progress keep-alive. */
export const PROGRESS_INTERVAL_MS = 5_000;
/** How long a clean stop waits for in-flight calls before cutting them. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Admin requests larger than this are refused (RESOURCE_EXHAUSTED); imports stream in chunks. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** How long a peer manager may take to say where it stands (promotion checks, start-up fencing). */
const PEER_TIMEOUT_MS = 1_000;
const ROLE_KEY = "role";
const PRIMARY_KEY = "primary";

export interface ManagerOptions {
  /** This manager's host id. */
  hostId: string;
  dataDir: string;
  /** host:port to bind; port 0 picks a free one. */
  listen: string;
  /** Start a new registry when `dataDir` holds none. */
  bootstrap?: boolean;
  /** Follow this primary as a backup when `dataDir` holds no registry. */
  join?: string;
  /** Acknowledge a write only once this many backups have it on disk. */
  syncBackups?: number;
  /** Where to register this manager's host when it is not registered yet. */
  domain?: string;
  heartbeatIntervalMs?: number;
  downAfterMs?: number;
  logRetention?: number;
  maxWatchQueue?: number;
  clock?: Clock;
  random?: () => number;
  logger?: Logger;
}

type RoleState = "starting" | Role | "stopped";

/** The role transitions a manager may make; anything else is a bug and throws. */
const ROLE_TRANSITIONS: Readonly<Record<RoleState, readonly RoleState[]>> = {
  starting: ["primary", "backup", "stopped"],
  primary: ["backup", "stopped"],
  backup: ["primary", "stopped"],
  stopped: [],
};

/**
 * A registry manager: the store, its admin and replication services, and
 * its role. A primary takes writes, tracks liveness and its backups; a
 * backup follows the primary's log durably, serves reads and watches, and
 * refuses writes naming the primary. A primary that hears of a later epoch
 * steps down (fencing); a backup becomes primary only by promotion.
 */
export class RegistryManager implements ManagerControl {
  private state: RoleState = "starting";
  private primaryAt: ManagerAddress;
  private livenessTracker: LivenessTracker | undefined;
  private follower: WatchFeed | undefined;
  private readonly timers = new Map<string, Timer>();
  private readonly peers = new Map<string, ReplicationClient>();
  private stopping: Promise<void> | undefined;
  private stepping: Promise<void> | undefined;
  readonly backups: BackupTracker;
  private readonly hub: WatchHub<WatchEvent | Buffer>;
  private readonly log: Logger;

  private constructor(
    private readonly options: ManagerOptions & { heartbeatIntervalMs: number; downAfterMs: number },
    readonly address: string,
    private readonly port: number,
    readonly store: RegistryStore,
    private readonly server: grpc.Server,
    private readonly clock: Clock,
    private readonly random: () => number,
    logger: Logger,
  ) {
    this.log = logger;
    this.primaryAt = { host: options.hostId, address };
    this.backups = new BackupTracker(options.syncBackups ?? 0, clock);
    this.hub = new WatchHub<WatchEvent | Buffer>(options.maxWatchQueue);
  }

  get hostId(): string {
    return this.options.hostId;
  }

  static async start(options: ManagerOptions): Promise<RegistryManager> {
    checkHostOption(options.hostId);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ host: options.hostId });
    const settings = {
      ...options,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      downAfterMs: options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS,
    };
    const store = await RegistryStore.open(options.dataDir, { logRetention: options.logRetention, clock, logger });
    let server: grpc.Server | undefined;
    try {
      let role = await store.getMeta<Role>(ROLE_KEY);
      let primary = await store.getMeta<ManagerAddress>(PRIMARY_KEY);
      if (!store.initialized && options.join) {
        role = "backup";
        primary = { host: "", address: options.join };
      } else if (!store.initialized && role === "backup" && primary) {
        logger.warn("the store holds no registry (a resync was cut short): following the primary again");
      } else if (!store.initialized) {
        if (!options.bootstrap) {
          throw failedPrecondition(`${options.dataDir} holds no registry: start the first manager with --bootstrap, or a backup with --join PRIMARY`);
        }
        await store.initialize(randomUUID(), 1);
        role = "primary";
        logger.info({ clusterId: store.position.clusterId }, "bootstrapped a new registry at epoch 1");
      }
      server = newServer({ "grpc.max_receive_message_length": MAX_REQUEST_BYTES });
      const port = await bindServer(server, options.listen);
      const address = endpointOf(listenHost(options.listen), port);
      const random = options.random ?? seededRandom(Date.now());
      const manager = new RegistryManager(settings, address, port, store, server, clock, random, logger);
      // No write is taken before the role is settled: a primary that was replaced must not acknowledge one.
      store.refuseWrites(new CairnError(Code.UNAVAILABLE, "the registry manager is starting"));
      manager.serve(server);
      if (role === "backup") {
        await manager.becomeBackup(primary ?? { host: "", address: options.join ?? "" });
      } else {
        // A primary that comes back first asks its peers whether it was replaced meanwhile.
        const later = await manager.laterPeer();
        if (later) await manager.becomeBackup(later);
        else await manager.becomePrimary(`registry manager ${options.hostId} started`);
      }
      manager.keepWatchersAlive();
      logger.info({ address, role: manager.state, position: { ...store.position, digest: store.position.digest.toString("hex") } }, "registry manager started");
      return manager;
    } catch (error) {
      server?.forceShutdown();
      await store.close();
      throw error;
    }
  }

  role(): Role {
    return this.state === "backup" ? "backup" : "primary";
  }

  primary(): ManagerAddress {
    return this.primaryAt;
  }

  liveness(): LivenessTracker | undefined {
    return this.state === "primary" ? this.livenessTracker : undefined;
  }

  learnedEpoch(epoch: number, primary?: ManagerAddress): void {
    if (epoch <= this.store.position.epoch) return;
    if (this.state === "backup") {
      if (primary && primary.address !== this.primaryAt.address) this.follow(primary);
      return;
    }
    if (this.state !== "primary" || this.stepping) return;
    this.log.warn({ epoch, own: this.store.position.epoch, primary }, "a later epoch exists: stepping down");
    // Refused at once, before anything else runs: a deposed primary acknowledges nothing more.
    this.store.refuseWrites(notPrimary(`this registry manager was deposed at epoch ${epoch}`, primary?.address));
    this.backups.failAll(new CairnError(Code.UNAVAILABLE, "the primary stepped down before the backups confirmed the write"));
    this.stepping = (async () => {
      const next = primary ?? (await this.laterPeer());
      await this.becomeBackup(next ?? { host: "", address: "" });
    })()
      .catch((error) => this.log.error({ err: error }, "could not step down cleanly"))
      .finally(() => (this.stepping = undefined));
  }

  async promote(force: boolean): Promise<PromotionResult> {
    if (this.state !== "backup") throw failedPrecondition(`${this.hostId} is already the primary`);
    const own = this.store.position;
    const peers = await this.peerPositions();
    const checked: string[] = [];
    const primaryAnswer = peers.find((p) => p.address === this.primaryAt.address || (p.position.role === "MANAGER_ROLE_PRIMARY" && p.position.epoch >= own.epoch));
    if (primaryAnswer) {
      const why = `the primary ${primaryAnswer.position.host || this.primaryAt.host} at ${primaryAnswer.address} still answers (epoch ${primaryAnswer.position.epoch}, revision ${primaryAnswer.position.revision})`;
      if (!force) throw failedPrecondition(`${why}; stop it first, or use --force to make two primaries`);
      checked.push(`${why}, promoted anyway (--force)`);
    } else {
      checked.push(`the primary ${this.primaryAt.host || this.primaryAt.address} does not answer`);
    }
    const ahead = peers.filter((p) => p.address !== primaryAnswer?.address && isLater(p.position, own));
    for (const peer of ahead) {
      const why = `backup ${peer.position.host} at ${peer.address} holds a later position (epoch ${peer.position.epoch}, revision ${peer.position.revision}) than this one (epoch ${own.epoch}, revision ${own.revision})`;
      if (!force) throw failedPrecondition(`${why}; promote it instead, or use --force`);
      checked.push(`${why}, promoted anyway (--force)`);
    }
    for (const peer of peers) {
      if (peer === primaryAnswer || ahead.includes(peer)) continue;
      checked.push(`${peer.position.host} at (${peer.position.epoch}, ${peer.position.revision}) is not ahead`);
    }
    const epoch = Math.max(own.epoch, ...peers.map((p) => p.position.epoch)) + 1;
    const deposed = this.primaryAt;
    this.follower?.stop();
    this.follower = undefined;
    await this.store.beginEpoch(epoch);
    await this.becomePrimary(`promote-manager ${this.hostId}: epoch ${epoch}`, deposed.host);
    this.announce(epoch, peers.map((p) => p.address));
    const { revision } = this.store.position;
    this.log.info({ epoch, revision, checked }, "promoted to primary");
    return { epoch, revision, reason: checked.join("; ") };
  }

  /** Finishes or fails in-flight writes, ends every stream, closes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.transition("stopped");
      for (const timer of this.timers.values()) timer.cancel();
      this.follower?.stop();
      for (const peer of this.peers.values()) peer.close();
      this.hub.closeAll(new CairnError(Code.UNAVAILABLE, "the registry manager is shutting down"));
      const drained = new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_GRACE_MS).unref());
      await this.store.close();
      await Promise.race([drained, grace]);
      this.server.forceShutdown();
      this.log.info("registry manager stopped");
    })();
    return this.stopping;
  }

  // ---- roles ----

  private transition(to: RoleState): void {
    const from = this.state;
    if (from === to) return;
    if (!ROLE_TRANSITIONS[from].includes(to)) throw new Error(`registry manager: no transition ${from} -> ${to}`);
    this.state = to;
    this.log.info({ epoch: this.store.position.epoch }, `${from} -> ${to}`);
  }

  private async becomePrimary(cause: string, deposed?: string): Promise<void> {
    this.transition("primary");
    this.primaryAt = { host: this.hostId, address: this.address };
    this.timers.get("backup-heartbeat")?.cancel();
    this.store.refuseWrites(undefined);
    // A fresh grace: nobody has been heard from by this primary yet.
    this.livenessTracker = new LivenessTracker(this.options.downAfterMs, this.clock.now());
    await this.store.setMeta({ [ROLE_KEY]: "primary", [PRIMARY_KEY]: this.primaryAt });
    const steps: Mutation[] = [
      ensureRegistryPackage(this.hostId, { port: this.port, role: "primary", domain: this.options.domain, address: listenHost(this.options.listen) }),
      setHostStatus(this.hostId, "up"),
    ];
    if (deposed) steps.push(demote(deposed));
    // Before the write gate: a new primary records itself even before its backups are back.
    await this.store.mutate(combine(...steps), { cause });
    this.store.setWriteGate(this.backups.required > 0 ? this.backups : undefined);
    this.sweepLiveness(Math.min(this.options.downAfterMs / 4, 500));
  }

  private async becomeBackup(primary: ManagerAddress): Promise<void> {
    this.transition("backup");
    this.timers.get("sweep")?.cancel();
    this.store.setWriteGate(undefined);
    this.livenessTracker = undefined;
    this.primaryAt = primary;
    this.store.refuseWrites(this.notPrimaryError());
    // Watchers of a deposed primary may hold changes the new primary never had: they start over.
    this.hub.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager changed role; watch again"));
    if (this.store.initialized) await this.store.setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: primary });
    this.follow(primary);
    this.heartbeatToPrimary();
  }

  private notPrimaryError(): CairnError {
    const { host, address } = this.primaryAt;
    const named = host ? `${host} at ${address}` : address || "unknown";
    return notPrimary(`${this.hostId} is a backup registry manager; the primary is ${named}`, address);
  }

  /** Follows `primary`'s log (a backup); a new primary replaces the old feed. */
  private follow(primary: ManagerAddress): void {
    this.primaryAt = primary;
    this.store.refuseWrites(this.notPrimaryError());
    if (this.store.initialized) void this.store.setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: primary }).catch(() => {});
    this.follower?.stop();
    this.follower = undefined;
    if (!primary.address) {
      this.log.warn("no primary known: waiting for one to announce itself");
      return;
    }
    const store = this.store;
    this.follower = new WatchFeed({
      hostId: this.hostId,
      isBackup: true,
      sink: {
        position: () => store.position,
        seenEpoch: () => store.position.epoch,
        sawEpoch: (epoch) => {
          if (epoch > store.position.epoch) this.log.info({ epoch }, "the primary is at a later epoch");
        },
        install: async (registry: Registry, position, digest) => {
          await store.install(registry, position, digest);
          await store.setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: this.primaryAt });
          this.hub.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager resynced; watch again"));
          this.ack(position.revision, position.epoch);
        },
        apply: async (changes) => {
          // A feed that replaced another may be sent the change the old one had just applied.
          const head = store.position;
          const fresh = changes.filter((c) => !(c.revision === head.revision && head.digest.equals(c.digest)));
          await store.replicate(fresh);
          const last = changes[changes.length - 1]!;
          this.ack(last.revision, last.epoch);
        },
      },
      // Only the primary: backups do not catch up from each other, so promote-manager can tell which one is ahead.
      candidates: () => [this.primaryAt.address],
      onProgress: (progress) => {
        const named = progress.primary_address;
        if (named && named !== this.address && (named !== this.primaryAt.address || !this.primaryAt.host)) {
          this.primaryAt = { host: progress.primary_host, address: progress.primary_address };
          this.store.refuseWrites(this.notPrimaryError());
        }
      },
      clock: this.clock,
      random: this.random,
      logger: this.log,
    });
    this.follower.start();
  }

  /** Tells the primary this backup has `revision` on disk (for --sync-backups and lag). */
  private ack(revision: number, epoch: number): void {
    if (!this.primaryAt.address) return;
    this.peer(this.primaryAt.address).Ack({ host: this.hostId, epoch, revision }, { deadline: Date.now() + PEER_TIMEOUT_MS }, (error) => {
      if (error) this.log.debug({ err: error }, "ack not delivered");
    });
  }

  /** A backup's host lives too, and its registry package says where and what it is. */
  private heartbeatToPrimary(): void {
    const beat = () => {
      if (this.state !== "backup") return;
      const { epoch, revision } = this.store.position;
      const registryPackage = packageToWire({ type: REGISTRY_TYPE, port: this.port, priority: 0, state: "enabled", health: "healthy", role: "backup" });
      const request = { host: this.hostId, epoch, revision, registry_package: registryPackage, address: listenHost(this.options.listen), domain: this.options.domain ?? "" };
      if (this.primaryAt.address) {
        this.peer(this.primaryAt.address).Heartbeat(request, { deadline: Date.now() + PEER_TIMEOUT_MS }, (error, reply?: HeartbeatReply__Output) => {
          if (error || !reply) return;
          if (reply.epoch > this.store.position.epoch && reply.primary_address && reply.primary_address !== this.primaryAt.address) {
            this.follow({ host: reply.primary_host, address: reply.primary_address });
          }
        });
      }
      this.timers.set("backup-heartbeat", this.clock.setTimeout(beat, this.options.heartbeatIntervalMs));
    };
    this.timers.get("backup-heartbeat")?.cancel();
    beat();
  }

  // ---- peers ----

  /** The other registry managers the registry knows of (their registry packages' endpoints). */
  private otherManagers(): string[] {
    const addresses: string[] = [];
    for (const host of this.store.index.registry.hosts.values()) {
      const pkg = packageOf(host, REGISTRY_TYPE);
      if (!pkg || host.id === this.hostId) continue;
      addresses.push(endpointOf(host.address, pkg.port));
    }
    return addresses;
  }

  private async peerPositions(): Promise<{ address: string; position: Position__Output }[]> {
    const addresses = [...new Set([this.primaryAt.address, ...this.otherManagers()].filter((a) => a && a !== this.address))];
    const answers = await Promise.all(
      addresses.map(
        (address) =>
          new Promise<{ address: string; position: Position__Output } | undefined>((resolve) =>
            this.peer(address).GetPosition({}, { deadline: Date.now() + PEER_TIMEOUT_MS }, (error, position) =>
              resolve(error || !position ? undefined : { address, position }),
            ),
          ),
      ),
    );
    return answers.filter((a) => a !== undefined && a.position.host !== this.hostId) as { address: string; position: Position__Output }[];
  }

  /** A peer at a later epoch, as the primary to follow, if any answers. */
  private async laterPeer(): Promise<ManagerAddress | undefined> {
    const own = this.store.position.epoch;
    const later = (await this.peerPositions()).filter((p) => p.position.epoch > own).sort((a, b) => b.position.epoch - a.position.epoch)[0];
    if (!later) return undefined;
    const named = later.position.primary_address;
    if (managerRoleFromWire(later.position.role) === "primary" || !named) return { host: later.position.host, address: later.address };
    return { host: later.position.primary_host, address: named };
  }

  /** Tells every other manager of the new epoch; a primary among them steps down. */
  private announce(epoch: number, addresses: string[]): void {
    for (const address of new Set([...addresses, ...this.otherManagers()])) {
      this.peer(address).Announce({ epoch, primary_host: this.hostId, primary_address: this.address }, { deadline: Date.now() + PEER_TIMEOUT_MS }, (error) => {
        if (error) this.log.debug({ address, err: error }, "announcement not delivered");
      });
    }
  }

  private peer(address: string): ReplicationClient {
    let client = this.peers.get(address);
    if (!client) {
      client = new v1.Replication(address, grpc.credentials.createInsecure());
      this.peers.set(address, client);
    }
    return client;
  }

  // ---- services and timers ----

  private serve(server: grpc.Server): void {
    const { store, clock, log } = this;
    server.addService(
      replicationServiceWithEncodedEvents,
      replicationHandlers({ store, hub: this.hub, manager: this, clock, logger: log, heartbeatIntervalMs: this.options.heartbeatIntervalMs, downAfterMs: this.options.downAfterMs }),
    );
    server.addService(registryService, registryHandlers({ store, clock, logger: log, manager: this }));
    store.subscribe((change) => {
      // Nobody to tell: a watcher that comes later reads this change in its catch-up.
      if (this.hub.size === 0) return;
      // Encoded once for every watcher, and sent after the writers have their answers.
      const event = encodeWatchEvent({ change: changeToWire(change) });
      setImmediate(() => this.hub.broadcast(change.revision, event));
    });
  }

  private sweepLiveness(everyMs: number): void {
    const sweep = () => {
      const liveness = this.liveness();
      if (!liveness) return;
      const overdue = liveness.overdue(this.store.index.registry, this.clock.now(), this.hostId);
      if (overdue.length > 0) {
        // One change for every host found silent in this sweep, each checked again when the write
        // runs: a heartbeat may have come in between.
        const markDown: Mutation = (state) =>
          overdue.flatMap((host) => {
            const record = state.hosts.get(host);
            return record && record.status !== "down" && liveness.isOverdue(host, this.clock.now())
              ? [{ kind: "put-host" as const, host: { ...record, status: "down" as const } }]
              : [];
          });
        const cause = overdue.length === 1 ? `no heartbeat from ${overdue[0]}` : `no heartbeat from ${overdue.length} hosts`;
        this.store.mutate(markDown, { cause }).catch((error) => this.log.warn({ err: error, hosts: overdue.length }, "could not mark silent hosts down"));
      }
      this.timers.set("sweep", this.clock.setTimeout(sweep, everyMs));
    };
    this.timers.get("sweep")?.cancel();
    this.timers.set("sweep", this.clock.setTimeout(sweep, everyMs));
  }

  private keepWatchersAlive(): void {
    const tick = () => {
      this.hub.progress({ progress: progressOf({ store: this.store, manager: this }) });
      this.timers.set("progress", this.clock.setTimeout(tick, PROGRESS_INTERVAL_MS));
    };
    this.timers.set("progress", this.clock.setTimeout(tick, PROGRESS_INTERVAL_MS));
  }
}

/**
 * The Replication service, except that Watch also takes events already
 * encoded: a change is encoded once, not once per watcher.
 */
const encodeWatchEvent = replicationService.Watch.responseSerialize as (event: WatchEvent) => Buffer;
const replicationServiceWithEncodedEvents: grpc.ServiceDefinition = {
  ...replicationService,
  Watch: {
    ...replicationService.Watch,
    responseSerialize: (event: WatchEvent | Buffer) => (Buffer.isBuffer(event) ? event : encodeWatchEvent(event)),
  },
};

/** (epoch, revision) order: a later epoch wins, then a later revision. */
function isLater(a: { epoch: number; revision: number }, b: { epoch: number; revision: number }): boolean {
  return a.epoch > b.epoch || (a.epoch === b.epoch && a.revision > b.revision);
}

/** The deposed primary's registry package says `backup` from now on. */
function demote(host: string): Mutation {
  return (state) => {
    const record = state.hosts.get(host);
    const pkg = record && packageOf(record, REGISTRY_TYPE);
    if (!record || !pkg || pkg.role === "backup") return [];
    return [{ kind: "put-host", host: { ...record, packages: record.packages.map((p) => (p === pkg ? { ...p, role: "backup" as const } : p)) } }];
  };
}
