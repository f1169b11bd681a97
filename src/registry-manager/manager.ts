import { randomUUID } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { seededRandom, systemClock, type Clock } from "../clock.js";
import { CairnError, Code, failedPrecondition, notPrimary } from "../errors.js";
import { silentLogger } from "../logger.js";
import { DEFAULT_DOWN_AFTER_MS, DEFAULT_HEARTBEAT_INTERVAL_MS } from "../registry/defaults.js";
import { endpointOf, type ManagerRole } from "../registry/model.js";
import { checkHostId } from "../registry/names.js";
import { serverSecurity, type ServerSecurity } from "../security/server-security.js";
import type { Identity } from "../security/identity.js";
import { DataDirGuard } from "../storage/data-dir.js";
import { replicationServiceWithEncodedEvents, WatchServer } from "../replication/watch-server.js";
import { registryService } from "../wire/proto-loader.js";
import { bindServer, listenHost, newServer, stopServer } from "../wire/server.js";
import { BackupTracker } from "./backups.js";
import type { ManagerOptions, Settings } from "./manager-options.js";
import { DEFAULT_JOIN_TIMEOUT_MS } from "./defaults.js";
import { Follower } from "./follower.js";
import { LivenessTracker, sweepIntervalMs } from "./liveness.js";
import { LivenessSweep } from "./liveness-sweep.js";
import type { ManagerAddress, ManagerControl, PromotionResult } from "./manager-control.js";
import { setHostStatus } from "./mutations/heartbeat.js";
import { demoteRegistryPackage, ensureRegistryPackage } from "./mutations/manager-records.js";
import { combine, type Mutation } from "./mutations/mutation.js";
import { Announcer } from "./announcer.js";
import { ManagerPeers, primaryToFollow } from "./peers.js";
import {
  checkSameRegistry,
  JoinAnswer,
  lostWritesError,
  lostWritesSeen,
  PRIMARY_KEY,
  ROLE_KEY,
  startingRole,
} from "./startup.js";
import { checkPromotion } from "./promotion.js";
import { registryHandlers } from "./registry-service.js";
import { replicationHandlers } from "./replication-service.js";
import { nextRole, reportedRole, type RoleEvent, type RoleState } from "./role.js";
import { RegistryStore } from "./store.js";

export type { ManagerOptions };

/** How long a clean stop waits for in-flight calls before cutting them. */
const SHUTDOWN_GRACE_MS = 5_000;
/** Admin requests larger than this are refused (RESOURCE_EXHAUSTED); imports stream in chunks. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * A registry manager: the store, its admin and replication services, and
 * its role (role.ts). A primary takes writes, tracks liveness and its
 * backups; a backup follows the primary's log durably, serves reads and
 * watches, and refuses writes naming the primary. A primary that hears of a
 * later epoch steps down (fencing); a backup becomes primary only by
 * promotion.
 */
export class RegistryManager implements ManagerControl {
  private state: RoleState = "starting";
  private primaryAt: ManagerAddress;
  private livenessTracker: LivenessTracker | undefined;
  private sweep: LivenessSweep | undefined;
  private follower: Follower | undefined;
  private stopping: Promise<void> | undefined;
  readonly backups: BackupTracker;
  private readonly watchServer: WatchServer;
  private readonly peers: ManagerPeers;
  private readonly announcer: Announcer;
  /** Set once this primary found its disk behind what it acknowledged (`sawRevision`): every call is refused with it. */
  private lost: CairnError | undefined;
  /** A new backup's start waits for its primary's first answer. */
  private readonly joinAnswer: JoinAnswer;
  /** The highest epoch heard of while starting, before there was a role to step down from. */
  private heardWhileStarting: { epoch: number; primary: ManagerAddress | undefined } | undefined;

  private constructor(
    private readonly options: Settings,
    readonly address: string,
    private readonly port: number,
    readonly store: RegistryStore,
    private readonly server: grpc.Server,
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly log: Logger,
    private readonly security: ServerSecurity,
  ) {
    this.primaryAt = { host: options.hostId, address };
    this.backups = new BackupTracker(options.syncBackups ?? 0);
    this.backups.onCommitPoint((revision) => {
      if (this.state === "primary") store.commitThrough(revision);
    });
    this.peers = new ManagerPeers({ hostId: options.hostId, address }, clock, log, security.transport.channel({ kind: "manager" }));
    this.joinAnswer = new JoinAnswer(clock, options.dataDir);
    this.announcer = new Announcer(
      this.peers,
      () => this.knownManagers(),
      () => ({ epoch: store.epoch, primary: this.primaryAt }),
      (epoch) => this.learnedEpoch(epoch),
      clock,
    );
    this.watchServer = new WatchServer({
      source: store,
      primary: () => this.primaryAt,
      admit: (request, caller) => {
        // Epochs and revisions are believed of managers only, the claim to be backup H of manager/H only (when callers prove who they are).
        if (this.believes(caller)) {
          this.learnedEpoch(request.seen_epoch);
          if (request.seen_epoch > store.epoch) {
            // A deposed manager's history is not one to follow.
            throw notPrimary(`this registry manager is behind epoch ${request.seen_epoch}; watch the primary`, this.primaryAt.address);
          }
          this.sawRevision(request.epoch, request.from_revision, request.is_backup ? `backup ${request.host}` : `${request.host}'s replica`);
        }
        if (this.lost) throw this.lost;
        const backup = request.is_backup && this.believes(caller, request.host);
        return { backup, ended: backup ? this.backups.opened(request.host) : undefined };
      },
      syncBackups: () => (this.state === "primary" ? this.backups.required : 0),
      clock,
      logger: log,
      maxQueued: options.maxWatchQueue,
    });
  }

  get hostId(): string {
    return this.options.hostId;
  }

  static async start(options: ManagerOptions): Promise<RegistryManager> {
    checkHostId(options.hostId);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ host: options.hostId });
    const settings: Settings = {
      ...options,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      downAfterMs: options.downAfterMs ?? DEFAULT_DOWN_AFTER_MS,
    };
    // Certificates are checked before anything else: a bad one is one line, and --data is not touched.
    const security = serverSecurity(options.security ?? {}, options.listen, `manager/${options.hostId}`, options.hostId, logger);
    // A start that fails leaves --data as it found it: nothing is written before the port is bound.
    const guard = new DataDirGuard(options.dataDir);
    let store: RegistryStore | undefined;
    let server: grpc.Server | undefined;
    let manager: RegistryManager | undefined;
    try {
      store = await RegistryStore.open(options.dataDir, { logRetention: options.logRetention, clock, logger });
      const plan = await startingRole(store, options, logger);
      server = newServer({ "grpc.max_receive_message_length": MAX_REQUEST_BYTES, interceptors: security.interceptors });
      const port = await bindServer(server, options.listen, security.transport.serverCredentials());
      await security.transport.ready();
      if (plan.bootstrap) {
        await store.initialize(randomUUID(), 1);
        logger.info({ clusterId: store.position.clusterId }, "bootstrapped a new registry at epoch 1");
      }
      const address = endpointOf(listenHost(options.listen), port);
      const random = options.random ?? seededRandom(Date.now());
      manager = new RegistryManager(settings, address, port, store, server, clock, random, logger, security);
      // No write is taken before the role is settled: a primary that was replaced must not acknowledge one.
      store.refuseWrites(new CairnError(Code.UNAVAILABLE, "the registry manager is starting"));
      manager.serve(server);
      await manager.settle(plan.role, plan.primary);
      const { digest, ...position } = store.position;
      logger.info({ address, role: manager.state, position: { ...position, digest: digest.toString("hex") } }, "registry manager started");
      return manager;
    } catch (error) {
      if (manager) await manager.stop();
      else {
        security.close();
        server?.forceShutdown();
        await store?.close();
      }
      guard.undo();
      throw error;
    }
  }

  /** Start-up's last step: the role on disk (or from --join), checked against the peers. */
  private async settle(role: ManagerRole, primary: ManagerAddress): Promise<void> {
    const { join } = this.options;
    if (join && this.store.initialized) await checkSameRegistry(this.peers, this.store, join, this.options.dataDir, this.log);
    const lost = this.store.lostWrites;
    if (role === "backup") {
      // A backup's lost tail is sent again by its primary: it only catches up from further back.
      if (lost) this.log.warn({ held: lost.held, now: lost.now.revision }, "this backup's disk lost writes; it catches up from its primary");
      const joining = !this.store.initialized;
      const answered = joining ? this.joinAnswer.wait(join ?? primary.address, this.options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS) : undefined;
      await this.becomeBackup("started-backup", primary);
      await answered;
      // A restarted manager announces itself: a primary behind the epoch it holds steps down.
      await this.announcer.round();
      this.announcer.stop();
      return;
    }
    // A primary that comes back first asks its peers whether it was replaced meanwhile.
    const epoch = this.store.epoch;
    const peers = await this.peers.positions(this.knownManagers(), epoch);
    const later = primaryToFollow(peers, epoch) ?? this.heardWhileStarting?.primary;
    if (later || (this.heardWhileStarting?.epoch ?? 0) > epoch) {
      if (lost) this.log.warn({ held: lost.held, now: lost.now.revision }, "this manager's disk lost writes, but it was replaced meanwhile: it resyncs from the new primary");
      await this.becomeBackup("started-backup", later ?? { host: "", address: "" });
      return;
    }
    // Not replaced, and behind what it had acknowledged: serving now would serve the past.
    const own = this.store.durablePosition.revision;
    const ahead = peers.filter((p) => p.position.epoch === epoch && p.position.revision > own).sort((a, b) => b.position.revision - a.position.revision);
    if (lost || ahead.length > 0) throw lostWritesError(this.options.dataDir, own, lost?.held, ahead);
    await this.becomePrimary("started-primary", `registry manager ${this.hostId} started`);
    // Told before anyone is told this manager listens: a primary at a lower epoch steps down now.
    await this.announcer.start();
  }

  role(): ManagerRole {
    return reportedRole(this.state);
  }

  refusal(): CairnError | undefined {
    return this.lost;
  }

  believes(caller: Identity | undefined, host?: string): boolean {
    if (this.security.transport.identity === undefined) return true;
    return caller?.kind === "manager" && (host === undefined || caller.name === host);
  }

  /**
   * Someone holds `revision` of `epoch`. Beyond this primary's disk in its
   * own epoch, that is a write this primary made durable and no longer has:
   * its disk lost it. From then on it serves nothing (it would serve the
   * past), and says so, until an operator repairs it.
   */
  sawRevision(epoch: number, revision: number, who: string): void {
    if (this.lost || this.state !== "primary" || epoch !== this.store.epoch) return;
    const own = this.store.durablePosition.revision;
    if (revision <= own) return;
    this.lost = lostWritesSeen(this.hostId, who, epoch, revision, own);
    this.log.error({ holder: who, revision, own }, "this primary's disk is behind what it acknowledged: it serves nothing more");
    this.store.refuseWrites(this.lost);
    this.watchServer.closeAll(this.lost);
  }

  primary(): ManagerAddress {
    return this.primaryAt;
  }

  liveness(): LivenessTracker | undefined {
    return this.state === "primary" ? this.livenessTracker : undefined;
  }

  learnedEpoch(epoch: number, primary?: ManagerAddress): void {
    if (epoch <= this.store.epoch) return;
    if (this.state === "starting") {
      if (epoch > (this.heardWhileStarting?.epoch ?? 0)) this.heardWhileStarting = { epoch, primary };
      return;
    }
    if (this.state === "backup") {
      if (primary && primary.address !== this.primaryAt.address) void this.follow(primary);
      return;
    }
    if (!this.transition("deposed")) return;
    this.log.warn({ epoch, own: this.store.epoch, primary }, "a later epoch exists: stepping down");
    // Refused at once, before anything else runs: a deposed primary acknowledges nothing more, not
    // even the writes already on its disk and waiting for their backups.
    this.store.refuseWrites(notPrimary(`this registry manager was deposed at epoch ${epoch}`, primary?.address));
    void (async () => {
      const next = primary ?? (await this.laterPeer());
      await this.becomeBackup("stepped-down", next ?? { host: "", address: "" });
    })().catch((error) => this.log.error({ err: error }, "could not step down cleanly"));
  }

  async promote(force: boolean): Promise<PromotionResult> {
    if (this.state !== "backup") throw failedPrecondition(`${this.hostId} is already the primary`);
    const own = { ...this.store.durablePosition, epoch: this.store.epoch };
    const peers = await this.peers.positions(this.knownManagers(), this.store.epoch);
    // Checked before the state moves: a refused promotion leaves the backup as it was.
    const { epoch, checked } = checkPromotion(own, this.primaryAt, peers, force);
    this.transition("promote");
    const deposed = this.primaryAt;
    try {
      this.follower?.stop();
      this.follower = undefined;
      await this.store.beginEpoch(epoch);
      await this.becomePrimary("promoted", `promote-manager ${this.hostId}: epoch ${epoch}`, deposed.host);
    } catch (error) {
      this.transition("promotion-failed");
      void this.follow(deposed);
      throw error;
    }
    // Repeated for the whole reign: a peer that cannot hear it now (paused, cut off) hears it later.
    void this.announcer.start();
    const { revision } = this.store.position;
    this.log.info({ epoch, revision, checked }, "promoted to primary");
    return { epoch, revision, reason: checked.join("; ") };
  }

  /** Finishes or fails in-flight writes, ends every stream, closes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.transition("stop");
      this.sweep?.stop();
      this.announcer.stop();
      this.follower?.stop();
      this.peers.close();
      this.watchServer.stop(new CairnError(Code.UNAVAILABLE, "the registry manager is shutting down"));
      this.security.close();
      const drained = stopServer(this.server, SHUTDOWN_GRACE_MS);
      await this.store.close();
      await drained;
      this.log.info("registry manager stopped");
    })();
    return this.stopping;
  }

  // ---- roles ----

  /** Moves the role by `event`; false (and nothing moves) when the event means nothing in this state. */
  private transition(event: RoleEvent): boolean {
    const from = this.state;
    const to = nextRole(from, event);
    if (to === undefined) return false;
    this.state = to;
    this.log.info({ epoch: this.store.epoch, event }, `${from} -> ${to}`);
    return true;
  }

  private async becomePrimary(event: RoleEvent, cause: string, deposed?: string): Promise<void> {
    if (!this.transition(event)) return;
    this.primaryAt = { host: this.hostId, address: this.address };
    // The gate first: from the first write this primary accepts, none is answered outside it.
    const gated = this.backups.required > 0;
    this.backups.startReign();
    this.store.setWriteGate(gated ? this.backups : undefined);
    this.store.setAutoCommit(!gated);
    this.store.refuseWrites(undefined);
    // A fresh grace: nobody has been heard from by this primary yet.
    this.livenessTracker = new LivenessTracker(this.options.downAfterMs, this.clock.now());
    await this.store.setMeta({ [ROLE_KEY]: "primary", [PRIMARY_KEY]: this.primaryAt });
    const steps: Mutation[] = [
      ensureRegistryPackage(this.hostId, { port: this.port, role: "primary", domain: this.options.domain, address: listenHost(this.options.listen) }),
      setHostStatus(this.hostId, "up"),
    ];
    if (deposed) steps.push(demoteRegistryPackage(deposed));
    // Durable is enough to go on: a new primary records itself before its backups are back (readers
    // see the record once they are).
    await this.store.mutate(combine(...steps), { cause, untilDurable: true });
    this.sweep = new LivenessSweep(this.livenessTracker, this.store, this.hostId, sweepIntervalMs(this.options.downAfterMs), this.clock, this.log);
    this.sweep.start();
  }

  private async becomeBackup(event: RoleEvent, primary: ManagerAddress): Promise<void> {
    if (!this.transition(event)) return;
    this.sweep?.stop();
    this.sweep = undefined;
    this.announcer.stop();
    // What this manager wrote and its backups never confirmed is not for readers; what it is sent
    // from now on is committed as its new primary says.
    this.store.setAutoCommit(false);
    this.store.setWriteGate(undefined);
    this.livenessTracker = undefined;
    // Watchers of a deposed primary may hold changes the new primary never had: they start over.
    this.watchServer.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager changed role; watch again"));
    await this.follow(primary);
  }

  private notPrimaryError(): CairnError {
    const { host, address } = this.primaryAt;
    const named = host ? `${host} at ${address}` : address || "unknown";
    return notPrimary(`${this.hostId} is a backup registry manager; the primary is ${named}`, address);
  }

  /**
   * Takes `primary` for the primary: writes are refused naming it, and the
   * choice is kept on disk (resolves once it is; a failure is logged).
   */
  private namePrimary(primary: ManagerAddress): Promise<void> {
    this.primaryAt = primary;
    this.store.refuseWrites(this.notPrimaryError());
    if (!this.store.initialized) return Promise.resolve();
    return this.store
      .setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: primary })
      .catch((error) => this.log.warn({ err: error }, "could not record the primary on disk"));
  }

  /** Follows `primary`'s log (a backup); a new primary replaces the old follower. */
  private follow(primary: ManagerAddress): Promise<void> {
    const recorded = this.namePrimary(primary);
    this.follower?.stop();
    this.follower = undefined;
    if (!primary.address) {
      this.log.warn("no primary known: waiting for one to announce itself");
      return recorded;
    }
    this.follower = new Follower({
      hostId: this.hostId,
      address: this.address,
      port: this.port,
      listenHost: listenHost(this.options.listen),
      domain: this.options.domain ?? "",
      store: this.store,
      peers: this.peers,
      primary: () => this.primaryAt,
      onPrimaryNamed: (named, follow) => void (follow ? this.follow(named) : this.namePrimary(named)),
      onAnswered: () => this.joinAnswer.answered(),
      onInstalled: async () => {
        await this.store.setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: this.primaryAt });
        this.watchServer.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager resynced; watch again"));
      },
      heartbeatIntervalMs: this.options.heartbeatIntervalMs,
      channel: this.security.transport.channel({ kind: "manager" }),
      clock: this.clock,
      random: this.random,
      logger: this.log,
    });
    this.follower.start();
    return recorded;
  }

  /** A peer at a later epoch, as the primary to follow, if any answers. */
  private laterPeer(): Promise<ManagerAddress | undefined> {
    return this.peers.later(this.knownManagers(), this.store.epoch);
  }

  /** Every other manager this one knows of: the primary it follows, and the registry's registry packages. */
  private knownManagers(): string[] {
    return [this.primaryAt.address, ...this.peers.others(this.store.latest)];
  }

  private serve(server: grpc.Server): void {
    const { store, clock, log } = this;
    const { heartbeatIntervalMs, downAfterMs } = this.options;
    server.addService(
      replicationServiceWithEncodedEvents,
      replicationHandlers({ store, watch: this.watchServer.handle, manager: this, clock, logger: log, heartbeatIntervalMs, downAfterMs }),
    );
    server.addService(registryService, registryHandlers({ store, clock, logger: log, manager: this }));
  }
}
