import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import type { HostRecord, Op, PackageCheck, PackageRecord, TypeRecord } from "../../src/registry/model.js";
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
  typeToWire,
} from "../../src/wire/convert.js";
import { checkFromWire, checkToWire } from "../../src/wire/check-convert.js";
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
      check: null,
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
      check: null,
    });
    expect(pkg).toStrictEqual(newPackage("command-control", 1));
    expect("role" in pkg).toBe(false);
    expect("check" in pkg).toBe(false);
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
        check: fc.option(checkArb, { nil: undefined }),
      })
      .map(({ role, check, ...rest }): PackageRecord => {
        const pkg: PackageRecord = role === undefined ? rest : { ...rest, role };
        if (check !== undefined) pkg.check = check;
        return pkg;
      });
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

/** Any check the wire can carry: every field, set or not (validity is the registry's business, not the wire's). */
const checkArb: fc.Arbitrary<PackageCheck> = fc
  .record({
    kind: fc.constantFrom("tcp" as const, "grpc" as const, "http" as const, "exec" as const),
    intervalMs: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    timeoutMs: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    rise: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    fall: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    path: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    service: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }),
    command: fc.option(fc.array(fc.string({ maxLength: 6 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
  })
  .map(({ path, service, command, ...check }) => {
    const out: PackageCheck = check;
    if (path !== undefined) out.path = path;
    if (service !== undefined) out.service = service;
    if (command !== undefined) out.command = command;
    return out;
  });

describe("package checks and min_healthy", () => {
  const grpc: PackageCheck = { kind: "grpc", intervalMs: 200, timeoutMs: 200, rise: 2, fall: 2 };

  it("round-trip through protobuf bytes, an empty path or service apart from none", () => {
    const host = newHost("h", "/", {
      packages: [
        newPackage("a", 1, { check: grpc }),
        newPackage("b", 2, { check: { ...grpc, service: "" } }),
        newPackage("c", 3, { check: { ...grpc, kind: "http", path: "/healthz" } }),
        newPackage("d", 4, { check: { ...grpc, kind: "exec", command: ["/bin/ok", "", "-q"] } }),
        newPackage("e", 5),
      ],
    });
    const back = hostThroughWire(host);
    expect(back).toStrictEqual(host);
    expect("check" in back.packages[4]!).toBe(false);
    expect("service" in back.packages[0]!.check!).toBe(false);
    expect(back.packages[1]!.check!.service).toBe("");
  });

  it("send the kind as an enum name, an absent check as null", () => {
    expect(packageToWire(newPackage("a", 1, { check: { ...grpc, kind: "exec", command: ["x"] } })).check).toStrictEqual({
      kind: "CHECK_KIND_EXEC",
      interval_ms: 200,
      timeout_ms: 200,
      rise: 2,
      fall: 2,
      command: ["x"],
    });
    expect(packageToWire(newPackage("a", 1)).check).toBeNull();
    expect(checkFromWire({ ...checkToWire(grpc), kind: "CHECK_KIND_UNSPECIFIED" }).kind).toBe("tcp");
  });

  it("reject an unknown check kind, naming the package", () => {
    expectInvalid(
      () => packageFromWire({ ...packageToWire(newPackage("t", 1, { check: grpc })), check: { ...checkToWire(grpc), kind: "CHECK_KIND_ICMP" as never } }),
      /package t check kind: unknown value "CHECK_KIND_ICMP"/,
    );
  });

  it("carry min_healthy only when the type has one, 0 included", () => {
    const through = (type: TypeRecord) => {
      const wire = typeToWire(type);
      const op = opFromWire(watch.responseDeserialize(watch.responseSerialize({ change: changeToWire({ epoch: 1, revision: 1, digest: digest(0), ops: [{ kind: "put-type", type }], timeUnixMs: 0, cause: "" }) })).change!.ops[0]!);
      return { wire, back: op.kind === "put-type" ? op.type : undefined };
    };
    const none = through({ name: "t", policy: "spread" });
    expect("min_healthy" in none.wire).toBe(false);
    expect(none.back).toStrictEqual({ name: "t", policy: "spread" });
    for (const minHealthy of [0, 0.5, 1, 1 / 3]) {
      expect(through({ name: "t", policy: "ordered", minHealthy }).back).toStrictEqual({ name: "t", policy: "ordered", minHealthy });
    }
  });

  it("ride DeployPackage and SetTypePolicy, their absence detectable", () => {
    const deploy = registryService.DeployPackage;
    const sent = deploy.requestDeserialize(deploy.requestSerialize({ host: "h", type: "t", port: 1, check: checkToWire({ ...grpc, service: "" }) }));
    expect(checkFromWire(sent.check!)).toStrictEqual({ ...grpc, service: "" });
    expect(deploy.requestDeserialize(deploy.requestSerialize({ host: "h", type: "t", port: 1 })).check).toBeNull();
    const setType = registryService.SetTypePolicy;
    expect(setType.requestDeserialize(setType.requestSerialize({ type: "t", min_healthy: 0 })).min_healthy).toBe(0);
    expect(setType.requestDeserialize(setType.requestSerialize({ type: "t", policy: "POLICY_SPREAD" })).min_healthy).toBeUndefined();
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
