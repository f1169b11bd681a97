import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import type { HostRecord, Op, PackageRecord } from "../../src/registry/model.js";
import { newHost, newPackage } from "../../src/registry/model.js";
import type { Change__Output } from "../../src/generated/cairn/v1/Change.js";
import type { Host__Output } from "../../src/generated/cairn/v1/Host.js";
import type { Op__Output } from "../../src/generated/cairn/v1/Op.js";
import { DIGEST_BYTES } from "../../src/registry/digest.js";
import type { ChangeRecord } from "../../src/registry/model.js";
import type { Route } from "../../src/router/route.js";
import {
  LIVENESS_FROM_WIRE,
  changeFromWire,
  changeToWire,
  hostFromWire,
  hostToWire,
  opFromWire,
  opToWire,
  packageFromWire,
  packageToWire,
  routeFromWire,
  routeToWire,
} from "../../src/wire/convert.js";
import { registryService, replicationService } from "../../src/wire/proto-loader.js";

// Every round trip goes through real protobuf bytes, with the loader's options.
const getHost = registryService.GetHost;
const watch = replicationService.Watch;
const resolve = registryService.Resolve;

function hostThroughWire(host: HostRecord): HostRecord {
  const decoded = getHost.responseDeserialize(getHost.responseSerialize({ host: hostToWire(host) }));
  return hostFromWire(decoded.host!);
}

function changeThroughWire(change: ChangeRecord): ChangeRecord {
  const decoded = watch.responseDeserialize(watch.responseSerialize({ change: changeToWire(change) }));
  expect(decoded.event).toBe("change");
  return changeFromWire(decoded.change!);
}

function wireHost(fields: Partial<Host__Output>): Host__Output {
  return { ...hostToWire(newHost("h", "/")), ...fields };
}

function expectInvalid(fn: () => unknown, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(CairnError);
  expect((caught as CairnError).code).toBe(Code.INVALID_ARGUMENT);
  expect((caught as CairnError).message).toMatch(message);
}

const digest = (fill: number) => Buffer.alloc(DIGEST_BYTES, fill);

describe("hosts and packages", () => {
  it("round-trips a host with no packages and no labels", () => {
    const host = newHost("agent-2", "/subdomain-1");
    expect(hostThroughWire(host)).toStrictEqual(host);
  });

  it("round-trips labels, maintenance, liveness, roles and every package state", () => {
    const host = newHost("framework-manager", "/emea/paris", {
      address: "::1",
      labels: { "rack": "r1", "team.example/owner": "ops", "empty": "" },
      maintenance: true,
      status: "down",
      packages: [
        newPackage("command-control", 7601, { priority: -5, state: "withdrawn", health: "unhealthy" }),
        newPackage("registry", 7400, { role: "backup" }),
      ],
    });
    expect(hostThroughWire(host)).toStrictEqual(host);
    expect(hostThroughWire({ ...host, status: "up" }).status).toBe("up");
    expect(hostThroughWire({ ...host, status: "unknown" }).status).toBe("unknown");
  });

  it("sends enum names, not model strings", () => {
    const wire = packageToWire(newPackage("registry", 7400, { role: "primary", state: "withdrawn" }));
    expect(wire).toEqual({
      type: "registry",
      port: 7400,
      priority: 0,
      state: "PACKAGE_STATE_WITHDRAWN",
      health: "PACKAGE_HEALTH_HEALTHY",
      role: "MANAGER_ROLE_PRIMARY",
    });
    expect(hostToWire(newHost("h", "/")).status).toBe("LIVENESS_UNKNOWN");
  });

  it("reads UNSPECIFIED as the model default and omits an unset role", () => {
    const pkg = packageFromWire({
      type: "command-control",
      port: 1,
      priority: 0,
      state: "PACKAGE_STATE_UNSPECIFIED",
      health: "PACKAGE_HEALTH_UNSPECIFIED",
      role: "MANAGER_ROLE_UNSPECIFIED",
    });
    expect(pkg).toStrictEqual(newPackage("command-control", 1));
    expect("role" in pkg).toBe(false);
    expect(hostFromWire(wireHost({ status: "LIVENESS_UNSPECIFIED" })).status).toBe("unknown");
    expect(LIVENESS_FROM_WIRE.LIVENESS_DOWN).toBe("down");
  });

  it("does not share the labels object with the wire", () => {
    const host = newHost("h", "/", { labels: { a: "1" } });
    const wire = hostToWire(host);
    wire.labels["b"] = "2";
    expect(host.labels).toEqual({ a: "1" });
  });

  it("rejects unknown enum values, from a newer peer (a number) or anywhere else", () => {
    expectInvalid(() => hostFromWire(wireHost({ id: "x", status: "LIVENESS_SLEEPY" as never })), /host x status/);
    const fromNewerPeer = getHost.responseDeserialize(
      getHost.responseSerialize({ host: { ...hostToWire(newHost("x", "/")), status: 9 as never } }),
    ).host!;
    expect(fromNewerPeer.status).toBe(9);
    expectInvalid(() => hostFromWire(fromNewerPeer), /unknown value 9/);
    expectInvalid(
      () => packageFromWire({ ...packageToWire(newPackage("t", 1)), health: "SICK" as never }),
      /package t health/,
    );
    expectInvalid(
      () => packageFromWire({ ...packageToWire(newPackage("t", 1)), role: "MANAGER_ROLE_LEADER" as never }),
      /package t role/,
    );
  });

  it("rejects a host without an id or a domain", () => {
    expectInvalid(() => hostFromWire(wireHost({ id: "" })), /id is missing/);
    expectInvalid(() => hostFromWire(wireHost({ domain: "" })), /domain is missing/);
  });

  it("round-trips any host (property)", () => {
    const name = fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/);
    const pkg: fc.Arbitrary<PackageRecord> = fc
      .record({
        type: name,
        port: fc.integer({ min: 1, max: 65535 }),
        priority: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        state: fc.constantFrom("enabled" as const, "withdrawn" as const),
        health: fc.constantFrom("healthy" as const, "unhealthy" as const),
        role: fc.constantFrom(undefined, "primary" as const, "backup" as const),
      })
      .map(({ role, ...rest }): PackageRecord => (role === undefined ? rest : { ...rest, role }));
    const host: fc.Arbitrary<HostRecord> = fc.record({
      id: name,
      domain: fc.constantFrom("/", "/a", "/a/b-c"),
      address: fc.constantFrom("127.0.0.1", "10.0.0.7", "::1"),
      labels: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4, noNullPrototype: true }),
      maintenance: fc.boolean(),
      status: fc.constantFrom("up" as const, "down" as const, "unknown" as const),
      packages: fc.array(pkg, { maxLength: 4 }),
    }, { noNullPrototype: true });
    fc.assert(
      fc.property(host, (h) => {
        expect(hostThroughWire(h)).toStrictEqual(h);
      }),
    );
  });
});

describe("ops and changes", () => {
  const ops: Op[] = [
    { kind: "put-domain", domain: { path: "/emea/paris" } },
    { kind: "delete-domain", path: "/old" },
    {
      kind: "put-host",
      host: newHost("agent-1", "/emea", { packages: [newPackage("registry", 7400, { role: "primary" })] }),
    },
    { kind: "put-host", host: newHost("agent-9", "/", { labels: { k: "v" }, status: "up" }) },
    { kind: "delete-host", id: "agent-2" },
    { kind: "put-type", type: { name: "command-control", policy: "spread" } },
    { kind: "put-type", type: { name: "registry", policy: "ordered" } },
    { kind: "delete-type", name: "legacy" },
  ];

  it("round-trips every kind of op", () => {
    for (const op of ops) expect(opFromWire(opToWire(op))).toStrictEqual(op);
  });

  it("round-trips a change through protobuf bytes", () => {
    const change: ChangeRecord = {
      epoch: 2,
      revision: 2 ** 40 + 1,
      digest: digest(0xab),
      ops,
      timeUnixMs: 1_763_000_000_123,
      cause: "import",
    };
    const back = changeThroughWire(change);
    expect(back).toStrictEqual({ ...change, digest: back.digest });
    expect(Buffer.compare(Buffer.from(back.digest), digest(0xab))).toBe(0);
  });

  it("accepts a Uint8Array digest and a change with no ops", () => {
    const change: ChangeRecord = {
      epoch: 1,
      revision: 1,
      digest: new Uint8Array(DIGEST_BYTES).fill(7),
      ops: [],
      timeUnixMs: 0,
      cause: "",
    };
    const back = changeThroughWire(change);
    expect(back.ops).toEqual([]);
    expect([...back.digest]).toEqual([...change.digest]);
  });

  it("rejects an op with no operation, or a put without its entity", () => {
    expectInvalid(() => opFromWire({}), /has no operation/);
    expectInvalid(() => opFromWire({ op: "put_host", put_host: null }), /put_host is missing/);
    expectInvalid(() => opFromWire({ op: "put_host" }), /put_host is missing/);
    expectInvalid(() => opFromWire({ op: "put_domain", put_domain: null }), /put_domain is missing/);
    expectInvalid(() => opFromWire({ op: "delete_host", delete_host: "" }), /delete_host is missing/);
    expectInvalid(() => opFromWire({ op: "rename_host" } as unknown as Op__Output), /unknown operation/);
    // What a peer's empty Op decodes to:
    const event = watch.responseDeserialize(watch.responseSerialize({ change: { ops: [{}] } }));
    expectInvalid(() => opFromWire(event.change!.ops[0]!), /has no operation/);
  });

  it("rejects a change with a bad digest, revision or op, naming it", () => {
    const good: Change__Output = changeToWire({
      epoch: 1,
      revision: 5,
      digest: digest(1),
      ops: [ops[0]!],
      timeUnixMs: 0,
      cause: "",
    });
    expectInvalid(() => changeFromWire({ ...good, digest: Buffer.alloc(31) }), /change 5 digest has 31 bytes/);
    expectInvalid(() => changeFromWire({ ...good, digest: Buffer.alloc(0) }), /digest has 0 bytes/);
    expectInvalid(() => changeFromWire({ ...good, revision: 0 }), /revision 0/);
    expectInvalid(() => changeFromWire({ ...good, epoch: 0 }), /change 5 epoch 0/);
    expectInvalid(
      () => changeFromWire({ ...good, ops: [good.ops[0]!, { op: "put_type", put_type: null }] }),
      /change 5 op 1 put_type is missing/,
    );
    expect(changeFromWire(good).revision).toBe(5);
  });
});

describe("routes", () => {
  const route: Route = {
    from: "agent-4",
    type: "command-control",
    candidates: [
      { host: "agent-3", domain: "/subdomain-1/subdomain-1a", tier: "domain", endpoint: "127.0.0.1:7631", priority: 0, tierRank: 1 },
      { host: "agent-1", domain: "/subdomain-1", tier: "ancestor", endpoint: "127.0.0.1:7611", priority: 0, tierRank: 2 },
      { host: "framework-manager", domain: "/", tier: "ancestor", endpoint: "[::1]:7601", priority: -1, tierRank: 3 },
    ],
    skipped: [{ host: "agent-9", domain: "/subdomain-2", reason: "host down" }],
  };

  const throughWire = (r: Route, at?: { revision: number; epoch: number }) =>
    resolve.responseDeserialize(resolve.responseSerialize(routeToWire(r, at)));

  it("round-trips an explained route with its position", () => {
    const wire = throughWire(route, { revision: 42, epoch: 3 });
    expect(wire.explained).toBe(true);
    expect(wire.candidates[1]).toMatchObject({
      host: "agent-1",
      domain: "/subdomain-1",
      tier: "ancestor",
      endpoint: "127.0.0.1:7611",
      priority: 0,
      tier_rank: 2,
    });
    expect(routeFromWire(wire)).toStrictEqual({ ...route, revision: 42, epoch: 3 });
  });

  it("round-trips the router's minimal shape: no priority, rank, skipped domain or explanation", () => {
    const minimal: Route = {
      from: "agent-1",
      type: "command-control",
      candidates: [{ host: "agent-1", domain: "/subdomain-1", tier: "local", endpoint: "127.0.0.1:7611" }],
    };
    const wire = throughWire(minimal);
    expect(wire.candidates[0]!.priority).toBeUndefined();
    expect(wire.candidates[0]!.tier_rank).toBeUndefined();
    expect(routeFromWire(wire)).toStrictEqual({ ...minimal, revision: 0, epoch: 0 });

    const explained: Route = { ...minimal, skipped: [{ host: "agent-3", reason: "host down" }] };
    expect(routeFromWire(throughWire(explained))).toStrictEqual({ ...explained, revision: 0, epoch: 0 });
  });

  it("keeps an explained route with nothing skipped apart from an unexplained one", () => {
    const empty: Route = { from: "a", type: "t", candidates: [] };
    expect(routeFromWire(throughWire(empty))).toStrictEqual({ ...empty, revision: 0, epoch: 0 });
    expect(routeFromWire(throughWire({ ...empty, skipped: [] }))).toStrictEqual({
      ...empty,
      skipped: [],
      revision: 0,
      epoch: 0,
    });
  });

  it("rejects an unknown tier", () => {
    const wire = routeToWire(route);
    wire.candidates[0]!.tier = "nearby";
    expectInvalid(() => routeFromWire(wire), /unknown tier "nearby"/);
  });
});
