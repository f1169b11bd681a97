/**
 * A registry manager under a coordinator (SPEC 12): etcd decides who is
 * primary, the manager acts on it.
 *
 * - A backup follows the holder of the primary key. When nobody holds it
 *   and this manager is eligible (eligibility.ts), it stops acknowledging
 *   the old primary, then campaigns; on winning it reigns at the epoch etcd
 *   granted.
 * - A primary keeps the sync record in step with the backups every commit
 *   waits for (added here before etcd, removed in etcd before here, so
 *   that etcd never names a backup that lacks an acknowledged write),
 *   answers no writer once it cannot prove its lease for a margin more,
 *   and steps down when it loses the key, the lease, or hands over in a
 *   switchover.
 *
 * Why a paused old primary never collects an acknowledgement: a commit
 * waits for every backup of the sync record, the winner is one of them,
 * and the winner stopped acknowledging the old primary before it
 * campaigned. The lease check only makes the old primary stop sooner.
 */
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import type { EtcdCoordinator, Facts } from "../coordination/etcd-coordinator.js";
import { failedPrecondition, unavailable, type CairnError } from "../errors.js";
import type { BackupTracker } from "./backups.js";
import { ineligibility } from "./eligibility.js";
import type { ElectionStatus, ManagerAddress, PromotionResult } from "./manager-control.js";
import type { RoleState } from "./role.js";
import type { RegistryStore } from "./store.js";

/** What the elector drives in the manager. */
export interface Electable {
  readonly hostId: string;
  readonly address: string;
  readonly backups: BackupTracker;
  readonly store: RegistryStore;
  roleState(): RoleState;
  /** No more acknowledgements to the primary followed until now. */
  stopFollowing(): void;
  /** Follows `holder` (a backup), or steps down to follow it (a primary). */
  followHolder(holder: ManagerAddress): void;
  /** Refuses writes and becomes a backup, of `next` when known. */
  yieldLeadership(why: string, next?: ManagerAddress): void;
  /** From a backup: the primary at `epoch`. */
  takeOver(epoch: number, cause: string): Promise<void>;
}


/** How often a primary checks its lease and its backups' progress. */
const WATCHDOG_MS = 200;
/** A failed election step is tried again after this. */
const RETRY_MS = 500;
/** A backup every commit waits for, confirming nothing new for this long while writes wait, is let go. */
const STALLED_BACKUP_MS = 2_000;
/** etcd is read again this often, beside the watch: a watch may miss what happened while it was down. */
const REREAD_MS = 1_000;

export class Elector {
  private facts: Facts | undefined;
  /** The disk head when this manager last won: a backup joins the sync record only once it holds all of it. */
  private floor = 0;
  /** When the last read of etcd was asked for (the watchdog reads again now and then, in case a watch missed something). */
  private lastRead = 0;
  private reachable = false;
  private campaigning = false;
  private reconciling = false;
  private switching = false;
  private stopped = false;
  private stopWatch: (() => void) | undefined;
  private watchdog: Timer | undefined;
  private retry: Timer | undefined;
  private rewatch: Timer | undefined;
  private readonly progress = new Map<string, { acked: number; since: number }>();
  private readonly marginMs: number;

  constructor(
    private readonly manager: Electable,
    private readonly coordinator: EtcdCoordinator,
    private readonly syncBackups: number,
    /** The manager's disk says it was the primary (eligible before any sync record exists). */
    private readonly wasPrimary: boolean,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    // A fifth of the TTL, at least 500 ms: room for the clocks of this host and etcd's to drift apart.
    this.marginMs = Math.max(500, (coordinator.leaseTtlSeconds * 1000) / 5);
    coordinator.onLeaseLost((why) => this.lostLeadership(why));
    manager.backups.onChange(() => void this.reconcile());
  }

  /** Starts watching etcd; returns at once (etcd may be down now: the manager serves as a backup meanwhile). */
  start(): void {
    const again = (error: Error) => {
      this.unreachable(error);
      if (!this.stopped && !this.rewatch) {
        this.rewatch = this.clock.setTimeout(() => {
          this.rewatch = undefined;
          this.start();
        }, RETRY_MS);
      }
    };
    this.coordinator.watch((facts) => this.onFacts(facts), again).then((stop) => (this.stopped ? stop() : (this.stopWatch = stop)), again);
    if (!this.watchdog) this.tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopWatch?.();
    this.watchdog?.cancel();
    this.retry?.cancel();
    this.rewatch?.cancel();
    // Nothing answered once the key is given up: a successor may be elected the moment it is.
    if (this.manager.roleState() === "primary") this.manager.store.refuseWrites(unavailable(`${this.manager.hostId} is shutting down`));
    await this.coordinator.close();
  }

  status(): ElectionStatus {
    const validUntil = this.coordinator.holding ? this.coordinator.validity.remainingMs() : 0;
    return {
      endpoints: this.coordinator.address.text,
      leaseTtlMs: this.coordinator.leaseTtlSeconds * 1000,
      holder: this.facts?.holder,
      leaseValidMs: validUntil,
      leaseRefusal: this.manager.roleState() === "primary" ? this.leaseRefusal()?.message : undefined,
      inSync: this.facts?.sync ? [this.facts.sync.primary, ...this.facts.sync.backups] : [],
      reachable: this.reachable,
    };
  }

  /**
   * promote-manager HOST with a coordinator, on HOST: asks the primary to
   * hand over, then waits for etcd to elect this manager.
   */
  async switchover(): Promise<PromotionResult> {
    const me = this.manager.hostId;
    if (this.manager.roleState() === "primary") throw failedPrecondition(`${me} is already the primary`);
    const facts = await this.coordinator.read();
    if (!facts.holder) throw unavailable("no manager holds the primary key right now: the managers are electing one by themselves");
    const why = ineligibility(me, { ...facts, holder: undefined, switchover: undefined }, this.syncBackups, this.wasPrimary);
    if (why) throw failedPrecondition(`${me} may not take over: ${why}`);
    const from = facts.holder;
    await this.coordinator.requestSwitchover({ from: from.host, to: me });
    const requestedAt = this.clock.now();
    const deadline = requestedAt + this.coordinator.leaseTtlSeconds * 3000;
    while (this.manager.roleState() !== "primary") {
      if (this.clock.now() > deadline || this.stopped) throw unavailable(`${from.host} did not hand over to ${me} in time; the switchover is called off`);
      // The primary called it off (it deleted the request, and still holds the key).
      const now = this.facts;
      if (now && now.revision > facts.revision && !now.switchover && now.holder?.host === from.host && now.holder.epoch === from.epoch) {
        throw failedPrecondition(`${from.host} called the switchover to ${me} off: ${me} did not catch up in time, or is not in etcd's sync record`);
      }
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 50));
    }
    return {
      epoch: this.manager.store.epoch,
      revision: this.manager.store.durablePosition.revision,
      reason: `switchover: ${from.host} (epoch ${from.epoch}) handed over, and etcd elected ${me} at epoch ${this.manager.store.epoch}`,
    };
  }

  private onFacts(facts: Facts): void {
    if (this.stopped || (this.facts && facts.revision < this.facts.revision)) return;
    this.facts = facts;
    this.reachable = true;
    const holder = facts.holder;
    const mine = this.coordinator.holding;
    const holdsIt = mine !== undefined && holder?.host === mine.host && holder.epoch === mine.epoch;
    if (this.manager.roleState() === "primary") {
      if (!holdsIt) this.manager.yieldLeadership(holder ? `etcd names ${holder.host} the primary (epoch ${holder.epoch})` : "the primary key in etcd is gone", holder);
      else {
        if (facts.switchover?.from === this.manager.hostId) void this.handOver(facts.switchover.to);
        void this.reconcile();
      }
      return;
    }
    // A key of this host's previous run is nobody's to follow: its lease ends within a TTL, then the campaign starts.
    // (This run's own key, held without being primary, is given up by the watchdog.)
    if (holder && holder.host !== this.manager.hostId) this.manager.followHolder(holder);
    else if (!holder) void this.campaign();
  }

  private async campaign(): Promise<void> {
    if (this.campaigning || this.stopped || this.manager.roleState() !== "backup") return;
    const me = this.manager.hostId;
    this.campaigning = true;
    try {
      const facts = await this.coordinator.read();
      const why = ineligibility(me, facts, this.syncBackups, this.wasPrimary);
      if (why) {
        this.log.debug({ why }, "not campaigning");
        return;
      }
      // Before asking: from here on the old primary gets no acknowledgement from this manager.
      this.manager.stopFollowing();
      const outcome = await this.coordinator.campaign({ host: me, address: this.manager.address, syncBackups: this.syncBackups }, this.manager.store.epoch, facts);
      if ("lost" in outcome) {
        this.log.info({ why: outcome.lost }, "lost the election");
        this.scheduleRetry();
        return;
      }
      const { epoch } = outcome.won;
      // etcd's record names this manager alone now; backups join it again once they hold all it holds.
      this.floor = this.manager.store.durablePosition.revision;
      if (this.syncBackups > 0) this.manager.backups.designate([]);
      this.manager.store.setAnswerCheck(() => this.leaseRefusal());
      this.log.info({ epoch }, "elected primary by etcd");
      await this.manager.takeOver(epoch, `elected by etcd at epoch ${epoch}`);
    } catch (error) {
      this.log.warn({ err: error }, "the campaign failed; trying again");
      // Won but could not reign (a disk error): the key must not stay with a manager that is not primary.
      if (this.coordinator.holding) await this.coordinator.resign().catch(() => undefined);
      this.scheduleRetry();
    } finally {
      this.campaigning = false;
    }
  }

  /**
   * A switchover to `to` asked for in etcd: no writes, then `to` catches up
   * and this manager resigns, or, when `to` is not in etcd's sync record or
   * does not catch up within a TTL, the switchover is called off and writes
   * resume.
   */
  private async handOver(to: string): Promise<void> {
    if (this.switching) return;
    this.switching = true;
    const store = this.manager.store;
    try {
      if (this.syncBackups > 0 && !this.facts?.sync?.backups.includes(to)) {
        this.log.warn({ to, inSync: this.facts?.sync?.backups }, "switchover refused: the target is not in etcd's sync record");
        await this.coordinator.clearSwitchover();
        return;
      }
      store.refuseWrites(unavailable(`${this.manager.hostId} is switching over to ${to}`));
      const caughtUp = () => (this.manager.backups.view().find((b) => b.host === to)?.acked ?? 0) >= store.durablePosition.revision;
      const deadline = this.clock.now() + this.coordinator.leaseTtlSeconds * 1000;
      while (!caughtUp() && this.clock.now() < deadline && !this.stopped) await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 20));
      if (!caughtUp() || this.stopped) {
        this.log.warn({ to }, "switchover called off: the target did not catch up in time");
        if (this.manager.roleState() === "primary" && this.coordinator.holding) store.refuseWrites(undefined);
        await this.coordinator.clearSwitchover();
        return;
      }
      await this.coordinator.resign();
      this.log.info({ to }, "resigned the primary key for a switchover");
    } catch (error) {
      this.log.warn({ err: error, to }, "the switchover failed");
    } finally {
      this.switching = false;
    }
  }

  /**
   * The primary's sync record follows the backups commits wait for: one
   * that disconnected or stalled is removed from etcd first, then from the
   * commits; one that holds every commit joins the commits first, then etcd.
   */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.syncBackups === 0 || this.manager.roleState() !== "primary" || !this.coordinator.holding) return;
    this.reconciling = true;
    try {
      for (;;) {
        const backups = this.manager.backups;
        const designated = backups.designatedHosts ?? [];
        const view = backups.view();
        // A switchover's target is left waited for: it is catching up to take over.
        const target = this.switching ? this.facts?.switchover?.to : undefined;
        const gone = designated.filter((host) => host !== target && (!view.some((b) => b.host === host && b.connected) || this.stalled(host)));
        if (gone.length > 0) {
          const next = designated.filter((host) => !gone.includes(host));
          await this.coordinator.writeSync(this.syncBackups, next);
          backups.designate(next);
          this.log.warn({ gone, inSync: next }, "backups no longer in sync");
          continue;
        }
        if (designated.length >= this.syncBackups) return;
        // It must hold every write acknowledged so far, in this reign and before it (all this manager held when it won).
        const needed = Math.max(this.manager.store.position.revision, this.floor);
        const ready = view
          .filter((b) => b.connected && !designated.includes(b.host) && b.acked >= needed && !this.stalled(b.host))
          .sort((a, b) => b.acked - a.acked);
        if (ready.length === 0) return;
        const next = [...designated, ready[0]!.host];
        backups.designate(next);
        await this.coordinator.writeSync(this.syncBackups, next);
        this.log.info({ inSync: next }, "a backup is in sync");
      }
    } catch (error) {
      this.log.warn({ err: error }, "could not update the sync record in etcd");
      this.scheduleRetry();
    } finally {
      this.reconciling = false;
    }
  }

  /** A designated backup that confirmed nothing for STALLED_BACKUP_MS while writes wait for it. */
  private stalled(host: string): boolean {
    const seen = this.progress.get(host);
    return seen !== undefined && seen.acked < this.manager.store.durablePosition.revision && this.clock.now() - seen.since > STALLED_BACKUP_MS;
  }

  private tick(): void {
    if (this.stopped) return;
    this.watchdog = this.clock.setTimeout(() => this.tick(), WATCHDOG_MS);
    const now = this.clock.now();
    if (now - this.lastRead >= REREAD_MS) {
      this.lastRead = now;
      this.coordinator.read().then(
        (facts) => this.onFacts(facts),
        (error: Error) => this.unreachable(error),
      );
    }
    const role = this.manager.roleState();
    // The key of a manager that stepped down (a later epoch heard of, a failed takeover): given up, so that another wins.
    if (role !== "primary" && role !== "promoting" && this.coordinator.holding && !this.campaigning) {
      this.log.warn("holding the primary key without being primary: giving it up");
      void this.coordinator.resign().catch(() => undefined);
    }
    if (role !== "primary") return;
    if (this.leaseRefusal()) {
      this.lostLeadership(`it cannot prove its etcd lease for ${this.marginMs} ms more`);
      return;
    }
    for (const b of this.manager.backups.view()) {
      const seen = this.progress.get(b.host);
      if (!seen || seen.acked !== b.acked || b.acked >= this.manager.store.durablePosition.revision) this.progress.set(b.host, { acked: b.acked, since: now });
    }
    void this.reconcile();
  }

  private leaseRefusal(): CairnError | undefined {
    if (this.coordinator.holding && this.coordinator.validity.provenFor(this.marginMs)) return undefined;
    return unavailable(`${this.manager.hostId} cannot prove its etcd lease (${this.coordinator.address.text}): it acknowledges no write`);
  }

  private lostLeadership(why: string): void {
    if (this.manager.roleState() !== "primary") return;
    this.log.warn({ why }, "stepping down");
    this.manager.yieldLeadership(`${this.manager.hostId} stepped down: ${why}`);
    void this.coordinator.resign().catch(() => undefined);
    this.scheduleRetry();
  }

  private unreachable(error: Error): void {
    if (this.reachable) this.log.warn({ err: error }, "etcd does not answer");
    this.reachable = false;
    this.scheduleRetry();
  }

  /** Reads etcd again soon and acts on it (campaigns when nobody holds the key). */
  private scheduleRetry(): void {
    if (this.retry || this.stopped) return;
    this.retry = this.clock.setTimeout(() => {
      this.retry = undefined;
      this.coordinator.read().then(
        (facts) => this.onFacts(facts),
        (error: Error) => this.unreachable(error),
      );
    }, RETRY_MS);
  }
}
