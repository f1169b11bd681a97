/**
 * The state digest with package checks and min_healthy (SPEC 13): fields
 * added after the first release change no existing registry's digest (a
 * store or replica written before them still verifies), and do change it
 * when set, so that replicas that differ only in a check disagree.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFixture } from "../../src/fixture/parse.js";
import { StateDigest } from "../../src/registry/digest.js";
import { cloneRegistry, emptyRegistry, type PackageCheck, type Registry } from "../../src/registry/model.js";

const SEED = "fixtures/table-10-1.yaml";
const seed = (): Registry => parseFixture(readFileSync(SEED, "utf8"), SEED);
const GRPC: PackageCheck = { kind: "grpc", intervalMs: 200, timeoutMs: 200, rise: 2, fall: 2 };

/** `registry` with agent-1's command-control package checked by `check`. */
function checked(registry: Registry, check: PackageCheck): Registry {
  const next = cloneRegistry(registry);
  const host = next.hosts.get("agent-1")!;
  next.hosts.set("agent-1", { ...host, packages: host.packages.map((p) => (p.type === "command-control" ? { ...p, check } : p)) });
  return next;
}

function withMinHealthy(registry: Registry, minHealthy: number): Registry {
  const next = cloneRegistry(registry);
  next.types.set("command-control", { name: "command-control", policy: "ordered", minHealthy });
  return next;
}

describe("StateDigest with checks and min_healthy", () => {
  it("is what it always was for a registry without them", () => {
    // Pinned before checks and min_healthy existed.
    expect(StateDigest.of(seed()).hex()).toBe("3da5dd71a701bbc82656db0df2aa27e17b61e3b35a81534a2f2a9513bf307add");
    expect(StateDigest.of(emptyRegistry()).hex()).toBe("7b5bf20c52109bf1b94bffd2a737bedfb2a29e30ab5caf843bfccbfaa58814cb");
    const spread = cloneRegistry(seed());
    spread.types.set("command-control", { name: "command-control", policy: "spread" });
    expect(StateDigest.of(spread).hex()).toBe("9c1a3b1be6767b7f0b0488d0716f21382cb9cfe51e4d44bd384ac1b8d8ed6487");
  });

  it("changes with a check, and with each field of it", () => {
    const variants: PackageCheck[] = [
      GRPC,
      { ...GRPC, kind: "tcp" },
      { ...GRPC, intervalMs: 201 },
      { ...GRPC, timeoutMs: 201 },
      { ...GRPC, rise: 3 },
      { ...GRPC, fall: 3 },
      { ...GRPC, service: "" },
      { ...GRPC, service: "x" },
      { ...GRPC, kind: "http" },
      { ...GRPC, kind: "http", path: "/healthz" },
      { ...GRPC, kind: "exec", command: ["true"] },
      { ...GRPC, kind: "exec", command: ["true", ""] },
      // The default check written out is not the same record as none.
      { kind: "tcp", intervalMs: 1_000, timeoutMs: 1_000, rise: 2, fall: 3 },
    ];
    const digests = [seed(), ...variants.map((check) => checked(seed(), check))].map((r) => StateDigest.of(r).hex());
    expect(new Set(digests).size).toBe(digests.length);
  });

  it("changes with min_healthy, 0 included", () => {
    const digests = [seed(), withMinHealthy(seed(), 0), withMinHealthy(seed(), 0.5), withMinHealthy(seed(), 1)].map((r) => StateDigest.of(r).hex());
    expect(new Set(digests).size).toBe(digests.length);
  });

  it("updated by ops equals the digest computed whole", () => {
    const before = seed();
    const after = withMinHealthy(checked(before, { ...GRPC, kind: "exec", command: ["/bin/ok"] }), 0.25);
    const digest = StateDigest.of(before);
    digest.update(before, [
      { kind: "put-host", host: after.hosts.get("agent-1")! },
      { kind: "put-type", type: after.types.get("command-control")! },
    ]);
    expect(digest.hex()).toBe(StateDigest.of(after).hex());
  });

  it("does not depend on the order a check's fields were written in", () => {
    const reordered = { fall: 2, rise: 2, timeoutMs: 200, intervalMs: 200, kind: "grpc" } as PackageCheck;
    expect(StateDigest.of(checked(seed(), reordered)).hex()).toBe(StateDigest.of(checked(seed(), GRPC)).hex());
  });
});
