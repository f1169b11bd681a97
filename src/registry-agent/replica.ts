import { rmSync } from "node:fs";
import type { Logger } from "pino";
import { CairnError, Code } from "../errors.js";
import { StateDigest } from "../registry/digest.js";
import { emptyRegistry, entityLists, type ChangeRecord, type Position, type Registry } from "../registry/model.js";
import { RouteIndex } from "../router/route-index.js";
import { ChangeRefusal, checkChange } from "../replication/change-check.js";
import { storedPosition } from "../storage/layout.js";
import { RegistryDb } from "../storage/registry-db.js";
import { loadVerified } from "../storage/verified-load.js";

const SEEN_EPOCH_KEY = "seen-epoch";

/**
 * "verified": from disk with its digest proved, or from a manager; "empty":
 * nothing yet; "rebuilding": what was on disk was damaged or could not be
 * verified, and was discarded.
 */
export type ReplicaState = "verified" | "empty" | "rebuilding";

/**
 * The agent's copy of the registry: in memory behind a route index, and on
 * disk in its own LevelDB so that a restarted agent routes at once. A change
 * is applied only when it is the next revision, from an epoch no lower than
 * any seen, and leaves exactly the digest it carries; anything else is
 * refused and the feed resyncs from a snapshot.
 *
 * Disk writes are queued in order behind the in-memory state and not
 * fsynced: the replica can always be rebuilt from a manager, and what is on
 * disk is always a whole revision (entities and position in one batch).
 */
export class Replica {
  private index: RouteIndex;
  private digest: StateDigest;
  private current: Position;
  private highestEpoch: number;
  private persisting: Promise<void> = Promise.resolve();
  private listeners = new Set<(change: ChangeRecord | undefined) => void>();

  /** Changes applied in memory and waiting for one disk write together (one batch per burst, not per change). */
  private unwritten: { changes: ChangeRecord[]; meta: Record<string, unknown> } | undefined;

  private constructor(
    private readonly db: RegistryDb,
    registry: Registry,
    position: Position,
    seenEpoch: number,
    private readonly logger: Logger,
    private replicaState: ReplicaState,
    digest = StateDigest.of(registry),
  ) {
    this.index = RouteIndex.adopt(registry);
    this.digest = digest;
    this.current = position;
    this.highestEpoch = Math.max(seenEpoch, position.epoch);
  }

  /**
   * Opens the replica in `dir`. A replica is a cache of the registry: one
   * that is damaged (LevelDB cannot read it, or its entities do not prove
   * their digest) is discarded, and the agent routes from nothing, saying it
   * is rebuilding, until a manager sends it a snapshot. Only a folder in use
   * by another process is an error.
   */
  static async open(dir: string, logger: Logger): Promise<Replica> {
    let db: RegistryDb | undefined;
    let damage: string | undefined;
    try {
      db = await RegistryDb.open(dir, logger);
      const loaded = await loadVerified(db);
      damage = loaded.damage;
      const seenEpoch = (await db.getMeta<number>(SEEN_EPOCH_KEY)) ?? 0;
      if (!damage) {
        const state = loaded.position.revision > 0 ? "verified" : "empty";
        return new Replica(db, loaded.registry, loaded.position, seenEpoch, logger, state, loaded.digest);
      }
    } catch (error) {
      if (error instanceof CairnError && error.code === Code.FAILED_PRECONDITION) throw error;
      damage = (error as Error).message;
    }
    // Route from nothing rather than from a lie, and resync.
    logger.error({ dir, damage }, "the replica on disk is damaged; discarding it and rebuilding from a registry manager");
    await db?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    const fresh = await RegistryDb.open(dir, logger);
    const empty = emptyRegistry();
    return new Replica(fresh, empty, { ...emptyPosition(), digest: StateDigest.of(empty).bytes() }, 0, logger, "rebuilding");
  }

  /** Whether the routes come from a verified replica (see AgentStatus.replica). */
  get state(): ReplicaState {
    return this.replicaState;
  }

  get routes(): RouteIndex {
    return this.index;
  }

  get position(): Position {
    return { ...this.current, digest: Buffer.from(this.current.digest) };
  }

  /** The highest epoch this replica has heard of, from changes or from managers. */
  get seenEpoch(): number {
    return this.highestEpoch;
  }

  /** Called after every applied change (undefined after a snapshot). */
  onChange(listener: (change: ChangeRecord | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Remembers a higher epoch heard of outside a change (a manager's answer). */
  sawEpoch(epoch: number): void {
    if (epoch <= this.highestEpoch) return;
    this.highestEpoch = epoch;
    this.persist(() => this.db.write({ changes: [], log: false, sync: false, meta: { [SEEN_EPOCH_KEY]: epoch } }));
  }

  apply(change: ChangeRecord): void {
    const next = checkChange(change, { revision: this.current.revision, epoch: this.highestEpoch, digest: this.digest, registry: this.index.registry });
    this.index.apply(change.ops);
    this.digest = next;
    this.current = { ...this.current, epoch: change.epoch, revision: change.revision, digest: next.bytes() };
    const meta = change.epoch > this.highestEpoch ? { [SEEN_EPOCH_KEY]: change.epoch } : undefined;
    this.highestEpoch = Math.max(this.highestEpoch, change.epoch);
    this.persistChange(change, meta);
    for (const listener of this.listeners) listener(change);
  }

  /** Replaces the whole replica with a snapshot the caller has checked whole (and whose digest it may pass on). */
  install(registry: Registry, position: Position, digest = StateDigest.of(registry)): void {
    if (position.epoch < this.highestEpoch) {
      throw new ChangeRefusal("stale-epoch", `snapshot at revision ${position.revision} is from epoch ${position.epoch}, lower than epoch ${this.highestEpoch} already seen`);
    }
    this.index = RouteIndex.adopt(registry);
    this.digest = digest;
    this.replicaState = "verified";
    this.current = { ...position, digest: this.digest.bytes() };
    this.highestEpoch = Math.max(this.highestEpoch, position.epoch);
    const stored = storedPosition(this.current);
    const meta = { [SEEN_EPOCH_KEY]: this.highestEpoch };
    // Changes not yet written belong to the replaced state; those applied from now on follow the replace.
    this.unwritten = undefined;
    // The index owns `registry` and changes it as changes come; the disk gets the state as installed.
    const installed = entityLists(registry);
    this.persist(() => this.db.replace(installed, stored, meta));
    this.logger.info({ revision: position.revision, epoch: position.epoch, hosts: registry.hosts.size }, "installed a snapshot");
    for (const listener of this.listeners) listener(undefined);
  }

  /** Waits for every queued disk write. */
  flushed(): Promise<void> {
    return this.persisting;
  }

  async close(): Promise<void> {
    await this.persisting;
    await this.db.close();
  }

  /**
   * Queues `change` for the disk. Changes that arrive while a write is in
   * flight go together in the next one, with the position of the last.
   */
  private persistChange(change: ChangeRecord, meta: Record<string, unknown> | undefined): void {
    if (!this.unwritten) {
      const pending: { changes: ChangeRecord[]; meta: Record<string, unknown> } = (this.unwritten = { changes: [], meta: {} });
      const clusterId = this.current.clusterId;
      this.persist(async () => {
        // Routes first, disk after: the write waits for the end of the I/O that brought the change,
        // so a burst of changes is applied (and answered) before any of it is written, then written once.
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (this.unwritten === pending) this.unwritten = undefined;
        const last = pending.changes[pending.changes.length - 1]!;
        const position = storedPosition({ clusterId, epoch: last.epoch, revision: last.revision, digest: Buffer.from(last.digest) });
        return this.db.write({ changes: pending.changes, position, log: false, sync: false, meta: pending.meta });
      });
    }
    this.unwritten.changes.push(change);
    Object.assign(this.unwritten.meta, meta);
  }

  private persist(write: () => Promise<void>): void {
    this.persisting = this.persisting.then(write).catch((error) => {
      // The in-memory replica stays right; the disk copy will be a revision behind after a restart.
      this.logger.error({ err: error }, "could not write the replica to disk");
    });
  }
}

function emptyPosition(): Position {
  return { clusterId: "", epoch: 0, revision: 0, digest: Buffer.alloc(32) };
}
