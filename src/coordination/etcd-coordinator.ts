/**
 * One registry's keys in etcd, and the atomic steps of an election on them
 * (SPEC 12, Patroni's design: etcd decides who leads, cairn replicates):
 *
 *   /cairn/CLUSTER_ID/primary     the holder {host, address, epoch}, on the holder's lease
 *   /cairn/CLUSTER_ID/epoch       the highest epoch ever granted: the fencing token
 *   /cairn/CLUSTER_ID/sync        {epoch, primary, backups}: who holds every acknowledged write
 *   /cairn/CLUSTER_ID/switchover  {from, to}: a switchover under way (promote-manager)
 *
 * A campaign creates the primary key, raises the epoch and rewrites the sync
 * record in one transaction, conditional on none of them having moved since
 * they were read: two managers cannot both win, and the epoch only grows.
 * What a manager does with the outcome is election.ts's business.
 */
import { ExponentialBackoff, noop, type IBackoff } from "cockatiel";
import { Etcd3, type Lease } from "etcd3";
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { failedPrecondition, unavailable } from "../errors.js";
import type { CoordinatorAddress } from "./coordinator-address.js";
import { LeaseValidity } from "./lease-validity.js";

export interface Holder {
  host: string;
  address: string;
  epoch: number;
}

export interface SyncRecord {
  /** The epoch of the primary that wrote it. */
  epoch: number;
  primary: string;
  /** The primary's --sync-backups: how many backups each of its acknowledgements waited for. */
  required: number;
  /** Backups that hold every write `primary` acknowledged. */
  backups: string[];
}

export interface Switchover {
  from: string;
  to: string;
}

/** What etcd holds for the registry, as last read. */
export interface Facts {
  holder: Holder | undefined;
  /** The highest epoch granted so far (0: none). */
  epoch: number;
  sync: SyncRecord | undefined;
  switchover: Switchover | undefined;
  /** Mod revisions of the keys as read (0: absent), for the campaign's conditions. */
  mods: { epoch: string; sync: string; switchover: string };
  /** etcd's revision when they were read: replies may arrive out of order, and the later read wins. */
  revision: number;
}

export type CampaignOutcome = { won: Holder } | { lost: string };

/** Unary calls to etcd give up after this, so that an unreachable etcd is a failure and not a hang. */
const CALL_TIMEOUT_MS = 2_000;
/**
 * Watches reconnect soon after etcd is back (the client's default backs off
 * to 30 s). etcd3 types the option as a backoff but calls `next()` on it
 * first, as on a factory: it takes what cockatiel's ExponentialBackoff is.
 */
const WATCH_BACKOFF = new ExponentialBackoff({ initialDelay: 100, maxDelay: 1_000 }) as unknown as IBackoff<unknown>;

export class EtcdCoordinator {
  readonly validity: LeaseValidity;
  private readonly client: Etcd3;
  private readonly keys: { prefix: string; primary: string; epoch: string; sync: string; switchover: string };
  private lease: Lease | undefined;
  private keepAliveTimer: Timer | undefined;
  /** The create revision of the primary key this manager holds, while it holds it. */
  private held: { revision: string; holder: Holder } | undefined;
  private readonly lostListeners = new Set<(why: string) => void>();
  private closed = false;

  constructor(
    readonly address: CoordinatorAddress,
    clusterId: string,
    readonly leaseTtlSeconds: number,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** A monotonic time for the lease's proof (a wall clock may be stepped back). */
    private readonly monotonic: () => number = () => performance.now(),
  ) {
    this.validity = new LeaseValidity(monotonic);
    this.client = new Etcd3({
      hosts: address.hosts,
      dialTimeout: CALL_TIMEOUT_MS,
      defaultCallOptions: (context) => (context.isStream ? {} : { deadline: this.clock.now() + CALL_TIMEOUT_MS }),
      // No retries inside the client: an election step that fails is retried by the elector, which knows the state.
      faultHandling: { global: noop, host: () => noop, watchBackoff: WATCH_BACKOFF },
    });
    const prefix = `/cairn/${clusterId}/`;
    this.keys = { prefix, primary: `${prefix}primary`, epoch: `${prefix}epoch`, sync: `${prefix}sync`, switchover: `${prefix}switchover` };
  }

  /** Called when the lease of the primary key this manager holds is gone. */
  onLeaseLost(listener: (why: string) => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  get holding(): Holder | undefined {
    return this.held?.holder;
  }

  async read(): Promise<Facts> {
    const { kvs, header } = await this.client.getAll().prefix(this.keys.prefix).exec();
    const byKey = new Map(kvs.map((kv) => [kv.key.toString(), kv]));
    const json = <T>(key: string): T | undefined => {
      const kv = byKey.get(key);
      return kv ? (JSON.parse(kv.value.toString()) as T) : undefined;
    };
    const mod = (key: string) => byKey.get(key)?.mod_revision ?? "0";
    return {
      holder: json<Holder>(this.keys.primary),
      epoch: Number(byKey.get(this.keys.epoch)?.value.toString() ?? 0),
      sync: json<SyncRecord>(this.keys.sync),
      switchover: json<Switchover>(this.keys.switchover),
      mods: { epoch: mod(this.keys.epoch), sync: mod(this.keys.sync), switchover: mod(this.keys.switchover) },
      revision: Number(header.revision),
    };
  }

  /**
   * Calls `changed` with what etcd holds now and after every change of the
   * registry's keys (also after the watch reconnects: events may have been
   * missed). Returns how to stop.
   */
  async watch(changed: (facts: Facts) => void, failed: (error: Error) => void): Promise<() => void> {
    const reread = () => {
      this.read().then(changed, failed);
    };
    const watcher = await this.client.watch().prefix(this.keys.prefix).create();
    const cancel = () => void watcher.cancel().catch(() => undefined);
    // A watch etcd cancelled (a compacted revision after an outage) never comes back by itself: the caller starts another.
    watcher.on("put", reread).on("delete", reread).on("connected", reread).on("error", (error) => {
      cancel();
      failed(error);
    });
    reread();
    return cancel;
  }

  /**
   * One attempt to become the primary, given the facts it is decided on
   * (read just before): creates the primary key on this manager's lease,
   * raises the epoch past `localEpoch` and etcd's, and records itself as
   * the sync record's only manager (backups join it again once they hold
   * everything this manager holds), all or nothing. Lost when any of those
   * keys moved since `facts` were read.
   */
  async campaign(me: { host: string; address: string; syncBackups: number }, localEpoch: number, facts: Facts): Promise<CampaignOutcome> {
    const lease = this.currentLease();
    const leaseId = await lease.grant();
    const epoch = Math.max(facts.epoch, localEpoch) + 1;
    const holder: Holder = { host: me.host, address: me.address, epoch };
    const sync: SyncRecord = { epoch, primary: me.host, required: me.syncBackups, backups: [] };
    const writes = [
      this.client.put(this.keys.primary).value(JSON.stringify(holder)).lease(leaseId),
      this.client.put(this.keys.epoch).value(String(epoch)),
      this.client.put(this.keys.sync).value(JSON.stringify(sync)),
      ...(facts.switchover ? [this.client.delete().key(this.keys.switchover)] : []),
    ];
    const result = await this.client
      .if(this.keys.primary, "Create", "==", 0)
      .and(this.keys.epoch, "Mod", "==", facts.mods.epoch)
      .and(this.keys.sync, "Mod", "==", facts.mods.sync)
      .and(this.keys.switchover, "Mod", "==", facts.mods.switchover)
      .then(...writes)
      .commit();
    if (!result.succeeded) {
      await this.dropLease();
      return { lost: "another manager moved first" };
    }
    this.held = { revision: result.header.revision, holder };
    this.keepAlive(lease);
    return { won: holder };
  }

  /** Records who holds every acknowledged write; only while this manager holds the primary key. */
  async writeSync(required: number, backups: readonly string[]): Promise<void> {
    const held = this.held;
    if (!held) throw failedPrecondition("this manager does not hold the primary key");
    const record: SyncRecord = { epoch: held.holder.epoch, primary: held.holder.host, required, backups: [...backups].sort() };
    const result = await this.client
      .if(this.keys.primary, "Create", "==", held.revision)
      .then(this.client.put(this.keys.sync).value(JSON.stringify(record)))
      .commit();
    if (!result.succeeded) throw unavailable("the primary key is no longer this manager's");
  }

  /** Asks the primary to hand over to `to` (it acts on it, or the key expires after two TTLs). */
  async requestSwitchover(switchover: Switchover): Promise<void> {
    const lease = this.client.lease(this.leaseTtlSeconds * 2, { autoKeepAlive: false });
    await this.client.put(this.keys.switchover).value(JSON.stringify(switchover)).lease(await lease.grant());
  }

  async clearSwitchover(): Promise<void> {
    await this.client.delete().key(this.keys.switchover);
  }

  /** Gives the primary key up (the lease goes with it): another manager may win. */
  async resign(): Promise<void> {
    this.held = undefined;
    this.validity.lost();
    await this.dropLease();
  }

  /** Hands the key over at once (a clean stop), instead of after the lease's TTL. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.resign().catch(() => undefined);
    this.client.close();
  }

  private async dropLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    this.keepAliveTimer?.cancel();
    await lease?.revoke();
  }

  private currentLease(): Lease {
    if (this.lease) return this.lease;
    // Kept alive by this class, not the client: each proof must pair a keepalive with its own answer.
    const lease = this.client.lease(this.leaseTtlSeconds, { autoKeepAlive: false });
    const askedAt = this.monotonic();
    lease.grant().then(() => this.validity.proved(askedAt, this.leaseTtlSeconds), () => undefined);
    lease.on("lost", (error) => {
      if (this.lease === lease) this.lease = undefined;
      this.validity.lost();
      const held = this.held;
      this.held = undefined;
      if (held && !this.closed) {
        this.log.warn({ err: error }, "the etcd lease of the primary key is lost");
        for (const listener of this.lostListeners) listener(`its etcd lease is lost (${error.message})`);
      }
    });
    this.lease = lease;
    return lease;
  }

  /** A keepalive every third of the TTL (as etcd's own client does), each answer proving the lease from its send. */
  private keepAlive(lease: Lease): void {
    this.keepAliveTimer?.cancel();
    const beat = () => {
      if (this.lease !== lease || this.closed) return;
      const sentAt = this.monotonic();
      lease.keepaliveOnce({ deadline: this.clock.now() + CALL_TIMEOUT_MS }).then(
        (response) => {
          if (this.lease === lease) this.validity.proved(sentAt, Number(response.TTL));
        },
        // An expired lease is told by "lost"; a keepalive that got no answer proves nothing, and the next one tries again.
        () => undefined,
      );
      this.keepAliveTimer = this.clock.setTimeout(beat, (this.leaseTtlSeconds * 1000) / 3);
    };
    beat();
  }
}
