import { Level } from "level";
import { CairnError, Code } from "../errors.js";
import {
  emptyRegistry,
  type ChangeRecord,
  type DomainRecord,
  type HostRecord,
  type Op,
  type Registry,
  type TypeRecord,
} from "../router/model.js";

/**
 * The on-disk layout shared by the registry manager and the agent's replica:
 * one LevelDB with sublevels per kind. Every write is one synced batch that
 * spans the sublevels, so a crash leaves either all of a change or none of it.
 *
 *   meta/position      { clusterId, epoch, revision, digest }
 *   meta/<other>       component-specific (role, primary, ...)
 *   log/<rev:16 hex>   a ChangeRecord; fixed width so byte order is numeric order
 *   domain/<path>, host/<id>, type/<name>   the entities
 */

export interface StoredPosition {
  clusterId: string;
  epoch: number;
  revision: number;
  /** Hex of the state digest after `revision`. */
  digest: string;
}

interface StoredChange {
  epoch: number;
  revision: number;
  digest: string;
  ops: Op[];
  timeUnixMs: number;
  cause: string;
}

export interface BatchWrite {
  /** Changes to apply to the entities, in order; logged when `log` is set. */
  changes: readonly ChangeRecord[];
  /** Where the store stands after the batch; left as it is when undefined (a meta-only write). */
  position?: StoredPosition;
  log: boolean;
  /** Log entries below this revision are deleted in the same batch. */
  compactBelow?: number;
  /** Extra meta keys to set in the same batch. */
  meta?: Record<string, unknown>;
  /**
   * Wait for the disk (fsync) before resolving; default true. A replica that
   * can resync from its manager may skip it: a crash of the process loses
   * nothing either way, only a power cut can.
   */
  sync?: boolean;
}

type Sublevel = ReturnType<Level<string, unknown>["sublevel"]>;
type BatchOp =
  | { type: "put"; sublevel: Sublevel; key: string; value: unknown }
  | { type: "del"; sublevel: Sublevel; key: string };

export function revisionKey(revision: number): string {
  return revision.toString(16).padStart(16, "0");
}

export class RegistryDb {
  private readonly meta: Sublevel;
  private readonly log: Sublevel;
  private readonly domains: Sublevel;
  private readonly hosts: Sublevel;
  private readonly types: Sublevel;
  /** Lowest revision still in the log (0 when the log is empty). */
  private firstLogged = 0;
  private lastLogged = 0;

  private constructor(private readonly db: Level<string, unknown>) {
    const json = { valueEncoding: "json" } as const;
    this.meta = db.sublevel("meta", json);
    this.log = db.sublevel("log", json);
    this.domains = db.sublevel("domain", json);
    this.hosts = db.sublevel("host", json);
    this.types = db.sublevel("type", json);
  }

  static async open(path: string): Promise<RegistryDb> {
    const db = new Level<string, unknown>(path, { valueEncoding: "json" });
    try {
      await db.open();
    } catch (error) {
      const cause = (error as { cause?: Error }).cause?.message ?? (error as Error).message;
      throw new CairnError(Code.FAILED_PRECONDITION, `cannot open the store in ${path}: ${cause}`);
    }
    const store = new RegistryDb(db);
    await store.findLogBounds();
    return store;
  }

  /** Everything on disk: the entities and where they stand (undefined for a new store). */
  async load(): Promise<{ registry: Registry; position: StoredPosition | undefined }> {
    const registry = emptyRegistry();
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
    const position = (await this.meta.get("position")) as StoredPosition | undefined;
    return { registry, position };
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.meta.get(key)) as T | undefined;
  }

  get logBounds(): { first: number; last: number } {
    return { first: this.firstLogged, last: this.lastLogged };
  }

  /** The logged changes with from <= revision <= to, in order. */
  async readLog(from: number, to: number): Promise<ChangeRecord[]> {
    const changes: ChangeRecord[] = [];
    for await (const value of this.log.values({ gte: revisionKey(from), lte: revisionKey(to) })) {
      changes.push(fromStored(value as StoredChange));
    }
    return changes;
  }

  async write(batch: BatchWrite): Promise<void> {
    const ops: BatchOp[] = [];
    for (const change of batch.changes) {
      for (const op of change.ops) ops.push(this.entityOp(op));
      if (batch.log) ops.push({ type: "put", sublevel: this.log, key: revisionKey(change.revision), value: toStored(change) });
    }
    let first = this.firstLogged;
    if (batch.log && batch.changes.length > 0 && first === 0) first = batch.changes[0]!.revision;
    if (batch.compactBelow !== undefined) {
      for (; first > 0 && first < batch.compactBelow && first <= this.lastLogged; first++) {
        ops.push({ type: "del", sublevel: this.log, key: revisionKey(first) });
      }
    }
    if (batch.position) ops.push({ type: "put", sublevel: this.meta, key: "position", value: batch.position });
    for (const [key, value] of Object.entries(batch.meta ?? {})) ops.push({ type: "put", sublevel: this.meta, key, value });
    // The sublevels encode their own values; the typings cannot follow a batch that mixes them.
    await this.db.batch(ops as never, { sync: batch.sync ?? true });
    if (batch.log && batch.changes.length > 0) {
      this.lastLogged = batch.changes[batch.changes.length - 1]!.revision;
      this.firstLogged = first > this.lastLogged ? 0 : first;
    }
  }

  /**
   * Replaces everything (entities and log) with `registry` at `position`, in
   * one batch: how a replica installs a snapshot.
   */
  async replace(registry: Readonly<Registry>, position: StoredPosition, meta: Record<string, unknown> = {}): Promise<void> {
    const ops: BatchOp[] = [];
    for (const sublevel of [this.domains, this.hosts, this.types, this.log]) {
      for await (const key of sublevel.keys()) ops.push({ type: "del", sublevel, key: key as string });
    }
    for (const domain of registry.domains.values()) ops.push({ type: "put", sublevel: this.domains, key: domain.path, value: domain });
    for (const host of registry.hosts.values()) ops.push({ type: "put", sublevel: this.hosts, key: host.id, value: host });
    for (const type of registry.types.values()) ops.push({ type: "put", sublevel: this.types, key: type.name, value: type });
    ops.push({ type: "put", sublevel: this.meta, key: "position", value: position });
    for (const [key, value] of Object.entries(meta)) ops.push({ type: "put", sublevel: this.meta, key, value });
    // The sublevels encode their own values; the typings cannot follow a batch that mixes them.
    await this.db.batch(ops as never, { sync: true });
    this.firstLogged = 0;
    this.lastLogged = 0;
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  private entityOp(op: Op): BatchOp {
    switch (op.kind) {
      case "put-domain":
        return { type: "put", sublevel: this.domains, key: op.domain.path, value: op.domain };
      case "delete-domain":
        return { type: "del", sublevel: this.domains, key: op.path };
      case "put-host":
        return { type: "put", sublevel: this.hosts, key: op.host.id, value: op.host };
      case "delete-host":
        return { type: "del", sublevel: this.hosts, key: op.id };
      case "put-type":
        return { type: "put", sublevel: this.types, key: op.type.name, value: op.type };
      case "delete-type":
        return { type: "del", sublevel: this.types, key: op.name };
    }
  }

  private async findLogBounds(): Promise<void> {
    for await (const key of this.log.keys({ limit: 1 })) this.firstLogged = parseInt(key as string, 16);
    for await (const key of this.log.keys({ limit: 1, reverse: true })) this.lastLogged = parseInt(key as string, 16);
  }
}

function toStored(change: ChangeRecord): StoredChange {
  return { ...change, digest: Buffer.from(change.digest).toString("hex") };
}

function fromStored(stored: StoredChange): ChangeRecord {
  return { ...stored, digest: Buffer.from(stored.digest, "hex") };
}
