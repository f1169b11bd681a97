import { Level } from "level";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { Replica } from "../../src/registry-agent/replica.js";
import { ChangeRefusal } from "../../src/replication/change-check.js";
import { StateDigest } from "../../src/registry/digest.js";
import { applyOps, cloneRegistry, emptyRegistry, newHost, newPackage, type ChangeRecord, type Op, type Registry } from "../../src/registry/model.js";
import { RegistryDb } from "../../src/storage/registry-db.js";
import { useDefer } from "../support/defer.js";
import { useTempDirs } from "../support/temp-dir.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** A manager's history, change by change, with the digests it would send. */
class History {
  registry: Registry = emptyRegistry();
  private digest = StateDigest.of(this.registry);
  revision = 0;

  next(ops: Op[], epoch = 1): ChangeRecord {
    this.digest.update(this.registry, ops);
    applyOps(this.registry, ops);
    return { epoch, revision: ++this.revision, digest: this.digest.bytes(), ops, timeUnixMs: 0, cause: "test" };
  }

  get position() {
    return { clusterId: "c", epoch: 1, revision: this.revision, digest: this.digest.bytes() };
  }
}

const putManager = (id: string, port: number): Op => ({
  kind: "put-host",
  host: newHost(id, "/", { packages: [newPackage("command-control", port)] }),
});

async function open(dir: string): Promise<Replica> {
  const replica = await Replica.open(dir, silentLogger);
  defer(() => replica.close());
  return replica;
}

describe("Replica", () => {
  it("applies changes in order and routes from them", async () => {
    const replica = await open(tempDir());
    const history = new History();
    replica.install(cloneRegistry(history.registry), history.position);
    replica.apply(history.next([putManager("m1", 7001)]));
    replica.apply(history.next([putManager("m2", 7002)]));
    expect(replica.position.revision).toBe(2);
    expect(replica.routes.route("m2", "command-control").candidates.map((c) => c.host)).toEqual(["m2", "m1"]);
  });

  it("refuses a gap, a change from an older epoch, and a change whose digest it cannot reproduce", async () => {
    const replica = await open(tempDir());
    const history = new History();
    replica.install(cloneRegistry(history.registry), history.position);
    replica.apply(history.next([putManager("m1", 7001)], 2));

    const skipped = history.next([putManager("m2", 7002)], 2);
    const after = history.next([putManager("m3", 7003)], 2);
    expect(() => replica.apply(after)).toThrow(expect.objectContaining({ refusal: "gap" }));

    const old = { ...skipped, epoch: 1 };
    expect(() => replica.apply(old)).toThrow(expect.objectContaining({ refusal: "stale-epoch" }));

    const forged = { ...skipped, digest: Buffer.alloc(32, 7) };
    expect(() => replica.apply(forged)).toThrow(ChangeRefusal);
    expect(() => replica.apply(forged)).toThrow(expect.objectContaining({ refusal: "digest-mismatch" }));

    // Nothing of the refused changes stuck.
    expect(replica.position.revision).toBe(1);
    replica.apply(skipped);
    expect(replica.position.revision).toBe(2);
  });

  it("comes back from disk at the same revision after a restart, and routes at once", async () => {
    const dir = tempDir();
    const history = new History();
    const first = await Replica.open(dir, silentLogger);
    first.install(cloneRegistry(history.registry), history.position);
    first.apply(history.next([putManager("m1", 7001)]));
    first.apply(history.next([putManager("m2", 7002)]));
    const before = first.position;
    await first.close();

    const again = await open(dir);
    expect(again.position).toEqual(before);
    expect(again.routes.first("m1", "command-control")?.host).toBe("m1");
  });

  it("starts empty (and so resyncs) after a snapshot install cut short, and installs in batches that read back whole", async () => {
    const dir = tempDir();
    const history = new History();
    for (let i = 0; i < 5_000; i++) history.next([putManager(`m${i}`, 7000 + (i % 1000))]);
    const first = await Replica.open(dir, silentLogger);
    first.install(cloneRegistry(history.registry), history.position);
    await first.close();
    const whole = await open(dir);
    expect(whole.position.revision).toBe(5_000);
    expect(whole.routes.registry.hosts.size).toBe(5_000);
    await whole.close();

    // The marker a replace writes first and removes last: as if the process died in between.
    const raw = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await raw.put("!meta!resyncing", "true");
    await raw.close();
    const cut = await open(dir);
    expect(cut.position.revision).toBe(0);
    expect(cut.routes.registry.hosts.size).toBe(0);
  });

  it("starts empty (and so resyncs) when its disk copy does not match its digest", async () => {
    const dir = tempDir();
    const history = new History();
    const first = await Replica.open(dir, silentLogger);
    first.install(cloneRegistry(history.registry), history.position);
    first.apply(history.next([putManager("m1", 7001)]));
    await first.close();

    const db = await RegistryDb.open(dir);
    const { position } = await db.load();
    await db.write({ changes: [{ ...history.next([putManager("m1", 9999)]), digest: Buffer.alloc(32) }], position: position!, log: false });
    await db.close();

    const damaged = await open(dir);
    expect(damaged.position.revision).toBe(0);
    expect(damaged.routes.registry.hosts.size).toBe(0);
  });
});

describe("a damaged replica", () => {
  async function written(dir: string): Promise<History> {
    const history = new History();
    const replica = await Replica.open(dir, silentLogger);
    replica.install(cloneRegistry(history.registry), history.position);
    for (let i = 0; i < 5; i++) replica.apply(history.next([putManager(`m${i}`, 7000 + i)]));
    await replica.close();
    return history;
  }

  it("is verified when its digest proves it, empty when new", async () => {
    const dir = tempDir();
    expect((await open(tempDir())).state).toBe("empty");
    await written(dir);
    const reopened = await open(dir);
    expect(reopened.state).toBe("verified");
    expect(reopened.position.revision).toBe(5);
  });

  it("that LevelDB cannot open is discarded: the agent starts from nothing and says it is rebuilding", async () => {
    const dir = tempDir();
    await written(dir);
    const { writeFileSync } = await import("node:fs");
    writeFileSync(`${dir}/CURRENT`, "MANIFEST-999999\n");
    const reopened = await open(dir);
    expect(reopened.state).toBe("rebuilding");
    expect(reopened.position.revision).toBe(0);
    expect(reopened.routes.registry.hosts.size).toBe(0);
  });

  it("whose entities lost their position cannot be verified, and is discarded too; a snapshot makes it verified", async () => {
    const dir = tempDir();
    const history = await written(dir);
    const db = new Level<string, string>(dir, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await db.del("!meta!position");
    await db.close();
    const reopened = await open(dir);
    expect(reopened.state).toBe("rebuilding");
    expect(reopened.routes.registry.hosts.size).toBe(0);
    reopened.install(cloneRegistry(history.registry), history.position);
    expect(reopened.state).toBe("verified");
  });
});
