import { Level } from "level";
import type { Logger } from "pino";
import { HeadMarker, type HeadMark } from "./head-mark.js";
import { cannotOpen, damaged } from "./level-errors.js";
import {
  PREFIX,
  checkpointOps,
  encodingChanges,
  encodeEntityOp,
  entityKey,
  entityValue,
  fromStored,
  heldAt,
  recordHolding,
  revisionKey,
  storedChanges,
  type CommittedState,
  type RawOp,
  type Stale,
  type StoredPosition,
} from "./layout.js";
import { BIG_VALUE_BYTES, writeAhead, writeRawBatch } from "./raw-batch.js";
import { Utf8Chunks } from "./utf8-chunks.js";
import { finishSteps } from "../registry/steps.js";
import { applyOps, cloneRegistry, emptyRegistry, type ChangeRecord, type DomainRecord, type EntityLists, type HostRecord, type Op, type Registry, type TypeRecord } from "../registry/model.js";

export interface BatchWrite {
  /** Changes to apply to the entities, in order; logged when `log` is set. */
  changes: readonly ChangeRecord[];
  /** Where the store stands after the batch; left as it is when undefined (a meta-only write). */
  position?: StoredPosition;
  log: boolean;
  /**
   * Log records whose changes are all below this revision are deleted once
   * the batch is written, by one range clear that LevelDB runs off the event
   * loop (a crash part-way leaves the log shorter at its old end, never with
   * a hole).
   */
  compactBelow?: number;
  /** Extra meta keys to set in the same batch. */
  meta?: Record<string, unknown>;
  /**
   * Where readers stand, when they trail the batch (--sync-backups: a change
   * is read only once enough backups hold it). A checkpoint never goes past
   * it, so that a restart can rebuild what readers saw, and meta/committed
   * records it. Undefined: readers are at the batch's last change.
   */
  committed?: CommittedState;
  /**
   * Wait for the disk (fsync) before resolving; default true. A replica that
   * can resync from its manager may skip it: a crash of the process loses
   * nothing either way, only a power cut can.
   */
  sync?: boolean;
}

type Sublevel = ReturnType<Level<string, unknown>["sublevel"]>;

/** What is on disk, as `load` reads it. */
export interface Loaded {
  /** The state at `position` (undefined for a new store): everything on disk. */
  registry: Registry;
  position: StoredPosition | undefined;
  /** The state readers had reached (meta/committed): a copy when changes trail it, else `registry` itself. */
  committed: { registry: Registry; revision: number; epoch: number };
  /** The logged changes after the committed revision, in order. */
  tail: ChangeRecord[];
}

/** Where the store stands (meta/position): a log record past it is not yet, or never was, written whole (see `write`). */
const POSITION_KEY = "position";
/** Set while a replace is under way (see `replace`). */
const RESYNCING_KEY = "resyncing";
/** The revision the entity keys are current at, when the log holds the changes after it (see `write`). */
const CHECKPOINT_KEY = "checkpoint";
/** The revision readers had reached when the last logged batch was written (see BatchWrite.committed). */
const COMMITTED_KEY = "committed";
/** A logged write brings the entity keys up to date once they are this many revisions behind… */
const CHECKPOINT_REVISIONS = 1_000;
/** …or once this many entities wait (an import), so that what waits in memory stays small. */
const CHECKPOINT_ENTITIES = 10_000;
/**
 * Operations per batch of a replace: small, so that little of its JSON is
 * alive when the young generation is collected. At 2,000, a 100,000-host
 * install promoted up to 25 MiB of it to the old generation, to stay resident
 * until the next full collection; at 500, no more than about 3, and the
 * replace takes as long.
 */
const REPLACE_BATCH = 500;

/**
 * One LevelDB with sublevels per kind, laid out as layout.ts describes:
 * written by the registry manager's store (logged batches, checkpoints,
 * compaction) and by the agent's replica (entities, no log).
 */
export class RegistryDb {
  private readonly meta: Sublevel;
  private readonly log: Sublevel;
  private readonly domains: Sublevel;
  private readonly hosts: Sublevel;
  private readonly types: Sublevel;
  /**
   * The first revision of each log record, ascending: a record holds the
   * changes of one batch, under the key of its first revision.
   */
  private recordStarts: number[] = [];
  /** The last revision in the log (0 when it is empty). */
  private lastLogged = 0;
  /**
   * Where the entity keys stand (undefined until a logged write or a
   * replace set it: a store without it has them current at its position).
   */
  private checkpointRevision: number | undefined;
  /** Entity keys changed by logged writes since the checkpoint. */
  private stale = new Map<string, Stale>();
  /** The range clears of the log, one after the other. */
  private compaction: Promise<void> = Promise.resolve();
  /** A failed clear: LevelDB is in trouble, so the next write fails with it. */
  private compactionFailure: Error | undefined;
  /** Where the last run left the store (see head-mark.ts): read at open, before anything is written. */
  readonly previousHead: HeadMark | undefined;
  private readonly marker: HeadMarker | undefined;

  private constructor(
    private readonly db: Level<string, unknown>,
    private readonly logger: Logger | undefined,
    marker: HeadMarker | undefined,
  ) {
    this.marker = marker;
    this.previousHead = marker?.read();
    const json = { valueEncoding: "json" } as const;
    this.meta = db.sublevel("meta", json);
    this.log = db.sublevel("log", json);
    this.domains = db.sublevel("domain", json);
    this.hosts = db.sublevel("host", json);
    this.types = db.sublevel("type", json);
  }

  /**
   * Opens the store in `path` (created when missing). `markHead` keeps the
   * head mark (head-mark.ts) beside it: the registry manager's store does,
   * an agent's replica (a cache) need not. A store another process holds is
   * FAILED_PRECONDITION; one LevelDB cannot read is DATA_LOSS, its message
   * naming the store and LevelDB's words.
   */
  static async open(path: string, logger?: Logger, markHead = false): Promise<RegistryDb> {
    const db = new Level<string, unknown>(path, { valueEncoding: "json" });
    try {
      await db.open();
    } catch (error) {
      throw cannotOpen(path, error);
    }
    const store = new RegistryDb(db, logger, markHead ? new HeadMarker(path) : undefined);
    try {
      await store.findLogBounds();
      store.checkpointRevision = (await store.meta.get(CHECKPOINT_KEY)) as number | undefined;
    } catch (error) {
      await db.close().catch(() => {});
      throw damaged(path, error);
    }
    return store;
  }

  /**
   * Everything on disk: the entities and where they stand, and the state
   * readers had reached (meta/committed). The entity keys are current at the
   * checkpoint and the log holds every change after it; opening replays the
   * log to the committed revision, then to the position, and writes a
   * checkpoint at the committed revision.
   */
  async load(): Promise<Loaded> {
    const registry = emptyRegistry();
    // A replace cut short: what is here is half of two states, worth nothing,
    // the log included (the next replace clears it).
    if ((await this.meta.get(RESYNCING_KEY)) !== undefined) {
      this.forgetLog();
      return { registry, position: undefined, committed: { registry, revision: 0, epoch: 0 }, tail: [] };
    }
    for await (const value of this.domains.values()) {
      const domain = value as DomainRecord;
      registry.domains.set(domain.path, domain);
    }
    for await (const value of this.hosts.values()) {
      const host = value as HostRecord;
      registry.hosts.set(host.id, host);
    }
    for await (const value of this.types.values()) {
      const type = value as TypeRecord;
      registry.types.set(type.name, type);
    }
    const position = (await this.meta.get(POSITION_KEY)) as StoredPosition | undefined;
    const head = position?.revision ?? 0;
    const stored = (await this.meta.get(COMMITTED_KEY)) as number | undefined;
    const checkpoint = this.checkpointRevision;
    // (A replica keeps no log: its unlogged writes put their entities, so nothing lags.)
    const replays = position !== undefined && checkpoint !== undefined && checkpoint < head && this.lastLogged > checkpoint;
    const committedRevision = Math.min(head, Math.max(stored ?? head, replays ? checkpoint : head));
    const whole = (epoch: number) => ({ registry, position, committed: { registry, revision: committedRevision, epoch }, tail: [] });
    if (!replays) return whole(position?.epoch ?? 0);

    const changes = await this.readLog(checkpoint + 1, head);
    const readersSaw = changes.filter((c) => c.revision <= committedRevision);
    const touched = new Set<string>();
    for (const change of readersSaw) {
      applyOps(registry, change.ops);
      for (const op of change.ops) touched.add(entityKey(op));
    }
    // Recovery ends in a checkpoint at the committed revision: a later one writes only the entities
    // it saw change, so the ones the log supplied here must reach their keys now.
    const ops: RawOp[] = [...touched].map((key) => {
      const value = entityValue(registry, key);
      return value === undefined ? { type: "del", key } : { type: "put", key, value: JSON.stringify(value) };
    });
    ops.push({ type: "put", key: PREFIX.meta + CHECKPOINT_KEY, value: String(committedRevision) });
    await this.writeRaw(ops, true);
    this.checkpointRevision = committedRevision;
    if (readersSaw.length === changes.length) return whole(position.epoch);

    // The changes readers had not seen yet: on top of a copy, and waiting for a later checkpoint.
    const committed = { registry: cloneRegistry(registry), revision: committedRevision, epoch: readersSaw.at(-1)?.epoch ?? changes[0]!.epoch };
    const tail = changes.slice(readersSaw.length);
    for (const change of tail) {
      applyOps(registry, change.ops);
      for (const op of change.ops) this.stale.set(entityKey(op), { json: null, revision: change.revision });
    }
    for (const [key, entry] of this.stale) {
      const value = entityValue(registry, key);
      entry.json = value === undefined ? null : JSON.stringify(value);
    }
    return { registry, position, committed, tail };
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key)) as T | undefined;
  }

  get logBounds(): { first: number; last: number } {
    // The first record moves up before its clear has run: readers see the shorter log at once.
    return { first: this.recordStarts[0] ?? 0, last: this.lastLogged };
  }

  /** The logged changes with from <= revision <= to, in order. */
  async readLog(from: number, to: number): Promise<ChangeRecord[]> {
    const changes: ChangeRecord[] = [];
    for await (const value of this.log.values({ gte: revisionKey(recordHolding(this.recordStarts, from)), lte: revisionKey(to) })) {
      for (const stored of storedChanges(value)) {
        if (stored.revision >= from && stored.revision <= to) changes.push(fromStored(stored));
      }
    }
    return changes;
  }

  /**
   * One synced batch. This is the manager's hot path, so it is built at the
   * root with each key already prefixed and each value encoded once (a host
   * is the same JSON in its log record and, at the checkpoint, in its entity
   * key): the same bytes the sublevels read back, without their
   * per-operation encoding. LevelDB's cost is per entry, so a logged batch is
   * its log record and its position, plus the waiting entities at a
   * checkpoint. A big batch (an import) is encoded a slice per turn, and its
   * log record written just ahead of it (writeAhead).
   */
  async write(batch: BatchWrite): Promise<void> {
    const ops: RawOp[] = [];
    const put = (prefix: string, key: string, value: string) => ops.push({ type: "put", key: prefix + key, value });
    const del = (prefix: string, key: string) => ops.push({ type: "del", key: prefix + key });
    const first = batch.changes[0];
    const last = batch.changes[batch.changes.length - 1];
    const logged = batch.log && first !== undefined && last !== undefined;
    // A logged change is whole in its log record: its entities wait for the next checkpoint, and
    // join the others waiting only once this batch is on disk (a failed batch must leave no trace).
    const waiting = new Map<string, Stale>();
    let revision = 0;
    const putEntity = logged ? (prefix: string, key: string, json: string) => void waiting.set(prefix + key, { json, revision }) : put;
    const delEntity = logged ? (prefix: string, key: string) => void waiting.set(prefix + key, { json: null, revision }) : del;
    // Until now every change was written to its entities too: they are current before this batch.
    let checkpoint = logged ? (this.checkpointRevision ?? first.revision - 1) : this.checkpointRevision;
    const trailing = logged && batch.committed && batch.committed.revision < last.revision ? batch.committed : undefined;
    // Due every so often, and whenever the log is to be compacted past the checkpoint; never past readers.
    const compactingPast = batch.compactBelow !== undefined && checkpoint !== undefined && batch.compactBelow > checkpoint + 1;
    const dueBy = (entities: number) => compactingPast || (last?.revision ?? 0) - (checkpoint ?? 0) >= CHECKPOINT_REVISIONS || entities >= CHECKPOINT_ENTITIES;
    const opCount = batch.changes.reduce((n, change) => n + change.ops.length, 0);
    // Readers' registry changes in place (RouteIndex.apply) while this batch takes turns: a checkpoint reads
    // it as it is now, at its revision, held before the first await, only when one may be due.
    const committed = trailing && dueBy(this.stale.size + opCount) ? heldAt(trailing, this.stale) : undefined;
    const record = logged ? new Utf8Chunks() : undefined;
    const encodeOp = (op: Op, change: ChangeRecord) => {
      revision = change.revision;
      return encodeEntityOp(op, putEntity, delEntity);
    };
    await finishSteps(encodingChanges(batch.changes, record, encodeOp));
    let kept: Map<string, Stale> | undefined;
    let ahead: { key: string; value: Buffer } | undefined;
    if (logged) {
      const key = PREFIX.log + revisionKey(first.revision);
      const value = await finishSteps(record!.joining());
      // Past the position until this batch is written, and so unread (findLogBounds).
      if (value.length >= BIG_VALUE_BYTES) ahead = { key, value };
      else ops.push({ type: "put", key, value, valueEncoding: "buffer" });
      const readersAt = trailing?.revision ?? last.revision;
      put(PREFIX.meta, COMMITTED_KEY, String(readersAt));
      const due = dueBy(this.stale.size + waiting.size);
      // Trailing readers: they were held whenever one could be due (no more entities wait than ops came).
      if (due && readersAt > checkpoint! && (committed || !trailing)) {
        // This batch's values come last: in a batch, the last write of a key wins.
        kept = new Map();
        await finishSteps(checkpointOps(ops, this.stale, committed, kept));
        await finishSteps(checkpointOps(ops, waiting, committed, kept));
        checkpoint = readersAt;
      }
      if (checkpoint !== this.checkpointRevision) put(PREFIX.meta, CHECKPOINT_KEY, String(checkpoint));
    }
    if (batch.position) put(PREFIX.meta, POSITION_KEY, JSON.stringify(batch.position));
    for (const [key, value] of Object.entries(batch.meta ?? {})) put(PREFIX.meta, key, JSON.stringify(value));
    if (this.compactionFailure) throw this.compactionFailure;
    if (ahead) await writeAhead(this.db, ahead.key, ahead.value);
    await this.writeRaw(ops, batch.sync ?? true);
    if (batch.position) this.marker?.write(batch.position);
    if (logged) {
      this.checkpointRevision = checkpoint;
      if (kept) this.stale = kept;
      else for (const [key, value] of waiting) this.stale.set(key, value);
      this.recordStarts.push(first.revision);
      this.lastLogged = last.revision;
    }
    if (batch.compactBelow !== undefined) this.compact(batch.compactBelow);
  }

  /**
   * Forgets the records whose changes are all below `below` at once (readers
   * see the shorter log from now on) and has LevelDB delete them in the
   * background. The record holding `below` stays whole.
   */
  private compact(below: number): void {
    // The changes after the checkpoint are the only copy of what the entity keys lack.
    if (this.checkpointRevision !== undefined) below = Math.min(below, this.checkpointRevision + 1);
    const starts = this.recordStarts;
    // Record i ends where record i + 1 starts, so it can go once that start is at most `below`.
    let gone = 0;
    while (gone + 1 < starts.length && starts[gone + 1]! <= below) gone++;
    if (gone === 0) return;
    const from = starts[0]!;
    const to = starts[gone]!;
    starts.splice(0, gone);
    this.compaction = this.compaction
      .then(() => this.log.clear({ gte: revisionKey(from), lt: revisionKey(to) }))
      .catch((error: Error) => {
        this.logger?.error({ err: error }, "the log could not be compacted; the next write fails");
        this.compactionFailure ??= error;
      });
  }

  /**
   * Replaces everything (entities and log) with `entities` at `position`:
   * how a replica installs a snapshot. It goes in batches of REPLACE_BATCH
   * (one batch of 100,000 hosts costs hundreds of MB and blocks the event
   * loop); a marker written first and removed by the last batch makes a
   * replace cut short by a crash read back as an empty store, to resync.
   */
  async replace(entities: EntityLists, position: StoredPosition, meta: Record<string, unknown> = {}): Promise<void> {
    await this.compaction;
    await this.writeRaw([{ type: "put", key: PREFIX.meta + RESYNCING_KEY, value: "true" }], true);
    let ops: RawOp[] = [];
    const flush = async (force = false) => {
      if (ops.length < REPLACE_BATCH && !force) return;
      const batch = ops;
      ops = [];
      await this.writeRaw(batch, false);
    };
    for (const prefix of [PREFIX.log, PREFIX.domain, PREFIX.host, PREFIX.type]) {
      await this.db.clear({ gte: prefix, lt: prefix + "\xff", keyEncoding: "utf8" } as never);
    }
    this.forgetLog();
    this.stale.clear();
    // Whatever failed to compact is gone with the rest.
    this.compactionFailure = undefined;
    for (const domain of entities.domains) {
      ops.push({ type: "put", key: PREFIX.domain + domain.path, value: JSON.stringify(domain) });
      await flush();
    }
    for (const host of entities.hosts) {
      ops.push({ type: "put", key: PREFIX.host + host.id, value: JSON.stringify(host) });
      await flush();
    }
    for (const type of entities.types) {
      ops.push({ type: "put", key: PREFIX.type + type.name, value: JSON.stringify(type) });
      await flush();
    }
    await flush(true);
    const last: RawOp[] = [
      { type: "put", key: PREFIX.meta + POSITION_KEY, value: JSON.stringify(position) },
      { type: "put", key: PREFIX.meta + CHECKPOINT_KEY, value: String(position.revision) },
    ];
    for (const [key, value] of Object.entries(meta)) last.push({ type: "put", key: PREFIX.meta + key, value: JSON.stringify(value) });
    last.push({ type: "del", key: PREFIX.meta + RESYNCING_KEY });
    await this.writeRaw(last, true);
    this.marker?.write(position);
    this.checkpointRevision = position.revision;
  }

  /** One batch at the root: its keys already prefixed, its values already encoded (raw-batch.ts). */
  private writeRaw(ops: readonly RawOp[], sync: boolean): Promise<void> {
    return writeRawBatch(this.db, ops, sync);
  }

  private forgetLog(): void {
    this.recordStarts = [];
    this.lastLogged = 0;
  }

  /**
   * A checkpoint at the last logged change (or where readers are, when they
   * trail it: `committed`), so that the next open has little to replay; then
   * the database is closed.
   */
  async close(committed?: CommittedState): Promise<void> {
    await this.compaction;
    const readers = committed && committed.revision < this.lastLogged ? committed : undefined;
    const at = readers?.revision ?? this.lastLogged;
    if (this.stale.size > 0 && this.lastLogged > 0 && at > (this.checkpointRevision ?? 0)) {
      const ops: RawOp[] = [];
      const kept = new Map<string, Stale>();
      await finishSteps(checkpointOps(ops, this.stale, readers && heldAt(readers, this.stale), kept));
      ops.push({ type: "put", key: PREFIX.meta + CHECKPOINT_KEY, value: String(at) });
      await this.writeRaw(ops, true);
      this.stale = kept;
    }
    await this.db.close();
    this.marker?.close();
  }

  private async findLogBounds(): Promise<void> {
    // A record past the position was written ahead of a batch that never came (writeAhead).
    const position = (await this.meta.get(POSITION_KEY)) as StoredPosition | undefined;
    await this.log.clear({ gt: revisionKey(position?.revision ?? 0) });
    for await (const key of this.log.keys()) this.recordStarts.push(parseInt(key as string, 16));
    for await (const value of this.log.values({ limit: 1, reverse: true })) this.lastLogged = storedChanges(value).at(-1)?.revision ?? 0;
  }
}
