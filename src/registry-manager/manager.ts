import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { seededRandom, systemClock, type Clock } from "../clock.js";
import { EtcdCoordinator } from "../coordination/etcd-coordinator.js";
import { CairnError, Code, failedPrecondition, notPrimary } from "../errors.js";
import { silentLogger } from "../logger.js";
import { DEFAULT_ADDRESS, endpointOf, type ManagerRole } from "../registry/model.js";
import { checkHostId, dialableAddress, listenHost } from "../registry/names.js";
import { type ServerSecurity } from "../security/server-security.js";
import type { Identity } from "../security/identity.js";
import { replicationServiceWithEncodedEvents, type WatchServer } from "../replication/watch-server.js";
import { registryService } from "../wire/proto-loader.js";
import { stopServer } from "../wire/server.js";
import { serveStandardServices, type ServedHealth, type ServingHealth } from "../wire/standard-services.js";
import { BackupTracker } from "./backups.js";
import { dampingOf, settingsOf, type ManagerOptions, type Settings } from "./manager-options.js";
import { DEFAULT_JOIN_TIMEOUT_MS, DEFAULT_LEASE_TTL_SECONDS } from "./defaults.js";
import { Elector } from "./election.js";
import { FlapDamping } from "./flap-damping.js";
import { agentViews, type AgentFilter, type AgentView } from "./fleet-view.js";
import { newFollower, type Follower } from "./following.js";
import { LivenessTracker, sweepIntervalMs } from "./liveness.js";
import { LivenessSweep } from "./liveness-sweep.js";
import { PulseRelay } from "./pulse-relay.js";
import type { ElectionStatus, ManagerAddress, ManagerControl, PromotionResult } from "./manager-control.js";
import { managerWatchServer } from "./manager-watch.js";
import { primaryRecords } from "./mutations/manager-records.js";
import { Announcer } from "./announcer.js";
import { ManagerPeers } from "./peers.js";
import { checkSameRegistry, JoinAnswer, lostWritesError, openGrounds, lostWritesSeen, PRIMARY_KEY, replacedWhileAway, ROLE_KEY } from "./startup.js";
import { checkPromotion } from "./promotion.js";
import { startManagerHttp, type ManagerHttp } from "./manager-http.js";
import { registryHandlers } from "./registry-service.js";
import { replicationHandlers } from "./replication-service.js";
import { backupRefusal, nextRole, reportedRole, type RoleEvent, type RoleState } from "./role.js";
import { healthFacts, managerHealth } from "./serving-health.js";
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
  /** `--http` (manager-http.ts), once started. */
  private http: ManagerHttp | undefined;
  /** Role transitions since the start, for /metrics. */
  roleChanges = 0;
  readonly backups: BackupTracker;
  readonly watchServer: WatchServer;
  private readonly peers: ManagerPeers;
  /** With --relay-heartbeats: takes agents' pulses while this manager is a backup. */
  private readonly relay: PulseRelay | undefined;
  private readonly announcer: Announcer;
  /** Set once this primary found its disk behind what it acknowledged (`sawRevision`): every call is refused with it. */
  private lost: CairnError | undefined;
  /** A new backup's start waits for its primary's first answer. */
  private readonly joinAnswer: JoinAnswer;
  /** Under a coordinator (--coordinator): who is primary is etcd's to say. */
  private elector: Elector | undefined;
  /** The highest epoch heard of while starting, before there was a role to step down from. */
  private heardWhileStarting: { epoch: number; primary: ManagerAddress | undefined } | undefined;
  /** grpc.health.v1 on this server: refreshed after each change of role, of the backups, or of fencing. */
  private served: ServedHealth | undefined;

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
    this.watchServer = managerWatchServer(this, store, clock, log, options.maxWatchQueue);
    this.relay = options.relayHeartbeats ? new PulseRelay(this, this.peers, () => store.epoch, clock, log.child({ component: "relay" })) : undefined;
  }

  get hostId(): string {
    return this.options.hostId;
  }

  /** `http://HOST:PORT` (`https://…` with TLS) of `--http`; undefined without. */
  get httpAddress(): string | undefined {
    return this.http?.address;
  }

  static async start(options: ManagerOptions): Promise<RegistryManager> {
    checkHostId(options.hostId);
    const clock = options.clock ?? systemClock;
    const logger = (options.logger ?? silentLogger).child({ host: options.hostId });
    const settings = settingsOf(options);
    const grounds = await openGrounds(options, clock, logger, MAX_REQUEST_BYTES);
    const { security, store, server, port, plan } = grounds;
    let manager: RegistryManager | undefined;
    try {
      const address = endpointOf(listenHost(options.listen), port);
      const random = options.random ?? seededRandom(Date.now());
      manager = new RegistryManager(settings, address, port, store, server, clock, random, logger, security);
      // No write is taken before the role is settled: a primary that was replaced must not acknowledge one.
      store.refuseWrites(new CairnError(Code.UNAVAILABLE, "the registry manager is starting"));
      manager.serve(server);
      manager.http = await startManagerHttp(manager, options, grounds, clock, logger);
      await manager.settle(plan.role, plan.primary);
      const { digest, ...position } = store.position;
      logger.info({ address, role: manager.state, position: { ...position, digest: digest.toString("hex") } }, "registry manager started");
      return manager;
    } catch (error) {
      if (manager) await manager.stop();
      else await grounds.close();
      grounds.undo();
      throw error;
    }
  }

  /** Start-up's last step: the role on disk (or from --join), checked against the peers. */
  private async settle(role: ManagerRole, primary: ManagerAddress): Promise<void> {
    if (this.options.coordinator) return this.settleCoordinated(role, primary);
    const { join } = this.options;
    if (join && this.store.initialized) await checkSameRegistry(this.peers, this.store, join, this.options.dataDir, this.log);
    const lost = this.store.lostWrites;
    if (role === "backup") {
      // A backup's lost tail is sent again by its primary: it only catches up from further back.
      if (lost) this.log.warn({ held: lost.held, now: lost.now.revision }, "this backup's disk lost writes; it catches up from its primary");
      await this.startAsBackup(primary);
      // A restarted manager announces itself: a primary behind the epoch it holds steps down.
      await this.announcer.round();
      this.announcer.stop();
      return;
    }
    // A primary that comes back first asks its peers whether it was replaced meanwhile.
    const peers = await this.peers.positions(this.knownManagers(), this.store.epoch);
    const replacedBy = replacedWhileAway(this.store, peers, this.heardWhileStarting, this.options.dataDir, this.log);
    if (replacedBy) return this.becomeBackup("started-backup", replacedBy);
    await this.becomePrimary("started-primary", `registry manager ${this.hostId} started`);
    // Told before anyone is told this manager listens: a primary at a lower epoch steps down now.
    await this.announcer.start();
  }

  /** Under a coordinator a manager starts as a backup, and etcd makes it the primary (election.ts). */
  private async settleCoordinated(role: ManagerRole, primary: ManagerAddress): Promise<void> {
    const lost = this.store.lostWrites;
    if (lost && role === "primary") throw lostWritesError(this.options.dataDir, this.store.durablePosition.revision, lost.held, []);
    await this.startAsBackup(role === "backup" ? primary : { host: "", address: "" });
    // etcd's keys are the registry's: a joining backup knows it once its first snapshot is in.
    await this.joinAnswer.initialized(this.store, this.options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS);
    const coordinator = new EtcdCoordinator(this.options.coordinator!, this.store.position.clusterId, this.options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS, this.clock, this.log);
    this.elector = new Elector(this, coordinator, this.backups.required, role === "primary", this.clock, this.log.child({ component: "election" }));
    this.elector.start();
  }

  /** A backup of `primary`; a new one (empty --data) waits for its first answer, up to --join-timeout. */
  private async startAsBackup(primary: ManagerAddress): Promise<void> {
    const joining = !this.store.initialized;
    const timeoutMs = this.options.joinTimeoutMs ?? DEFAULT_JOIN_TIMEOUT_MS;
    const answered = joining ? this.joinAnswer.wait(this.options.join ?? primary.address, timeoutMs) : undefined;
    await this.becomeBackup("started-backup", primary);
    await answered;
  }

  /** Under a coordinator: follows etcd's holder (a backup), or steps down to follow it (a primary). */
  followHolder(holder: ManagerAddress): void {
    if (this.state === "primary") this.yieldLeadership(`etcd names ${holder.host} the primary`, holder);
    else if (this.state === "backup" && (holder.address !== this.primaryAt.address || !this.follower)) void this.follow(holder);
  }

  roleState(): RoleState {
    return this.state;
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
    this.served?.refresh();
  }

  /** Whether it can do its role's work (serving-health.ts), as grpc.health.v1 and /healthz say. */
  health(): ServingHealth {
    return managerHealth(healthFacts(this));
  }

  primary(): ManagerAddress {
    return this.primaryAt;
  }

  liveness(): LivenessTracker | undefined {
    return this.state === "primary" ? this.livenessTracker : undefined;
  }

  /** The fleet view (fleet-view.ts): only the primary hears heartbeats, so a backup names it. */
  agents(filter?: AgentFilter): AgentView[] {
    if (this.state !== "primary" || !this.livenessTracker) throw backupRefusal(this.hostId, this.primaryAt);
    return agentViews(this.store.index.registry, this.livenessTracker, this.store.position.revision, this.clock.now(), this.hostId, filter);
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
    this.yieldLeadership(`it was deposed at epoch ${epoch}`, primary);
  }

  /** Refuses writes and becomes a backup: of `next` when known, else of a peer at a later epoch, if any answers. */
  yieldLeadership(why: string, next?: ManagerAddress): void {
    if (!this.transition("deposed")) return;
    this.log.warn({ why, own: this.store.epoch, next }, "stepping down");
    // Refused at once, before anything else runs: a deposed primary acknowledges nothing more, not
    // even the writes already on its disk and waiting for their backups.
    this.store.refuseWrites(notPrimary(`this registry manager stepped down: ${why}`, next?.address));
    void (async () => {
      // Under a coordinator etcd names the next primary; without one, the peers may.
      const primary = next ?? (this.elector ? undefined : await this.laterPeer());
      await this.becomeBackup("stepped-down", primary ?? { host: "", address: "" });
    })().catch((error) => this.log.error({ err: error }, "could not step down cleanly"));
  }

  async promote(force: boolean): Promise<PromotionResult> {
    // Under a coordinator etcd elects: promote-manager asks the primary to hand over.
    if (this.elector) return this.elector.switchover();
    if (this.state !== "backup") throw failedPrecondition(`${this.hostId} is already the primary`);
    const peers = await this.peers.positions(this.knownManagers(), this.store.epoch);
    // Checked before the state moves: a refused promotion leaves the backup as it was.
    const { epoch, checked } = checkPromotion({ ...this.store.durablePosition, epoch: this.store.epoch }, this.primaryAt, peers, force);
    await this.takeOver(epoch, `promote-manager ${this.hostId}: epoch ${epoch}`);
    const { revision } = this.store.position;
    this.log.info({ epoch, revision, checked }, "promoted to primary");
    return { epoch, revision, reason: checked.join("; ") };
  }

  /** This backup becomes the primary at `epoch` (a promotion, or an election). */
  async takeOver(epoch: number, cause: string): Promise<void> {
    if (!this.transition("promote")) throw failedPrecondition(`${this.hostId} is not a backup (${this.state})`);
    const deposed = this.primaryAt;
    try {
      this.stopFollowing();
      await this.store.beginEpoch(epoch);
      await this.becomePrimary("promoted", cause, deposed.host);
    } catch (error) {
      this.transition("promotion-failed");
      void this.follow(deposed);
      throw error;
    }
    // Repeated for the whole reign: a peer that cannot hear it now (paused, cut off) hears it later.
    void this.announcer.start();
  }

  coordination(): ElectionStatus | undefined {
    return this.elector?.status();
  }

  /** Finishes or fails in-flight writes, ends every stream, closes the store. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.transition("stop");
      // First: a primary that stops hands its key over at once, not a TTL later.
      await this.elector?.stop().catch((error: unknown) => this.log.warn({ err: error }, "could not leave etcd cleanly"));
      this.sweep?.stop();
      this.relay?.stop();
      this.announcer.stop();
      this.stopFollowing();
      this.peers.close();
      await this.http?.close();
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
    this.roleChanges++;
    this.log.info({ epoch: this.store.epoch, event }, `${from} -> ${to}`);
    this.served?.refresh();
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
    // A fresh grace: nobody has been heard from by this primary yet. A fresh damping too: what the
    // last primary counted of flapping hosts stayed in its memory (flap-damping.ts).
    this.livenessTracker = new LivenessTracker(this.options.downAfterMs, this.clock.now(), new FlapDamping(dampingOf(this.options)));
    await this.store.setMeta({ [ROLE_KEY]: "primary", [PRIMARY_KEY]: this.primaryAt });
    const own = { port: this.port, domain: this.options.domain, address: dialableAddress(listenHost(this.options.listen), DEFAULT_ADDRESS) };
    // Durable is enough to go on: a new primary records itself before its backups are back (readers
    // see the record once they are).
    await this.store.mutate(primaryRecords(this.hostId, own, deposed), { cause, untilDurable: true });
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

  /**
   * Takes `primary` for the primary: writes are refused naming it, and the
   * choice is kept on disk (resolves once it is; a failure is logged).
   */
  private namePrimary(primary: ManagerAddress): Promise<void> {
    this.primaryAt = primary;
    this.store.refuseWrites(backupRefusal(this.hostId, this.primaryAt));
    if (!this.store.initialized) return Promise.resolve();
    return this.store
      .setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: primary })
      .catch((error) => this.log.warn({ err: error }, "could not record the primary on disk"));
  }

  stopFollowing(): void {
    this.follower?.stop();
    this.follower = undefined;
  }

  /** Follows `primary`'s log (a backup); a new primary replaces the old follower. */
  private follow(primary: ManagerAddress): Promise<void> {
    const recorded = this.namePrimary(primary);
    this.stopFollowing();
    if (!primary.address) {
      this.log.warn("no primary known: waiting for one to announce itself");
      return recorded;
    }
    const { options, address, port, store, peers, security, clock, random, log } = this;
    this.follower = newFollower({ options, address, port, store, peers, security, clock, random, log }, {
      primary: () => this.primaryAt,
      onPrimaryNamed: (named, follow) => void (follow ? this.follow(named) : this.namePrimary(named)),
      onAnswered: () => this.joinAnswer.answered(),
      onInstalled: async () => {
        await this.store.setMeta({ [ROLE_KEY]: "backup", [PRIMARY_KEY]: this.primaryAt });
        this.watchServer.closeAll(new CairnError(Code.UNAVAILABLE, "this registry manager resynced; watch again"));
        this.served?.refresh();
      },
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
    const { registry, managerHosts } = this.store.latest;
    return [this.primaryAt.address, ...this.peers.others(registry, managerHosts)];
  }

  private serve(server: grpc.Server): void {
    const { store, clock, log: logger } = this;
    const { heartbeatIntervalMs, downAfterMs } = this.options;
    const replication = replicationHandlers({ store, watch: this.watchServer.handle, relay: this.relay, manager: this, clock, logger, heartbeatIntervalMs, downAfterMs });
    this.relay?.start();
    server.addService(replicationServiceWithEncodedEvents, replication);
    server.addService(registryService, registryHandlers({ store, clock, logger, manager: this }));
    this.served = serveStandardServices(server, [registryService, replicationServiceWithEncodedEvents], () => this.health());
    this.backups.onChange(() => this.served?.refresh());
  }
}
