import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CairnError, Code } from "../../src/errors.js";
import { checkExpectedRevision, combine } from "../../src/registry-manager/mutations/mutation.js";
import { createDomain, deleteDomain, moveDomain } from "../../src/registry-manager/mutations/domains.js";
import { deployPackage, removePackage, restorePackage, withdrawPackage } from "../../src/registry-manager/mutations/packages.js";
import { ensureRegistryPackage } from "../../src/registry-manager/mutations/manager-records.js";
import { firstContact, reportHealth, setHostStatus } from "../../src/registry-manager/mutations/heartbeat.js";
import { importRegistry } from "../../src/registry-manager/mutations/import.js";
import { moveHost, registerHost, removeHost, setLabels, setMaintenance } from "../../src/registry-manager/mutations/hosts.js";
import { setType, setTypePolicy } from "../../src/registry-manager/mutations/type-policies.js";
import type { Mutation } from "../../src/registry-manager/mutations/mutation.js";
import { parseFixture } from "../../src/fixture/parse.js";
import {
  REGISTRY_TYPE,
  ROOT_PATH,
  applyOps,
  emptyRegistry,
  newHost,
  newPackage,
  packageOf,
  parentPath,
} from "../../src/registry/model.js";
import type { HostRecord, Op, PackageCheck, Registry } from "../../src/registry/model.js";
import { MAX_LABELS, MAX_PACKAGES_PER_HOST, domainPathProblem } from "../../src/registry/names.js";
import { RouteIndex } from "../../src/router/route-index.js";

// ---- the registry most tests start from ----

const BASE_FIXTURE = `
types:
  command-control: { policy: ordered }
root:
  hosts:
    - id: framework-manager
      packages:
        - { type: registry, port: 7400, role: primary }
        - { type: command-control, port: 7601 }
  subdomains:
    a:
      hosts:
        - id: agent-1
          labels: { rack: r1, zone: z1 }
          packages: [{ type: command-control, port: 7611 }]
        - id: agent-2
      subdomains:
        b:
          hosts:
            - id: agent-3
              packages: [{ type: command-control, port: 7631, priority: 2 }]
          subdomains:
            c: {}
    x: {}
`;

/** A fresh copy each time: /, /a, /a/b, /a/b/c, /x; framework-manager in /, agent-1 and agent-2 in /a, agent-3 in /a/b. */
const base = (): Registry => parseFixture(BASE_FIXTURE, "base.yaml");

/** What a freshly bootstrapped manager's registry holds: its own host and `registry` package. */
function bootstrapped(id = "framework-manager", domain = ROOT_PATH): Registry {
  const registry = emptyRegistry();
  for (let p: string | undefined = domain; p !== undefined; p = parentPath(p)) registry.domains.set(p, { path: p });
  registry.hosts.set(id, newHost(id, domain, { packages: [newPackage(REGISTRY_TYPE, 7400, { role: "primary" })] }));
  return registry;
}

const GRPC_CHECK: PackageCheck = { kind: "grpc", intervalMs: 200, timeoutMs: 200, rise: 2, fall: 2 };
const HTTP_CHECK: PackageCheck = { kind: "http", intervalMs: 1000, timeoutMs: 500, rise: 1, fall: 3, path: "/healthz" };
const EXEC_CHECK: PackageCheck = { kind: "exec", intervalMs: 5000, timeoutMs: 1000, rise: 2, fall: 3, command: ["/usr/bin/true", "-x"] };

/** The base registry with a check on agent-3's package and a min_healthy on command-control. */
function withChecks(): Registry {
  const registry = base();
  const agent3 = registry.hosts.get("agent-3")!;
  registry.hosts.set("agent-3", { ...agent3, packages: agent3.packages.map((p) => ({ ...p, check: GRPC_CHECK })) });
  registry.types.set("command-control", { name: "command-control", policy: "ordered", minHealthy: 0.5 });
  return registry;
}

// ---- checks ----

/** Every way a registry can be inconsistent, as a list of problems (empty when fine). */
function inconsistencies(registry: Registry): string[] {
  const problems: string[] = [];
  if (!registry.domains.has(ROOT_PATH)) problems.push("no root domain");
  for (const [path, domain] of registry.domains) {
    if (domain.path !== path) problems.push(`domain key ${path} holds ${domain.path}`);
    const bad = domainPathProblem(path);
    if (bad) problems.push(bad);
    const parent = parentPath(path);
    if (parent !== undefined && !registry.domains.has(parent)) problems.push(`domain ${path} has no parent ${parent}`);
  }
  for (const [id, host] of registry.hosts) {
    if (host.id !== id) problems.push(`host key ${id} holds ${host.id}`);
    if (!registry.domains.has(host.domain)) problems.push(`host ${id} is in missing domain ${host.domain}`);
    host.packages.forEach((p, i) => {
      const next = host.packages[i + 1];
      if (next && !(p.type < next.type)) problems.push(`host ${id}: packages not sorted/unique at ${p.type}, ${next.type}`);
      if (p.role !== undefined && p.type !== REGISTRY_TYPE) problems.push(`host ${id}: role on ${p.type}`);
      if ("role" in p && p.role === undefined) problems.push(`host ${id}: role: undefined on ${p.type}`);
    });
  }
  return problems;
}

/** Freezes the records of a registry, so that a mutation writing into them throws. */
function freezeRecords(registry: Registry): void {
  for (const domain of registry.domains.values()) Object.freeze(domain);
  for (const type of registry.types.values()) Object.freeze(type);
  for (const host of registry.hosts.values()) {
    Object.freeze(host.labels);
    for (const pkg of host.packages) Object.freeze(pkg);
    Object.freeze(host.packages);
    Object.freeze(host);
  }
}

/**
 * Applies `ops` to a copy of `state` one op at a time, checking the invariants
 * after each, and to a route index (which throws on out-of-order ops).
 */
function applyStepwise(state: Registry, ops: readonly Op[]): Registry {
  const after = structuredClone(state);
  ops.forEach((op, i) => {
    applyOps(after, [op]);
    expect(inconsistencies(after), `after op #${i}: ${JSON.stringify(op)}`).toEqual([]);
  });
  const index = RouteIndex.build(state);
  index.apply(ops);
  expect(index.registry).toEqual(after);
  return after;
}

/** Runs a mutation that must succeed: the state is not modified, the ops keep the invariants. */
function run(state: Registry, mutation: Mutation): { ops: Op[]; after: Registry } {
  freezeRecords(state);
  const before = structuredClone(state);
  const ops = mutation(state);
  expect(state).toEqual(before);
  const after = applyStepwise(state, ops);
  expect(state).toEqual(before);
  return { ops, after };
}

/** Runs a mutation that must succeed and returns the registry after it. */
const after = (state: Registry, mutation: Mutation): Registry => run(state, mutation).after;

/** Runs a mutation that must change nothing. */
function expectNoop(state: Registry, mutation: Mutation): void {
  expect(run(state, mutation).ops).toEqual([]);
}

/** Runs a mutation that must be rejected with `code` (and a message containing `message`), leaving the state alone. */
function expectRejected(state: Registry, mutation: Mutation, code: Code, message?: string | RegExp): CairnError {
  freezeRecords(state);
  const before = structuredClone(state);
  let thrown: unknown;
  try {
    mutation(state);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(CairnError);
  const error = thrown as CairnError;
  expect({ code: error.code, message: error.message }).toMatchObject({ code });
  if (typeof message === "string") expect(error.message).toContain(message);
  else if (message) expect(error.message).toMatch(message);
  expect(state).toEqual(before);
  return error;
}

const host = (registry: Registry, id: string): HostRecord => {
  const found = registry.hosts.get(id);
  if (!found) throw new Error(`test setup: no host ${id}`);
  return found;
};

const paths = (registry: Registry) => [...registry.domains.keys()].sort();

// ---- tests ----

describe("the checkers themselves", () => {
  it("see a host in a missing domain, an orphan domain and unsorted packages", () => {
    const registry = base();
    registry.domains.delete("/a/b");
    registry.hosts.set("z", newHost("z", "/nope", { packages: [newPackage("t2", 1), newPackage("t1", 2)] }));
    expect(inconsistencies(registry)).toEqual([
      "domain /a/b/c has no parent /a/b",
      "host agent-3 is in missing domain /a/b",
      "host z is in missing domain /nope",
      "host z: packages not sorted/unique at t2, t1",
    ]);
  });

  it("apply stepwise fails on ops out of order", () => {
    expect(() => applyStepwise(base(), [{ kind: "delete-domain", path: "/a" }])).toThrow();
  });
});

describe("checkExpectedRevision", () => {
  it("passes when unset or equal, aborts with both numbers otherwise", () => {
    expect(() => checkExpectedRevision(undefined, 7)).not.toThrow();
    expect(() => checkExpectedRevision(7, 7)).not.toThrow();
    expect(() => checkExpectedRevision(0, 0)).not.toThrow();
    expect(() => checkExpectedRevision(5, 7)).toThrow(
      expect.objectContaining({ code: Code.ABORTED, message: "registry is at revision 7, not 5" }),
    );
  });
});

describe("createDomain", () => {
  it("creates a domain under an existing parent", () => {
    const { ops, after: result } = run(base(), createDomain("/a/new"));
    expect(ops).toEqual([{ kind: "put-domain", domain: { path: "/a/new" } }]);
    expect(result.domains.get("/a/new")).toEqual({ path: "/a/new" });
  });

  it("creates missing parents in the same change, parents first", () => {
    const { ops } = run(base(), createDomain("/n1/n2/n3"));
    expect(ops).toEqual([
      { kind: "put-domain", domain: { path: "/n1" } },
      { kind: "put-domain", domain: { path: "/n1/n2" } },
      { kind: "put-domain", domain: { path: "/n1/n2/n3" } },
    ]);
  });

  it("rejects an existing domain (the root too) with ALREADY_EXISTS", () => {
    expectRejected(base(), createDomain("/a/b"), Code.ALREADY_EXISTS, 'domain "/a/b" already exists');
    expectRejected(base(), createDomain("/"), Code.ALREADY_EXISTS);
  });

  it.each(["", "a", "/A", "/a/", "//", "/a b", "/-a", "/" + Array.from({ length: 33 }, (_, i) => `d${i}`).join("/")])(
    "rejects the bad path %j with INVALID_ARGUMENT",
    (path) => {
      expectRejected(base(), createDomain(path), Code.INVALID_ARGUMENT);
    },
  );
});

describe("deleteDomain", () => {
  it("deletes an empty domain", () => {
    const result = after(base(), deleteDomain("/x", false));
    expect(result.domains.has("/x")).toBe(false);
    expect(result.hosts.size).toBe(4);
  });

  it("refuses a domain that is not empty without recursive, naming what is in it", () => {
    expectRejected(
      base(),
      deleteDomain("/a", false),
      Code.FAILED_PRECONDITION,
      'domain "/a" holds 2 hosts and 1 subdomain (3 hosts in all below it); use --recursive',
    );
    expectRejected(base(), deleteDomain("/a/b"), Code.FAILED_PRECONDITION, 'domain "/a/b" holds 1 host and 1 subdomain;');
    const registry = base();
    registry.domains.set("/x/y", { path: "/x/y" });
    expectRejected(registry, deleteDomain("/x"), Code.FAILED_PRECONDITION, 'domain "/x" holds 1 subdomain;');
  });

  it("with recursive deletes every host and subdomain below, hosts first and children before parents", () => {
    const { ops, after: result } = run(base(), deleteDomain("/a", true));
    expect(ops).toEqual([
      { kind: "delete-host", id: "agent-1" },
      { kind: "delete-host", id: "agent-2" },
      { kind: "delete-host", id: "agent-3" },
      { kind: "delete-domain", path: "/a/b/c" },
      { kind: "delete-domain", path: "/a/b" },
      { kind: "delete-domain", path: "/a" },
    ]);
    expect(paths(result)).toEqual(["/", "/x"]);
    expect([...result.hosts.keys()]).toEqual(["framework-manager"]);
  });

  it("does not take a sibling whose name starts like the domain", () => {
    const registry = base();
    registry.domains.set("/ab", { path: "/ab" });
    registry.hosts.set("h", newHost("h", "/ab"));
    const result = after(registry, deleteDomain("/a", true));
    expect(paths(result)).toEqual(["/", "/ab", "/x"]);
    expect(result.hosts.has("h")).toBe(true);
  });

  it("refuses the root, a missing domain and a bad path", () => {
    expectRejected(base(), deleteDomain("/", true), Code.INVALID_ARGUMENT, "root");
    expectRejected(base(), deleteDomain("/nope"), Code.NOT_FOUND, 'domain "/nope" not found');
    expectRejected(base(), deleteDomain("nope"), Code.INVALID_ARGUMENT);
  });
});

describe("moveDomain", () => {
  it("moves a subtree with its hosts: new paths parents first, hosts, old paths deepest first", () => {
    const { ops, after: result } = run(base(), moveDomain("/a/b", "/x"));
    expect(ops).toEqual([
      { kind: "put-domain", domain: { path: "/x/b" } },
      { kind: "put-domain", domain: { path: "/x/b/c" } },
      { kind: "put-host", host: { ...host(base(), "agent-3"), domain: "/x/b" } },
      { kind: "delete-domain", path: "/a/b/c" },
      { kind: "delete-domain", path: "/a/b" },
    ]);
    expect(paths(result)).toEqual(["/", "/a", "/x", "/x/b", "/x/b/c"]);
    expect(host(result, "agent-3").domain).toBe("/x/b");
    expect(host(result, "agent-1").domain).toBe("/a");
  });

  it("moves a domain up to the root", () => {
    const result = after(base(), moveDomain("/a/b/c", "/"));
    expect(paths(result)).toEqual(["/", "/a", "/a/b", "/c", "/x"]);
  });

  it("moves a whole branch down, hosts included", () => {
    const result = after(base(), moveDomain("/a", "/x"));
    expect(paths(result)).toEqual(["/", "/x", "/x/a", "/x/a/b", "/x/a/b/c"]);
    expect(["agent-1", "agent-2", "agent-3"].map((id) => host(result, id).domain)).toEqual(["/x/a", "/x/a", "/x/a/b"]);
  });

  it("to its current parent changes nothing", () => {
    expectNoop(base(), moveDomain("/a/b", "/a"));
    expectNoop(base(), moveDomain("/a", "/"));
  });

  it("rejects a move that makes a cycle with INVALID_ARGUMENT", () => {
    expectRejected(base(), moveDomain("/a", "/a"), Code.INVALID_ARGUMENT, "under itself");
    expectRejected(base(), moveDomain("/a", "/a/b/c"), Code.INVALID_ARGUMENT, 'under "/a/b/c", which is inside it');
  });

  it("rejects moving the root", () => {
    expectRejected(base(), moveDomain("/", "/x"), Code.INVALID_ARGUMENT, "root");
  });

  it("rejects a missing domain or new parent with NOT_FOUND, naming which", () => {
    expectRejected(base(), moveDomain("/nope", "/x"), Code.NOT_FOUND, 'domain "/nope" not found');
    expectRejected(base(), moveDomain("/a/b", "/nope"), Code.NOT_FOUND, 'new parent domain "/nope" not found');
  });

  it("rejects bad paths with INVALID_ARGUMENT", () => {
    expectRejected(base(), moveDomain("/a/b", "x"), Code.INVALID_ARGUMENT);
    expectRejected(base(), moveDomain("/A", "/x"), Code.INVALID_ARGUMENT);
  });

  it("rejects a name clash with ALREADY_EXISTS", () => {
    const registry = base();
    registry.domains.set("/x/b", { path: "/x/b" });
    expectRejected(registry, moveDomain("/a/b", "/x"), Code.ALREADY_EXISTS, 'domain "/x" already has a subdomain "b"');
    // Moving /a/a to / would land on its own grandparent /a.
    const nested = base();
    nested.domains.set("/a/a", { path: "/a/a" });
    expectRejected(nested, moveDomain("/a/a", "/"), Code.ALREADY_EXISTS);
  });

  it("rejects a move that puts a domain deeper than 32 segments, and allows exactly 32", () => {
    const deep = (n: number) => "/" + Array.from({ length: n }, (_, i) => `d${i}`).join("/");
    const registry = base();
    for (let n = 1; n <= 30; n++) registry.domains.set(deep(n), { path: deep(n) });
    // /a/b/c is two levels below /a/b: under a 30-deep parent, c lands at 32.
    const ok = after(structuredClone(registry), moveDomain("/a/b", deep(30)));
    expect(ok.domains.has(`${deep(30)}/b/c`)).toBe(true);
    // Under a 30-deep parent /a (with b and c) would reach 33.
    expectRejected(registry, moveDomain("/a", deep(30)), Code.INVALID_ARGUMENT, `"${deep(30)}/a/b/c" 33 segments deep`);
  });
});

describe("registerHost", () => {
  it("registers a host with every field, packages sorted and defaults filled in", () => {
    const result = after(
      base(),
      registerHost({
        id: "agent-9",
        domain: "/a/b",
        address: "10.0.0.9",
        labels: { zone: "z2", rack: "r9" },
        maintenance: true,
        packages: [
          { type: "zeta", port: 9001, priority: -1 },
          { type: "alpha", port: 9000, state: "withdrawn", health: "unhealthy" },
          { type: REGISTRY_TYPE, port: 7401, role: "backup" },
        ],
      }),
    );
    const registered = host(result, "agent-9");
    expect(registered).toEqual({
      id: "agent-9",
      domain: "/a/b",
      address: "10.0.0.9",
      labels: { rack: "r9", zone: "z2" },
      maintenance: true,
      status: "unknown",
      packages: [
        { type: "alpha", port: 9000, priority: 0, state: "withdrawn", health: "unhealthy" },
        { type: REGISTRY_TYPE, port: 7401, priority: 0, state: "enabled", health: "healthy", role: "backup" },
        { type: "zeta", port: 9001, priority: -1, state: "enabled", health: "healthy" },
      ],
    });
    expect(Object.keys(registered.labels)).toEqual(["rack", "zone"]);
  });

  it("with only an id and a domain, builds what newHost builds (an empty address is the default)", () => {
    expect(host(after(base(), registerHost({ id: "h", domain: "/x" })), "h")).toEqual(newHost("h", "/x"));
    expect(host(after(base(), registerHost({ id: "h", domain: "/", address: "" })), "h")).toEqual(newHost("h", "/"));
  });

  it("rejects an existing id with ALREADY_EXISTS, naming where it is", () => {
    expectRejected(base(), registerHost({ id: "agent-3", domain: "/x" }), Code.ALREADY_EXISTS, 'host "agent-3" already exists (in domain "/a/b")');
  });

  it("rejects a missing domain with NOT_FOUND", () => {
    expectRejected(base(), registerHost({ id: "h", domain: "/nope" }), Code.NOT_FOUND, 'domain "/nope" not found');
  });

  const manyLabels = Object.fromEntries(Array.from({ length: MAX_LABELS + 1 }, (_, i) => [`k${i}`, "v"]));
  const manyPackages = Array.from({ length: MAX_PACKAGES_PER_HOST + 1 }, (_, i) => ({ type: `t${i}`, port: 1000 + i }));
  it.each([
    ["a bad id", { id: "Agent_9", domain: "/" }, "host id"],
    ["an id too long", { id: "a".repeat(254), domain: "/" }, "host id"],
    ["a bad domain", { id: "h", domain: "a" }, "must start with"],
    ["a bad address", { id: "h", domain: "/", address: "a b" }, "address"],
    ["a bad label key", { id: "h", domain: "/", labels: { "-k": "v" } }, "label key"],
    ["a label value too long", { id: "h", domain: "/", labels: { k: "v".repeat(254) } }, 'label "k"'],
    ["too many labels", { id: "h", domain: "/", labels: manyLabels }, "65 labels"],
    ["port 0", { id: "h", domain: "/", packages: [{ type: "t", port: 0 }] }, "port 0"],
    ["port 70000", { id: "h", domain: "/", packages: [{ type: "t", port: 70000 }] }, "port 70000"],
    ["a fractional priority", { id: "h", domain: "/", packages: [{ type: "t", port: 1, priority: 1.5 }] }, "priority 1.5"],
    ["a bad type", { id: "h", domain: "/", packages: [{ type: "Bad", port: 1 }] }, "package type"],
    ["a role off registry", { id: "h", domain: "/", packages: [{ type: "t", port: 1, role: "primary" as const }] }, "role is only"],
    ["two packages of a type", { id: "h", domain: "/", packages: [{ type: "t", port: 1 }, { type: "t", port: 2 }] }, 'two packages of type "t"'],
    ["too many packages", { id: "h", domain: "/", packages: manyPackages }, "65 packages"],
  ])("rejects %s with INVALID_ARGUMENT", (_, spec, message) => {
    expectRejected(base(), registerHost(spec), Code.INVALID_ARGUMENT, message);
  });

  it("reports every problem of one request in details", () => {
    const error = expectRejected(
      base(),
      registerHost({ id: "BAD", domain: "nope", packages: [{ type: "t", port: 0 }] }),
      Code.INVALID_ARGUMENT,
      "and 2 more problems",
    );
    expect(error.details).toHaveLength(3);
  });

  it("validates before it looks: a bad request for an existing host is INVALID_ARGUMENT", () => {
    expectRejected(base(), registerHost({ id: "agent-1", domain: "/a", address: " x" }), Code.INVALID_ARGUMENT);
  });
});

describe("moveHost, removeHost, setMaintenance", () => {
  it("moves a host", () => {
    const { ops, after: result } = run(base(), moveHost("agent-3", "/x"));
    expect(ops).toEqual([{ kind: "put-host", host: { ...host(base(), "agent-3"), domain: "/x" } }]);
    expect(host(result, "agent-3").domain).toBe("/x");
  });

  it("moving a host to its domain changes nothing", () => {
    expectNoop(base(), moveHost("agent-3", "/a/b"));
  });

  it("rejects a missing host or domain with NOT_FOUND, a bad id or path with INVALID_ARGUMENT", () => {
    expectRejected(base(), moveHost("agent-9", "/x"), Code.NOT_FOUND, 'host "agent-9" not found');
    expectRejected(base(), moveHost("agent-3", "/nope"), Code.NOT_FOUND, 'domain "/nope" not found');
    expectRejected(base(), moveHost("Agent", "/x"), Code.INVALID_ARGUMENT);
    expectRejected(base(), moveHost("agent-3", "x"), Code.INVALID_ARGUMENT);
  });

  it("removes a host", () => {
    const { ops, after: result } = run(base(), removeHost("agent-1"));
    expect(ops).toEqual([{ kind: "delete-host", id: "agent-1" }]);
    expect(result.hosts.has("agent-1")).toBe(false);
    expectRejected(base(), removeHost("agent-9"), Code.NOT_FOUND, 'host "agent-9" not found');
  });

  it("sets maintenance on and off, and setting it again changes nothing", () => {
    const on = after(base(), setMaintenance("agent-1", true));
    expect(host(on, "agent-1")).toEqual({ ...host(base(), "agent-1"), maintenance: true });
    expectNoop(on, setMaintenance("agent-1", true));
    expect(host(after(on, setMaintenance("agent-1", false)), "agent-1")).toEqual(host(base(), "agent-1"));
    expectNoop(base(), setMaintenance("agent-1", false));
    expectRejected(base(), setMaintenance("agent-9", true), Code.NOT_FOUND, 'host "agent-9" not found');
  });
});

describe("setLabels", () => {
  it("removes, then merges", () => {
    const result = after(base(), setLabels("agent-1", { set: { zone: "z2", owner: "ops" }, remove: ["rack", "absent"] }));
    expect(host(result, "agent-1").labels).toEqual({ owner: "ops", zone: "z2" });
    expect(Object.keys(host(result, "agent-1").labels)).toEqual(["owner", "zone"]);
  });

  it("replaces", () => {
    const result = after(base(), setLabels("agent-1", { set: { owner: "ops" }, replace: true }));
    expect(host(result, "agent-1").labels).toEqual({ owner: "ops" });
    expect(host(after(base(), setLabels("agent-1", { replace: true })), "agent-1").labels).toEqual({});
  });

  it("changes nothing when the labels come out the same", () => {
    expectNoop(base(), setLabels("agent-1", { set: { rack: "r1" } }));
    expectNoop(base(), setLabels("agent-1", { remove: ["absent"] }));
    expectNoop(base(), setLabels("agent-1", { set: { zone: "z1", rack: "r1" }, replace: true }));
    expectNoop(base(), setLabels("agent-2", { set: {}, remove: ["constructor"] }));
  });

  it("sets a key named like an Object method as a plain label", () => {
    const result = after(base(), setLabels("agent-2", { set: { constructor: "x" } }));
    expect(host(result, "agent-2").labels).toEqual({ constructor: "x" });
  });

  it("rejects a key both set and removed, and remove with replace", () => {
    expectRejected(base(), setLabels("agent-1", { set: { rack: "r2" }, remove: ["rack"] }), Code.INVALID_ARGUMENT, '"rack" both set and removed');
    expectRejected(base(), setLabels("agent-1", { set: {}, remove: ["rack"], replace: true }), Code.INVALID_ARGUMENT, "replace");
  });

  it("rejects bad labels with INVALID_ARGUMENT, a missing host with NOT_FOUND", () => {
    expectRejected(base(), setLabels("agent-1", { set: { "bad key": "v" } }), Code.INVALID_ARGUMENT, "label key");
    expectRejected(base(), setLabels("agent-9", { set: { k: "v" } }), Code.NOT_FOUND, 'host "agent-9" not found');
  });

  it("rejects a merge that would pass the label limit with FAILED_PRECONDITION", () => {
    const set = Object.fromEntries(Array.from({ length: MAX_LABELS - 1 }, (_, i) => [`k${i}`, "v"]));
    expectRejected(base(), setLabels("agent-1", { set }), Code.FAILED_PRECONDITION, `${MAX_LABELS + 1} labels`);
    expect(Object.keys(host(after(base(), setLabels("agent-1", { set, remove: ["rack"] })), "agent-1").labels)).toHaveLength(MAX_LABELS);
  });
});

describe("deployPackage", () => {
  it("creates a package with priority 0, enabled and healthy, kept sorted by type", () => {
    const result = after(base(), deployPackage("framework-manager", "aaa", 7000));
    expect(host(result, "framework-manager").packages.map((p) => p.type)).toEqual(["aaa", "command-control", REGISTRY_TYPE]);
    expect(packageOf(host(result, "framework-manager"), "aaa")).toEqual(newPackage("aaa", 7000));
    const prioritised = after(base(), deployPackage("agent-2", "command-control", 7621, { priority: 3 }));
    expect(host(prioritised, "agent-2").packages).toEqual([newPackage("command-control", 7621, { priority: 3 })]);
  });

  it("updates port and priority, keeping state and health; an undefined priority is unchanged", () => {
    let registry = after(base(), withdrawPackage("agent-3", "command-control"));
    registry = after(registry, reportHealth("agent-3", [{ type: "command-control", health: "unhealthy" }]));
    const moved = after(registry, deployPackage("agent-3", "command-control", 7632));
    expect(packageOf(host(moved, "agent-3"), "command-control")).toEqual(
      newPackage("command-control", 7632, { priority: 2, state: "withdrawn", health: "unhealthy" }),
    );
    const reprioritised = after(moved, deployPackage("agent-3", "command-control", 7632, { priority: 0 }));
    expect(packageOf(host(reprioritised, "agent-3"), "command-control")?.priority).toBe(0);
  });

  it("changes nothing when the package is already so", () => {
    expectNoop(base(), deployPackage("agent-3", "command-control", 7631));
    expectNoop(base(), deployPackage("agent-3", "command-control", 7631, { priority: 2 }));
    expectNoop(base(), deployPackage("framework-manager", REGISTRY_TYPE, 7400, { role: "primary" }));
    expectNoop(base(), deployPackage("framework-manager", REGISTRY_TYPE, 7400));
  });

  it("sets the role of a registry package", () => {
    const result = after(base(), deployPackage("framework-manager", REGISTRY_TYPE, 7400, { role: "backup" }));
    expect(packageOf(host(result, "framework-manager"), REGISTRY_TYPE)?.role).toBe("backup");
    const fresh = after(base(), deployPackage("agent-2", REGISTRY_TYPE, 7402, { role: "backup" }));
    expect(host(fresh, "agent-2").packages).toEqual([newPackage(REGISTRY_TYPE, 7402, { role: "backup" })]);
  });

  it("rejects bad input with INVALID_ARGUMENT", () => {
    expectRejected(base(), deployPackage("agent-1", "command-control", 0), Code.INVALID_ARGUMENT, "port 0");
    expectRejected(base(), deployPackage("agent-1", "command-control", 65536), Code.INVALID_ARGUMENT, "port 65536");
    expectRejected(base(), deployPackage("agent-1", "Bad Type", 1), Code.INVALID_ARGUMENT, "package type");
    expectRejected(base(), deployPackage("agent-1", "t", 1, { priority: 2 ** 31 }), Code.INVALID_ARGUMENT, "priority");
    expectRejected(base(), deployPackage("agent-1", "command-control", 1, { role: "primary" }), Code.INVALID_ARGUMENT, "role is only");
    expectRejected(base(), deployPackage("Agent", "t", 1), Code.INVALID_ARGUMENT, "host id");
  });

  it("rejects a missing host with NOT_FOUND", () => {
    expectRejected(base(), deployPackage("agent-9", "t", 1), Code.NOT_FOUND, 'host "agent-9" not found');
  });

  it("refuses a package past the per-host limit with FAILED_PRECONDITION, but still updates one", () => {
    const registry = base();
    const packages = Array.from({ length: MAX_PACKAGES_PER_HOST }, (_, i) => newPackage(`t${String(i).padStart(2, "0")}`, 1000 + i));
    registry.hosts.set("full", newHost("full", "/", { packages }));
    expectRejected(registry, deployPackage("full", "one-more", 1), Code.FAILED_PRECONDITION, "already carries 64 packages");
    expect(run(registry, deployPackage("full", "t00", 2)).ops).toHaveLength(1);
  });
});

describe("withdrawPackage, restorePackage, removePackage", () => {
  it("withdraws and restores, each a no-op when already so", () => {
    const withdrawn = after(base(), withdrawPackage("agent-1", "command-control"));
    expect(packageOf(host(withdrawn, "agent-1"), "command-control")?.state).toBe("withdrawn");
    expectNoop(withdrawn, withdrawPackage("agent-1", "command-control"));
    const restored = after(withdrawn, restorePackage("agent-1", "command-control"));
    expect(restored).toEqual(base());
    expectNoop(base(), restorePackage("agent-1", "command-control"));
  });

  it("removes a package, keeping the others", () => {
    const result = after(base(), removePackage("framework-manager", "command-control"));
    expect(host(result, "framework-manager").packages).toEqual([newPackage(REGISTRY_TYPE, 7400, { role: "primary" })]);
    const three = after(base(), deployPackage("framework-manager", "aaa", 7000));
    const two = after(three, removePackage("framework-manager", "command-control"));
    expect(host(two, "framework-manager").packages.map((p) => p.type)).toEqual(["aaa", REGISTRY_TYPE]);
  });

  it.each([
    ["withdraw", withdrawPackage],
    ["restore", restorePackage],
    ["remove", removePackage],
  ])("%s names what is missing: the host or its package", (_, mutation) => {
    expectRejected(base(), mutation("agent-9", "command-control"), Code.NOT_FOUND, 'host "agent-9" not found');
    expectRejected(base(), mutation("agent-2", "command-control"), Code.NOT_FOUND, 'host "agent-2" has no package of type "command-control"');
    expectRejected(base(), mutation("agent-2", "Bad"), Code.INVALID_ARGUMENT);
  });
});

describe("setTypePolicy", () => {
  it("sets a policy, and setting it again changes nothing", () => {
    const result = after(base(), setTypePolicy("command-control", "spread"));
    expect(result.types.get("command-control")).toEqual({ name: "command-control", policy: "spread" });
    expectNoop(result, setTypePolicy("command-control", "spread"));
    expectNoop(base(), setTypePolicy("command-control", "ordered"));
  });

  it("writes a record for a type without one, even for the default policy", () => {
    const { ops } = run(base(), setTypePolicy("t2", "ordered"));
    expect(ops).toEqual([{ kind: "put-type", type: { name: "t2", policy: "ordered" } }]);
  });

  it("rejects a bad type name or policy", () => {
    expectRejected(base(), setTypePolicy("Bad", "spread"), Code.INVALID_ARGUMENT, "package type");
    expectRejected(base(), setTypePolicy("t2", "random" as never), Code.INVALID_ARGUMENT, "policy");
  });
});

describe("liveness", () => {
  it("sets a host's status; the same status changes nothing", () => {
    const up = after(base(), setHostStatus("agent-1", "up"));
    expect(host(up, "agent-1").status).toBe("up");
    expectNoop(up, setHostStatus("agent-1", "up"));
    expectRejected(base(), setHostStatus("agent-9", "up"), Code.NOT_FOUND, 'host "agent-9" not found');
    expectRejected(base(), setHostStatus("agent-1", "sideways" as never), Code.INVALID_ARGUMENT);
  });

  it("records reported health, ignoring types the host does not carry", () => {
    const { ops, after: result } = run(
      base(),
      reportHealth("framework-manager", [
        { type: "command-control", health: "unhealthy" },
        { type: REGISTRY_TYPE, health: "healthy" },
        { type: "not-here", health: "unhealthy" },
      ]),
    );
    expect(ops).toHaveLength(1);
    expect(host(result, "framework-manager").packages.map((p) => p.health)).toEqual(["unhealthy", "healthy"]);
    expectNoop(result, reportHealth("framework-manager", [{ type: "command-control", health: "unhealthy" }]));
    expectNoop(base(), reportHealth("agent-2", [{ type: "command-control", health: "unhealthy" }]));
    expectNoop(base(), reportHealth("agent-1", []));
    expectRejected(base(), reportHealth("agent-9", []), Code.NOT_FOUND, 'host "agent-9" not found');
  });

  it("first contact registers an unknown host, in the root domain by default", () => {
    expect(host(after(base(), firstContact("agent-9")), "agent-9")).toEqual(newHost("agent-9", "/"));
    expect(host(after(base(), firstContact("agent-9", { domain: "", address: "" })), "agent-9")).toEqual(newHost("agent-9", "/"));
    expect(host(after(base(), firstContact("agent-9", { domain: "/a/b", address: "10.1.1.1" })), "agent-9")).toEqual(
      newHost("agent-9", "/a/b", { address: "10.1.1.1" }),
    );
  });

  it("first contact never moves a registered host", () => {
    expectNoop(base(), firstContact("agent-3", { domain: "/x", address: "10.9.9.9" }));
    expectNoop(base(), firstContact("agent-3"));
    // An agent of an older version listening on 0.0.0.0 still heartbeats for its registered host.
    expectNoop(base(), firstContact("agent-3", { address: "0.0.0.0" }));
  });

  it("first contact refuses an address nobody can dial for a new host", () => {
    expectRejected(base(), firstContact("agent-9", { address: "0.0.0.0" }), Code.INVALID_ARGUMENT, "0.0.0.0");
  });

  it("first contact rejects a bad id or domain, and a missing domain", () => {
    expectRejected(base(), firstContact("Agent"), Code.INVALID_ARGUMENT, "host id");
    expectRejected(base(), firstContact("agent-9", { domain: "x" }), Code.INVALID_ARGUMENT);
    expectRejected(base(), firstContact("agent-9", { domain: "/nope" }), Code.NOT_FOUND, 'domain "/nope" not found');
  });

  it("combines first contact, status and health into one change", () => {
    const heartbeat = (id: string) =>
      combine(
        firstContact(id, { domain: "/a" }),
        setHostStatus(id, "up"),
        reportHealth(id, [{ type: "command-control", health: "unhealthy" }]),
      );
    const fresh = run(base(), heartbeat("agent-9"));
    expect(fresh.ops).toHaveLength(2);
    expect(host(fresh.after, "agent-9")).toEqual(newHost("agent-9", "/a", { status: "up" }));
    const known = run(base(), heartbeat("agent-1"));
    expect(known.ops).toHaveLength(2);
    expect(host(known.after, "agent-1")).toMatchObject({ status: "up", packages: [{ health: "unhealthy" }] });
    expectNoop(known.after, heartbeat("agent-1"));
    expectRejected(base(), combine(setHostStatus("agent-1", "up"), removeHost("agent-9")), Code.NOT_FOUND);
  });
});

describe("ensureRegistryPackage", () => {
  it("changes nothing when the package is already right", () => {
    expectNoop(base(), ensureRegistryPackage("framework-manager", { port: 7400, role: "primary" }));
    expectNoop(base(), ensureRegistryPackage("framework-manager", { port: 7400, role: "primary", domain: "/x" }));
  });

  it("updates port and role, keeping priority, state and health", () => {
    let registry = after(base(), withdrawPackage("framework-manager", REGISTRY_TYPE));
    registry = after(registry, deployPackage("framework-manager", REGISTRY_TYPE, 7400, { priority: 4 }));
    const result = after(registry, ensureRegistryPackage("framework-manager", { port: 7500, role: "backup" }));
    expect(packageOf(host(result, "framework-manager"), REGISTRY_TYPE)).toEqual(
      newPackage(REGISTRY_TYPE, 7500, { role: "backup", priority: 4, state: "withdrawn" }),
    );
  });

  it("adds the package to a registered host without moving it", () => {
    const result = after(base(), ensureRegistryPackage("agent-3", { port: 7403, role: "backup", domain: "/x" }));
    expect(host(result, "agent-3")).toEqual({
      ...host(base(), "agent-3"),
      packages: [newPackage("command-control", 7631, { priority: 2 }), newPackage(REGISTRY_TYPE, 7403, { role: "backup" })],
    });
  });

  it("registers a missing host, in the root domain by default", () => {
    const result = after(emptyRegistry(), ensureRegistryPackage("m1", { port: 7400, role: "primary" }));
    expect(result).toEqual(bootstrapped("m1"));
  });

  it("creates the domain path of a missing host, parents first", () => {
    const { ops, after: result } = run(
      emptyRegistry(),
      ensureRegistryPackage("m1", { port: 7400, role: "primary", domain: "/infra/managers", address: "10.0.0.1" }),
    );
    expect(ops.map((op) => op.kind)).toEqual(["put-domain", "put-domain", "put-host"]);
    expect(host(result, "m1")).toMatchObject({ domain: "/infra/managers", address: "10.0.0.1" });
  });

  it("rejects bad input", () => {
    expectRejected(base(), ensureRegistryPackage("M", { port: 7400, role: "primary" }), Code.INVALID_ARGUMENT);
    expectRejected(base(), ensureRegistryPackage("m", { port: 0, role: "primary" }), Code.INVALID_ARGUMENT, "port 0");
    expectRejected(base(), ensureRegistryPackage("m", { port: 1, role: "boss" as never }), Code.INVALID_ARGUMENT, "role");
    expectRejected(base(), ensureRegistryPackage("m", { port: 1, role: "backup", domain: "x" }), Code.INVALID_ARGUMENT);
  });
});

describe("importRegistry", () => {
  const FILE = `
types:
  command-control: { policy: spread }
root:
  hosts:
    - id: framework-manager
      labels: { role: core }
      packages:
        - { type: registry, port: 7999, role: backup, priority: 1 }
        - { type: command-control, port: 7601 }
  subdomains:
    emea:
      hosts:
        - id: paris-1
          packages: [{ type: command-control, port: 7611 }]
      subdomains:
        paris:
          hosts: [{ id: paris-2, status: up }]
`;
  const file = () => parseFixture(FILE, "file.yaml");

  it("imports into an empty registry as it is", () => {
    expect(after(emptyRegistry(), importRegistry(file(), { replace: false }))).toEqual(file());
    expect(after(emptyRegistry(), importRegistry(base()))).toEqual(base());
  });

  it("into a bootstrapped registry, keeps the file's fields of the manager's host but forces its registry port and role", () => {
    const result = after(bootstrapped(), importRegistry(file(), { replace: false }));
    const expected = file();
    expected.hosts.set("framework-manager", {
      ...host(expected, "framework-manager"),
      packages: [newPackage("command-control", 7601), newPackage(REGISTRY_TYPE, 7400, { role: "primary", priority: 1 })],
    });
    expect(result).toEqual(expected);
  });

  it("moves a manager's host where the file places it", () => {
    const placed = file();
    placed.hosts.set("framework-manager", { ...host(placed, "framework-manager"), domain: "/emea/paris" });
    const result = after(bootstrapped("framework-manager", "/old/place"), importRegistry(placed));
    expect(host(result, "framework-manager").domain).toBe("/emea/paris");
    expect(paths(result)).toEqual(["/", "/emea", "/emea/paris"]);
  });

  it("gives a manager's host its running registry package when the file has the host without one", () => {
    const stripped = file();
    stripped.hosts.set("framework-manager", { ...host(stripped, "framework-manager"), packages: [newPackage("command-control", 7601)] });
    const result = after(bootstrapped(), importRegistry(stripped));
    expect(host(result, "framework-manager").packages).toEqual([
      newPackage("command-control", 7601),
      newPackage(REGISTRY_TYPE, 7400, { role: "primary" }),
    ]);
  });

  it("keeps a manager's host where it is when the file lacks it, creating its domain path", () => {
    const state = bootstrapped("m2", "/infra/managers");
    const result = after(state, importRegistry(file()));
    expect(host(result, "m2")).toEqual(host(state, "m2"));
    expect(paths(result)).toEqual(["/", "/emea", "/emea/paris", "/infra", "/infra/managers"]);
    expect(result.hosts.size).toBe(4);
  });

  it("without replace refuses a registry holding anything else, saying what and suggesting --replace", () => {
    const error = expectRejected(base(), importRegistry(file()), Code.FAILED_PRECONDITION, "--replace");
    expect(error.message).toContain('3 hosts ("agent-1", "agent-2", "agent-3")');
    expect(error.message).toContain('4 domains ("/a", "/a/b", "/a/b/c", "/x")');
    expect(error.message).toContain('1 type policy ("command-control")');
    expect(error.message).toContain('packages other than "registry" on manager hosts ("framework-manager: command-control")');

    const withDomain = bootstrapped();
    withDomain.domains.set("/empty", { path: "/empty" });
    expectRejected(withDomain, importRegistry(file()), Code.FAILED_PRECONDITION, '1 domain ("/empty")');
    const withType = bootstrapped();
    withType.types.set("t", { name: "t", policy: "spread" });
    expectRejected(withType, importRegistry(file()), Code.FAILED_PRECONDITION, "type policy");
  });

  it("with replace swaps the whole registry in one change, managers surviving", () => {
    const state = base();
    state.hosts.set("m2", newHost("m2", "/a/b/c", { packages: [newPackage(REGISTRY_TYPE, 7401, { role: "backup" })] }));
    const { ops, after: result } = run(state, importRegistry(file(), { replace: true }));
    expect(paths(result)).toEqual(["/", "/a", "/a/b", "/a/b/c", "/emea", "/emea/paris"]);
    expect([...result.hosts.keys()].sort()).toEqual(["framework-manager", "m2", "paris-1", "paris-2"]);
    expect(host(result, "m2")).toEqual(host(state, "m2"));
    expect(packageOf(host(result, "framework-manager"), REGISTRY_TYPE)).toEqual(
      newPackage(REGISTRY_TYPE, 7400, { role: "primary", priority: 1 }),
    );
    expect(host(result, "framework-manager").labels).toEqual({ role: "core" });
    expect(result.types.get("command-control")?.policy).toBe("spread");
    // Hosts that go away first, domains that go away last.
    expect(ops.slice(0, 3)).toEqual(["agent-1", "agent-2", "agent-3"].map((id) => ({ kind: "delete-host", id })));
    expect(ops.at(-1)).toEqual({ kind: "delete-domain", path: "/x" });
  });

  it("with replace takes type policies from the file, deleting the others", () => {
    const state = base();
    state.types.set("other", { name: "other", policy: "spread" });
    const result = after(state, importRegistry(parseFixture("root: {}", "empty.yaml"), { replace: true }));
    expect(result.types.size).toBe(0);
    expect([...result.hosts.keys()]).toEqual(["framework-manager"]);
    expect(host(result, "framework-manager")).toEqual(host(base(), "framework-manager"));
    expect(paths(result)).toEqual(["/"]);
  });

  it("with replace moves hosts out of domains that go away before deleting them", () => {
    const state = base();
    const moved = base();
    moved.domains.clear();
    moved.domains.set("/", { path: "/" });
    moved.domains.set("/z", { path: "/z" });
    for (const h of moved.hosts.values()) moved.hosts.set(h.id, { ...h, domain: "/z" });
    const result = after(state, importRegistry(moved, { replace: true }));
    expect(paths(result)).toEqual(["/", "/z"]);
    expect([...result.hosts.values()].every((h) => h.domain === "/z")).toBe(true);
  });

  it("importing the registry itself changes nothing", () => {
    expectNoop(base(), importRegistry(base(), { replace: true }));
    expectNoop(bootstrapped(), importRegistry(bootstrapped()));
    // Labels in another order are the same labels.
    const reordered = base();
    reordered.hosts.set("agent-1", { ...host(reordered, "agent-1"), labels: { zone: "z1", rack: "r1" } });
    expectNoop(base(), importRegistry(reordered, { replace: true }));
  });

  it("importing a file that differs from a manager's host only in its registry package changes nothing", () => {
    const other = base();
    other.hosts.set("framework-manager", {
      ...host(other, "framework-manager"),
      packages: [newPackage("command-control", 7601), newPackage(REGISTRY_TYPE, 1234, { role: "backup" })],
    });
    expectNoop(base(), importRegistry(other, { replace: true }));
  });

  it("rejects an inconsistent registry with INVALID_ARGUMENT", () => {
    const broken = file();
    broken.hosts.set("lost", newHost("lost", "/nowhere"));
    expectRejected(emptyRegistry(), importRegistry(broken), Code.INVALID_ARGUMENT, 'imported host "lost": domain "/nowhere" not found');
    const orphan = file();
    orphan.domains.set("/p/q", { path: "/p/q" });
    expectRejected(emptyRegistry(), importRegistry(orphan), Code.INVALID_ARGUMENT, 'parent domain "/p" not found');
  });
});

// ---- random sequences ----

describe("random sequences of mutations", () => {
  const SEGMENTS = ["a", "b", "c", "x"];
  /** A path or host id as a step names it: literally, or the n-th existing one (so that steps often hit something). */
  type Ref = string | { existing: number };
  const arbPath: fc.Arbitrary<Ref> = fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((n) => ({ existing: n })) },
    { weight: 6, arbitrary: fc.array(fc.constantFrom(...SEGMENTS), { maxLength: 3 }).map((s) => "/" + s.join("/")) },
    { weight: 1, arbitrary: fc.constantFrom("", "a", "/A", "/a/") },
  );
  const arbId: fc.Arbitrary<Ref> = fc.oneof(
    { weight: 6, arbitrary: fc.nat().map((n) => ({ existing: n })) },
    { weight: 6, arbitrary: fc.constantFrom("h1", "h2", "h3", "framework-manager", "agent-1") },
    { weight: 1, arbitrary: fc.constant("Bad!") },
  );
  const arbType = fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom("command-control", REGISTRY_TYPE, "t2") },
    { weight: 1, arbitrary: fc.constant("Bad Type") },
  );
  const arbPort = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 65535 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 70000) });
  const arbRole = fc.constantFrom(undefined, undefined, undefined, "primary" as const, "backup" as const);
  const arbLabels = fc.dictionary(
    fc.oneof({ weight: 8, arbitrary: fc.constantFrom("rack", "zone", "owner") }, { weight: 1, arbitrary: fc.constant("bad key") }),
    fc.constantFrom("1", "2"),
    { maxKeys: 3 },
  );
  const FILES = [base, emptyRegistry, () => bootstrapped("h1", "/x/y"), withChecks];
  // A few checks, one of them refused (an exec check without a command).
  const arbCheck = fc.option(fc.constantFrom<PackageCheck>(GRPC_CHECK, HTTP_CHECK, EXEC_CHECK, { ...EXEC_CHECK, command: undefined as never }), {
    nil: undefined,
  });

  // Descriptions, not closures, so that a counterexample prints readably.
  const arbStep = fc.oneof(
    fc.tuple(fc.constant("createDomain" as const), arbPath),
    fc.tuple(fc.constant("deleteDomain" as const), arbPath, fc.boolean()),
    fc.tuple(fc.constant("moveDomain" as const), arbPath, arbPath),
    fc.tuple(fc.constant("registerHost" as const), arbId, arbPath, fc.array(fc.tuple(arbType, arbPort, arbRole), { maxLength: 2 })),
    fc.tuple(fc.constant("moveHost" as const), arbId, arbPath),
    fc.tuple(fc.constant("removeHost" as const), arbId),
    fc.tuple(fc.constant("setMaintenance" as const), arbId, fc.boolean()),
    fc.tuple(
      fc.constant("setLabels" as const),
      arbId,
      arbLabels,
      fc.array(fc.constantFrom("rack", "zone", "team"), { maxLength: 2 }),
      fc.constantFrom(false, false, true),
    ),
    fc.tuple(fc.constant("deployPackage" as const), arbId, arbType, arbPort, fc.option(fc.integer({ min: -2, max: 2 }), { nil: undefined }), arbRole, arbCheck),
    fc.tuple(fc.constantFrom("withdrawPackage" as const, "restorePackage" as const, "removePackage" as const), arbId, arbType),
    fc.tuple(fc.constant("setTypePolicy" as const), arbType, fc.constantFrom("ordered" as const, "spread" as const)),
    fc.tuple(
      fc.constant("setType" as const),
      arbType,
      fc.option(fc.constantFrom("ordered" as const, "spread" as const), { nil: undefined }),
      fc.option(fc.constantFrom(0, 0.5, 1, 1.5), { nil: undefined }),
    ),
    fc.tuple(fc.constant("setHostStatus" as const), arbId, fc.constantFrom("up" as const, "down" as const, "unknown" as const)),
    fc.tuple(fc.constant("reportHealth" as const), arbId, arbType, fc.constantFrom("healthy" as const, "unhealthy" as const)),
    fc.tuple(fc.constant("firstContact" as const), arbId, arbPath),
    fc.tuple(fc.constant("ensureRegistryPackage" as const), arbId, arbPort, fc.constantFrom("primary" as const, "backup" as const), arbPath),
    fc.tuple(fc.constant("importRegistry" as const), fc.nat({ max: FILES.length }), fc.boolean()),
  );
  type Step = typeof arbStep extends fc.Arbitrary<infer S> ? S : never;

  function resolve(ref: Ref, names: Iterable<string>): string {
    if (typeof ref === "string") return ref;
    const sorted = [...names].sort();
    return sorted[ref.existing % sorted.length] ?? "none";
  }

  function mutationOf(step: Step, state: Registry): Mutation {
    const path = (ref: Ref) => resolve(ref, state.domains.keys());
    const id = (ref: Ref) => resolve(ref, state.hosts.keys());
    switch (step[0]) {
      case "createDomain":
        return createDomain(path(step[1]));
      case "deleteDomain":
        return deleteDomain(path(step[1]), step[2]);
      case "moveDomain":
        return moveDomain(path(step[1]), path(step[2]));
      case "registerHost":
        return registerHost({ id: id(step[1]), domain: path(step[2]), packages: step[3].map(([type, port, role]) => ({ type, port, role })) });
      case "moveHost":
        return moveHost(id(step[1]), path(step[2]));
      case "removeHost":
        return removeHost(id(step[1]));
      case "setMaintenance":
        return setMaintenance(id(step[1]), step[2]);
      case "setLabels":
        return setLabels(id(step[1]), { set: step[2], remove: step[3], replace: step[4] });
      case "deployPackage":
        return deployPackage(id(step[1]), step[2], step[3], { priority: step[4], role: step[5], check: step[6] });
      case "withdrawPackage":
        return withdrawPackage(id(step[1]), step[2]);
      case "restorePackage":
        return restorePackage(id(step[1]), step[2]);
      case "removePackage":
        return removePackage(id(step[1]), step[2]);
      case "setTypePolicy":
        return setTypePolicy(step[1], step[2]);
      case "setType":
        return setType(step[1], { policy: step[2], minHealthy: step[3] });
      case "setHostStatus":
        return setHostStatus(id(step[1]), step[2]);
      case "reportHealth":
        return reportHealth(id(step[1]), [{ type: step[2], health: step[3] }]);
      case "firstContact":
        return firstContact(id(step[1]), { domain: path(step[2]) });
      case "ensureRegistryPackage":
        return ensureRegistryPackage(id(step[1]), { port: step[2], role: step[3], domain: path(step[4]) });
      case "importRegistry": {
        // The last choice imports the registry as it is now.
        const make = FILES[step[1]];
        return importRegistry(make ? make() : structuredClone(state), { replace: step[2] });
      }
    }
  }

  it("never break the invariants, never touch the state, and change something exactly when they return ops", () => {
    let applied = 0;
    let rejected = 0;
    fc.assert(
      fc.property(fc.array(arbStep, { minLength: 1, maxLength: 40, size: "max" }), (steps) => {
        let state = base();
        for (const step of steps) {
          const mutation = mutationOf(step, state);
          freezeRecords(state);
          const before = structuredClone(state);
          let ops: Op[];
          try {
            ops = mutation(state);
          } catch (error) {
            expect(error).toBeInstanceOf(CairnError);
            expect(state).toEqual(before);
            rejected++;
            continue;
          }
          expect(state).toEqual(before);
          const next = applyStepwise(state, ops);
          if (ops.length === 0) expect(next).toEqual(before);
          else expect(next).not.toEqual(before);
          // Applied again, a mutation changes nothing or is refused (the domain now exists, the host is gone...).
          let again: Op[] = [];
          try {
            again = mutation(next);
          } catch (error) {
            expect(error).toBeInstanceOf(CairnError);
          }
          expect(again).toEqual([]);
          applied++;
          state = next;
        }
      }),
      { numRuns: 200 },
    );
    // Both paths were exercised, or the property proves little.
    expect(applied).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(1000);
  });
});

// ---- package checks and min_healthy (SPEC 13) ----

describe("deployPackage with a check", () => {
  it("records the check as given, in its own copy", () => {
    const given: PackageCheck = { ...EXEC_CHECK, command: [...EXEC_CHECK.command!] };
    const result = after(base(), deployPackage("agent-2", "command-control", 7621, { check: given }));
    given.command!.push("--edited");
    expect(host(result, "agent-2").packages).toStrictEqual([newPackage("command-control", 7621, { check: EXEC_CHECK })]);
  });

  it("changes the check, keeps the same one as a no-op, and takes it away when none is given", () => {
    const grpc = after(base(), deployPackage("agent-3", "command-control", 7631, { check: GRPC_CHECK }));
    expect(packageOf(host(grpc, "agent-3"), "command-control")).toStrictEqual(newPackage("command-control", 7631, { priority: 2, check: GRPC_CHECK }));
    expectNoop(grpc, deployPackage("agent-3", "command-control", 7631, { check: { ...GRPC_CHECK } }));
    const slower = after(grpc, deployPackage("agent-3", "command-control", 7631, { check: { ...GRPC_CHECK, intervalMs: 300 } }));
    expect(packageOf(host(slower, "agent-3"), "command-control")?.check?.intervalMs).toBe(300);
    // An explicit default check is a check: it is not the same record as none.
    const explicit = after(grpc, deployPackage("agent-3", "command-control", 7631, { check: { kind: "tcp", intervalMs: 1000, timeoutMs: 1000, rise: 2, fall: 3 } }));
    expect(packageOf(host(explicit, "agent-3"), "command-control")?.check?.kind).toBe("tcp");
    const cleared = after(slower, deployPackage("agent-3", "command-control", 7631));
    expect(packageOf(host(cleared, "agent-3"), "command-control")).toStrictEqual(packageOf(host(base(), "agent-3"), "command-control"));
  });

  it("keeps the check through withdraw, restore and health reports", () => {
    let registry = after(base(), deployPackage("agent-3", "command-control", 7631, { check: HTTP_CHECK }));
    registry = after(registry, withdrawPackage("agent-3", "command-control"));
    registry = after(registry, reportHealth("agent-3", [{ type: "command-control", health: "unhealthy" }]));
    registry = after(registry, restorePackage("agent-3", "command-control"));
    expect(packageOf(host(registry, "agent-3"), "command-control")?.check).toStrictEqual(HTTP_CHECK);
  });

  it.each<[string, PackageCheck, string]>([
    ["a zero interval", { ...GRPC_CHECK, intervalMs: 0 }, 'package "t": check interval 0ms must be from 1ms to 60m'],
    ["a timeout over the limit", { ...GRPC_CHECK, timeoutMs: 3_600_001 }, "check timeout 3600001ms"],
    ["a fractional interval", { ...GRPC_CHECK, intervalMs: 1.5 }, "check interval"],
    ["rise 0", { ...GRPC_CHECK, rise: 0 }, "check rise 0 must be an integer from 1 to 1000"],
    ["fall 1.5", { ...GRPC_CHECK, fall: 1.5 }, "check fall 1.5"],
    ["an unknown kind", { ...GRPC_CHECK, kind: "icmp" as never }, 'check kind "icmp" is not one of tcp, grpc, http, exec'],
    ["a path on a grpc check", { ...GRPC_CHECK, path: "/healthz" }, "check path is only for http checks, not grpc"],
    ["a service on an http check", { ...HTTP_CHECK, service: "x" }, "check service is only for grpc checks, not http"],
    ["a command on a tcp check", { ...GRPC_CHECK, kind: "tcp", command: ["true"] }, "check command is only for exec checks, not tcp"],
    ["an exec check without a command", { ...EXEC_CHECK, command: undefined as never }, "an exec check needs a command"],
    ["an empty argv", { ...EXEC_CHECK, command: [] }, "check command must name a program"],
    ["a NUL in an argument", { ...EXEC_CHECK, command: ["true", "a\0b"] }, "without NUL"],
    ["a relative path", { ...HTTP_CHECK, path: "healthz" }, 'check path "healthz" must start with "/"'],
    ["a space in the path", { ...HTTP_CHECK, path: "/a b" }, "check path"],
  ])("rejects %s with INVALID_ARGUMENT", (_, check, message) => {
    const { command, ...rest } = check;
    const given = command === undefined ? rest : check;
    expectRejected(base(), deployPackage("agent-1", "t", 1, { check: given }), Code.INVALID_ARGUMENT, message);
  });

  it("reports every problem of a check at once", () => {
    const error = expectRejected(base(), deployPackage("agent-1", "t", 1, { check: { ...GRPC_CHECK, intervalMs: 0, rise: 0, path: "/x" } }), Code.INVALID_ARGUMENT);
    expect(error.details).toHaveLength(3);
  });

  it("registerHost carries and checks the packages' checks", () => {
    const result = after(base(), registerHost({ id: "agent-9", domain: "/a", packages: [{ type: "command-control", port: 7691, check: HTTP_CHECK }] }));
    expect(host(result, "agent-9").packages).toStrictEqual([newPackage("command-control", 7691, { check: HTTP_CHECK })]);
    expectRejected(
      base(),
      registerHost({ id: "agent-9", domain: "/a", packages: [{ type: "command-control", port: 7691, check: { ...HTTP_CHECK, rise: 0 } }] }),
      Code.INVALID_ARGUMENT,
      "check rise 0",
    );
  });
});

describe("setType (policy and min_healthy)", () => {
  it("sets min_healthy, keeping the policy, and the policy, keeping min_healthy", () => {
    const spread = after(base(), setTypePolicy("command-control", "spread"));
    const half = after(spread, setType("command-control", { minHealthy: 0.5 }));
    expect(half.types.get("command-control")).toStrictEqual({ name: "command-control", policy: "spread", minHealthy: 0.5 });
    const ordered = after(half, setTypePolicy("command-control", "ordered"));
    expect(ordered.types.get("command-control")).toStrictEqual({ name: "command-control", policy: "ordered", minHealthy: 0.5 });
    expectNoop(ordered, setType("command-control", { minHealthy: 0.5 }));
    expectNoop(ordered, setType("command-control", { policy: "ordered", minHealthy: 0.5 }));
    const zero = after(ordered, setType("command-control", { minHealthy: 0 }));
    expect(zero.types.get("command-control")?.minHealthy).toBe(0);
  });

  it("writes a record, ordered, for a type without one", () => {
    const { ops } = run(base(), setType("dns", { minHealthy: 1 }));
    expect(ops).toStrictEqual([{ kind: "put-type", type: { name: "dns", policy: "ordered", minHealthy: 1 } }]);
  });

  it("rejects a min_healthy outside 0..1, and an edit that sets nothing", () => {
    for (const bad of [1.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectRejected(base(), setType("command-control", { minHealthy: bad }), Code.INVALID_ARGUMENT, "must be a number from 0 to 1");
    }
    expectRejected(base(), setType("command-control", {}), Code.INVALID_ARGUMENT, "nothing to set");
  });
});

describe("importRegistry with checks and min_healthy", () => {
  it("carries them from the file, and a file that differs only in them is a change", () => {
    const result = after(emptyRegistry(), importRegistry(withChecks()));
    expect(result).toStrictEqual(withChecks());
    expectNoop(withChecks(), importRegistry(withChecks(), { replace: true }));
    const { ops } = run(withChecks(), importRegistry(base(), { replace: true }));
    expect(ops).toStrictEqual([
      { kind: "put-type", type: { name: "command-control", policy: "ordered" } },
      { kind: "put-host", host: host(base(), "agent-3") },
    ]);
  });
});
