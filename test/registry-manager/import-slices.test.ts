/**
 * Issue 17, "no stall": an import of many hosts is still ONE change (one
 * revision, one digest, nothing half of it visible to readers), but it
 * takes a slice of work per turn of the event loop, so that other calls are
 * answered meanwhile, and the writes that came after it wait behind it.
 * No timing is asserted: what is checked is what other turns of the loop
 * saw while the import was on its way.
 */
import { describe, expect, it } from "vitest";
import { formatFixture } from "../../src/fixture/format.js";
import { parseFixture } from "../../src/fixture/parse.js";
import { StateDigest } from "../../src/registry/digest.js";
import { applyOps, emptyRegistry, joinPath, newHost, newPackage, type Registry } from "../../src/registry/model.js";
import { ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import { importRegistry, importRegistrySteps } from "../../src/registry-manager/mutations/import.js";
import { registerHost } from "../../src/registry-manager/mutations/hosts.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { registryFromSnapshot } from "../../src/wire/snapshot.js";
import { useDefer } from "../support/defer.js";
import { connect, startManager } from "../support/manager.js";
import { useTempDirs } from "../support/temp-dir.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** Enough hosts for several slices of every phase. */
const HOSTS = 4 * ITEMS_PER_SLICE + 123;

function bigRegistry(hosts = HOSTS): Registry {
  const registry = emptyRegistry();
  const domains = ["/"];
  for (let d = 0; d < 40; d++) {
    const path = joinPath(domains[Math.floor(d / 4)]!, `d${d}`);
    registry.domains.set(path, { path });
    domains.push(path);
  }
  for (let i = 0; i < hosts; i++) {
    const id = `host-${String(i).padStart(6, "0")}`;
    const packages = i % 10 === 0 ? [newPackage("command-control", 7600, { priority: i % 3 })] : [];
    registry.hosts.set(id, newHost(id, domains[i % domains.length]!, { labels: { rack: `r${i % 7}` }, packages, status: "up" }));
  }
  registry.types.set("command-control", { name: "command-control", policy: "ordered" });
  return registry;
}

/** The digest of `before` after the import of `imported`, worked out in one go, off the store. */
function digestAfterImport(before: Registry, imported: Registry): string {
  const after: Registry = { domains: new Map(before.domains), hosts: new Map(before.hosts), types: new Map(before.types) };
  applyOps(after, importRegistry(imported)(before));
  return StateDigest.of(after).hex();
}

/** Calls `look` on every turn of the event loop until `until` settles; resolves with what it returned. */
async function everyTurn<T, R>(until: Promise<R>, look: (settled: boolean) => T): Promise<T[]> {
  const seen: T[] = [];
  let settled = false;
  void until.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise<void>((resolve) => {
    const turn = () => {
      seen.push(look(settled));
      if (settled) resolve();
      else setImmediate(turn);
    };
    setImmediate(turn);
  });
  return seen;
}

describe("an import of many hosts", () => {
  it("is one change with the digest of its state, visible all at once, and the loop turns while it is made", async () => {
    const dir = tempDir();
    const store = await RegistryStore.open(dir);
    await store.initialize("cluster-test", 1);
    const imported = bigRegistry();
    const expected = digestAfterImport(emptyRegistry(), imported);

    const importing = store.mutate(importRegistrySteps(imported), { cause: "import big.yaml" });
    // Written after the import was asked for: it must run against the imported state, after it.
    const late = store.mutate(registerHost({ id: "late", domain: "/d0" }), { cause: "host add late" });
    const turns = await everyTurn(Promise.all([importing, late]), () => ({
      revision: store.position.revision,
      readersSee: store.index.registry.hosts.size,
      working: store.latest.registry.hosts.size,
    }));

    expect(await importing).toEqual({ revision: 1, epoch: 1, changed: true });
    expect((await late).revision).toBe(2);
    // Other turns ran while the import's own steps were still under way (a part of it applied, or none)…
    expect(turns.some((t) => t.revision === 0 && t.working < HOSTS)).toBe(true);
    // …and while it was whole in the working state but not yet read: readers saw all of it or none.
    expect(turns.some((t) => t.revision === 0 && t.working >= HOSTS)).toBe(true);
    for (const t of turns) expect([`0:0`, `1:${HOSTS}`, `2:${HOSTS + 1}`]).toContain(`${t.revision}:${t.readersSee}`);

    const changes = (await store.changesAfter(0))!;
    expect(changes.map((c) => [c.revision, c.cause])).toEqual([
      [1, "import big.yaml"],
      [2, "host add late"],
    ]);
    expect(changes[0]!.ops.filter((op) => op.kind === "put-host")).toHaveLength(HOSTS);
    expect(Buffer.from(changes[0]!.digest).toString("hex")).toBe(expected);

    // What is on disk verifies against its digest when it is opened again (open checks it).
    await store.close();
    const reopened = await RegistryStore.open(dir);
    try {
      expect(reopened.position.revision).toBe(2);
      expect(reopened.index.registry.hosts.size).toBe(HOSTS + 1);
    } finally {
      await reopened.close();
    }
  });

  it("over Import: the manager answers other calls while it parses and applies the file, and commits it as one revision", async () => {
    const manager = await startManager(defer);
    const client = connect(defer, manager.address);
    const before = registryFromSnapshot(await client.export());
    const text = formatFixture(bigRegistry(), "yaml");
    const expected = digestAfterImport(before, parseFixture(text, "big.yaml"));
    const start = await client.call("GetStatus", {});

    let answeredDuring = 0;
    let importDone = false;
    const importing = client.import(text, { format: "yaml", file_name: "big.yaml" }).finally(() => (importDone = true));
    // One call after the other, for as long as the import takes: each must be answered in its turn.
    while (!importDone) {
      const status = await client.call("GetStatus", {});
      if (!importDone && status.revision === start.revision) answeredDuring++;
    }
    const reply = await importing;

    expect(answeredDuring).toBeGreaterThan(0);
    expect(reply.revision).toBe(start.revision + 1);
    const tree = await client.call("GetTree", {});
    expect(tree.revision).toBe(start.revision + 1);
    expect(tree.hosts).toHaveLength(HOSTS + before.hosts.size);
    expect(tree.digest.toString("hex")).toBe(expected);
  });
});
