import { readFileSync } from "node:fs";

import fc from "fast-check";
import { problemsOf } from "../support/problems.js";
import { describe, expect, it } from "vitest";

import { CairnError } from "../../src/errors.js";
import { formatFixture, parseFixture, registryToFixture } from "../../src/router/fixture.js";
import type { FixtureFormat } from "../../src/router/fixture.js";
import { emptyRegistry, joinPath, newHost, newPackage } from "../../src/router/model.js";
import type { HostRecord, PackageRecord, Registry } from "../../src/router/model.js";
import { HOST_ID_PATTERN, SEGMENT_PATTERN, addressProblem } from "../../src/router/names.js";

const SEED = "fixtures/table-10-1.yaml";

/** Lines of a fixture, so that line and column numbers can be read off the test. */
const text = (...lines: string[]) => lines.join("\n") + "\n";

/** The problems parseFixture reports for `source`, one `file:line:col: message` each. */
function problems(source: string, fileName = "bad.yaml"): readonly string[] {
  return problemsOf(() => parseFixture(source, fileName), "a bad fixture");
}

/** Registries compare by content, not by the order their maps were filled in. */
function canonical(registry: Registry) {
  return {
    domains: [...registry.domains.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
    hosts: [...registry.hosts.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    types: [...registry.types.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

function seedRegistry(): Registry {
  const registry = emptyRegistry();
  for (const path of ["/subdomain-1", "/subdomain-1/subdomain-1a"]) registry.domains.set(path, { path });
  registry.types.set("command-control", { name: "command-control", policy: "ordered" });
  const hosts = [
    newHost("framework-manager", "/", {
      packages: [newPackage("command-control", 7601), newPackage("registry", 7400)],
    }),
    newHost("agent-1", "/subdomain-1", { packages: [newPackage("command-control", 7611)] }),
    newHost("agent-2", "/subdomain-1"),
    newHost("agent-3", "/subdomain-1/subdomain-1a", { packages: [newPackage("command-control", 7631)] }),
    newHost("agent-4", "/subdomain-1/subdomain-1a"),
  ];
  for (const host of hosts) registry.hosts.set(host.id, host);
  return registry;
}

describe("parseFixture: good files", () => {
  it("loads the seed network of SPEC section 4", () => {
    const registry = parseFixture(readFileSync(SEED, "utf8"), SEED);
    expect([...registry.domains.keys()]).toEqual(["/", "/subdomain-1", "/subdomain-1/subdomain-1a"]);
    expect([...registry.hosts.keys()]).toEqual(["framework-manager", "agent-1", "agent-2", "agent-3", "agent-4"]);
    expect(registry.hosts.get("agent-3")?.domain).toBe("/subdomain-1/subdomain-1a");
    // Packages come out sorted by type, whatever the file's order.
    expect(registry.hosts.get("framework-manager")?.packages.map((p) => p.type)).toEqual(["command-control", "registry"]);
    expect(canonical(registry)).toStrictEqual(canonical(seedRegistry()));
  });

  it("reads JSON too", () => {
    const json = JSON.stringify({
      types: { "command-control": { policy: "ordered" } },
      root: {
        hosts: [
          {
            id: "framework-manager",
            packages: [
              { type: "registry", port: 7400 },
              { type: "command-control", port: 7601 },
            ],
          },
        ],
        subdomains: {
          "subdomain-1": {
            hosts: [{ id: "agent-1", packages: [{ type: "command-control", port: 7611 }] }, { id: "agent-2" }],
            subdomains: {
              "subdomain-1a": {
                hosts: [{ id: "agent-3", packages: [{ type: "command-control", port: 7631 }] }, { id: "agent-4" }],
              },
            },
          },
        },
      },
    });
    expect(canonical(parseFixture(json, "seed.json"))).toStrictEqual(canonical(seedRegistry()));
  });

  it("reads every host and package field", () => {
    const registry = parseFixture(
      text(
        "types:",
        "  registry: { policy: spread }",
        "root:",
        "  hosts:",
        "    - id: m1",
        "      address: 10.0.0.7",
        "      labels: { rack: r1, zone: \"2\" }",
        "      maintenance: true",
        "      status: down",
        "      packages:",
        "        - { type: registry, port: 7400, priority: -3, state: withdrawn, health: unhealthy, role: backup }",
      ),
      "full.yaml",
    );
    expect(registry.types.get("registry")).toStrictEqual({ name: "registry", policy: "spread" });
    expect(registry.hosts.get("m1")).toStrictEqual(
      newHost("m1", "/", {
        address: "10.0.0.7",
        labels: { rack: "r1", zone: "2" },
        maintenance: true,
        status: "down",
        packages: [
          newPackage("registry", 7400, { priority: -3, state: "withdrawn", health: "unhealthy", role: "backup" }),
        ],
      }),
    );
  });

  it("reads empty values as empty collections and numeric keys as names", () => {
    const registry = parseFixture(
      text(
        "types:",
        "  command-control:", // policy defaults to ordered
        "root:",
        "  hosts:",
        "  subdomains:",
        "    2024:",
        "    empty: {}",
      ),
      "sparse.yaml",
    );
    expect([...registry.domains.keys()]).toEqual(["/", "/2024", "/empty"]);
    expect(registry.hosts.size).toBe(0);
    expect(registry.types.get("command-control")?.policy).toBe("ordered");
  });

  it("reads a file without root as the empty registry", () => {
    expect(parseFixture("{}\n", "empty.yaml")).toStrictEqual(emptyRegistry());
    expect(parseFixture("types: {}\n", "empty.yaml")).toStrictEqual(emptyRegistry());
  });

  it("accepts a path of exactly 32 segments", () => {
    const registry = parseFixture(nested(32, "    hosts: [{ id: deep }]"), "deep.yaml");
    expect(registry.hosts.get("deep")?.domain).toBe(deepPath(32));
  });
});

/** `root` with subdomains d1/d2/.../dN; `inner` is added inside dN, indented to fit. */
function nested(depth: number, inner?: string): string {
  const lines = ["root:"];
  for (let i = 1; i <= depth; i++) {
    lines.push(`${" ".repeat(4 * i - 2)}subdomains:`, `${" ".repeat(4 * i)}d${i}:`);
  }
  if (inner) lines.push(" ".repeat(4 * depth - 2) + inner);
  return text(...lines);
}

function deepPath(depth: number): string {
  return "/" + Array.from({ length: depth }, (_, i) => `d${i + 1}`).join("/");
}

describe("parseFixture: bad files", () => {
  it("rejects a duplicate host id anywhere in the tree, naming the first", () => {
    const source = text(
      "root:",
      "  hosts:",
      "    - id: agent-1",
      "  subdomains:",
      "    s1:",
      "      hosts:",
      "        - id: agent-1",
    );
    expect(problems(source)).toEqual(['bad.yaml:7:15: duplicate host id "agent-1" (first at 3:11)']);
  });

  it("rejects an unknown key at the top level", () => {
    expect(problems(text("root: {}", "rooot: {}"))).toEqual([
      'bad.yaml:2:1: unknown key "rooot" (expected types, root)',
    ]);
  });

  it("rejects an unknown key in a host", () => {
    expect(problems(text("root:", "  hosts:", "    - id: a", "      colour: red"))).toEqual([
      'bad.yaml:4:7: host "a": unknown key "colour" (expected id, address, labels, maintenance, status, packages)',
    ]);
  });

  it("rejects an unknown key in a package", () => {
    const source = text("root:", "  hosts:", "    - id: a", "      packages:", "        - { type: cc, port: 1, prio: 2 }");
    expect(problems(source)).toEqual([
      'bad.yaml:5:32: host "a", package "cc": unknown key "prio" (expected type, port, priority, state, health, role)',
    ]);
  });

  it("rejects an unknown key in a domain", () => {
    expect(problems(text("root:", "  subdomains:", "    s1:", "      hostz: []"))).toEqual([
      'bad.yaml:4:7: domain "/s1": unknown key "hostz" (expected hosts, subdomains)',
    ]);
  });

  it("rejects an unknown key in a type entry", () => {
    expect(problems(text("types:", "  cc: { policy: spread, weight: 2 }"))).toEqual([
      'bad.yaml:2:25: type "cc": unknown key "weight" (expected policy)',
    ]);
  });

  it("rejects a duplicate key, naming the first", () => {
    expect(problems(text("root:", "  hosts:", "    - id: a", "      labels: { env: x, env: y }"))).toEqual([
      'bad.yaml:4:25: host "a": duplicate key "env" in labels (first at 4:17)',
    ]);
  });

  it("rejects bad domain names", () => {
    const source = text(
      "root:",
      "  subdomains:",
      "    Bad_Name: {}",
      "    ok:",
      "      subdomains:",
      "        -x: {}",
      `        ${"a".repeat(64)}: {}`,
    );
    expect(problems(source)).toEqual([
      'bad.yaml:3:5: domain "/": domain segment "Bad_Name" must match ^[a-z0-9][a-z0-9._-]{0,62}$',
      'bad.yaml:6:9: domain "/ok": domain segment "-x" must match ^[a-z0-9][a-z0-9._-]{0,62}$',
      `bad.yaml:7:9: domain "/ok": domain segment "${"a".repeat(64)}" must match ^[a-z0-9][a-z0-9._-]{0,62}$`,
    ]);
  });

  it("rejects bad host ids", () => {
    const source = text("root:", "  hosts:", "    - id: Agent_1", '    - id: ""', "    - id: 42", "    - address: 10.0.0.1");
    expect(problems(source)).toEqual([
      'bad.yaml:3:11: host id "Agent_1" must match ^[a-z0-9][a-z0-9._-]{0,252}$',
      'bad.yaml:4:11: host id "" must match ^[a-z0-9][a-z0-9._-]{0,252}$',
      'bad.yaml:5:11: host #3 in domain "/": id must be a string, got 42 (quote it)',
      'bad.yaml:6:7: host #4 in domain "/" has no id',
    ]);
  });

  it.each([
    ["0", "port 0 must be an integer from 1 to 65535"],
    ["70000", "port 70000 must be an integer from 1 to 65535"],
    ["1.5", "port 1.5 must be an integer from 1 to 65535"],
    ["-1", "port -1 must be an integer from 1 to 65535"],
    ['"abc"', 'port must be a number, got "abc"'],
    ["abc", 'port must be a number, got "abc"'],
    ['"80"', 'port must be a number, got "80"'],
    ["", "port must be a number, got null"],
  ])("rejects port %s", (port, message) => {
    const source = text("root:", "  hosts:", "    - id: a", "      packages:", "        - type: cc", `          port: ${port}`);
    // An empty value has its node just after "port: ", like any other value.
    expect(problems(source)).toEqual([`bad.yaml:6:17: host "a", package "cc": ${message}`]);
  });

  it("rejects a package without type or port", () => {
    const source = text("root:", "  hosts:", "    - id: a", "      packages:", "        - { priority: 1 }");
    expect(problems(source)).toEqual([
      'bad.yaml:5:11: host "a", package #1 has no type',
      'bad.yaml:5:11: host "a", package #1 has no port',
    ]);
  });

  it("rejects a package type that breaks the name rule", () => {
    const source = text("root:", "  hosts:", "    - id: a", "      packages:", "        - { type: Command_Control, port: 1 }");
    expect(problems(source)).toEqual([
      'bad.yaml:5:19: host "a": package type "Command_Control" must match ^[a-z0-9][a-z0-9._-]{0,62}$',
    ]);
  });

  it("rejects a types entry whose name breaks the rule, and a bad policy", () => {
    expect(problems(text("types:", "  Command-Control: { policy: ordered }", "  cc: { policy: random }"))).toEqual([
      'bad.yaml:2:3: types: package type "Command-Control" must match ^[a-z0-9][a-z0-9._-]{0,62}$',
      'bad.yaml:3:17: type "cc": policy must be one of ordered, spread, got "random"',
    ]);
  });

  it("rejects a role on a package that is not of type registry, and a bad role", () => {
    const source = text(
      "root:",
      "  hosts:",
      "    - id: a",
      "      packages:",
      "        - { type: cc, port: 1, role: primary }",
      "        - { type: registry, port: 2, role: backup }",
      "    - id: b",
      "      packages: [{ type: registry, port: 2, role: leader }]",
    );
    expect(problems(source)).toEqual([
      'bad.yaml:5:32: host "a", package "cc": role is only for packages of type "registry"',
      'bad.yaml:8:51: host "b", package "registry": role must be one of primary, backup, got "leader"',
    ]);
  });

  it("rejects two packages of one type on a host, naming the first", () => {
    const source = text(
      "root:",
      "  hosts:",
      "    - id: a",
      "      packages:",
      "        - { type: cc, port: 1 }",
      "        - { type: cc, port: 2 }",
    );
    expect(problems(source)).toEqual(['bad.yaml:6:19: host "a": two packages of type "cc" (first at 5:19)']);
  });

  it("rejects values of the wrong type", () => {
    const source = text(
      "root:",
      "  hosts:",
      "    - id: a",
      "      address: 7",
      "      labels: [x]",
      "      maintenance: yes",
      "      status: alive",
      "      packages: { type: cc }",
      "    - id: b",
      "      labels: { env: 1.0 }",
      "  subdomains: []",
    );
    expect(problems(source)).toEqual([
      'bad.yaml:4:16: host "a": address must be a string, got 7 (quote it)',
      'bad.yaml:5:15: host "a": labels must be a mapping, got a list',
      'bad.yaml:6:20: host "a": maintenance must be true or false, got "yes"',
      'bad.yaml:7:15: host "a": status must be one of up, down, unknown, got "alive"',
      'bad.yaml:8:17: host "a": packages must be a list, got a mapping',
      'bad.yaml:10:22: host "b": label "env" must be a string, got 1.0 (quote it)',
      'bad.yaml:11:15: domain "/": subdomains must be a mapping, got a list',
    ]);
  });

  it("rejects a YAML syntax error, with its place", () => {
    expect(problems(text("root:", "  hosts:", "    - id: a: b"))).toEqual([
      "bad.yaml:3:11: YAML syntax error: Nested mappings are not allowed in compact mappings",
    ]);
    expect(problems(text("root:", "\thosts: []"))).toEqual([
      "bad.yaml:2:1: YAML syntax error: Tabs are not allowed as indentation",
    ]);
  });

  it("rejects a JSON file with its places", () => {
    const json = '{"root": {"hosts": [{"id": "a", "packages": [{"type": "cc", "port": "abc"}]}]}}';
    expect(problems(json, "bad.json")).toEqual(['bad.json:1:69: host "a", package "cc": port must be a number, got "abc"']);
  });

  it("rejects a path deeper than 32 segments, once, at the first segment too deep", () => {
    // d_i sits on line 2i + 1 at column 4i + 1.
    expect(problems(nested(34, "    hosts: [{ id: deep }]"))).toEqual([
      `bad.yaml:67:133: domain "${deepPath(33)}" is 33 segments deep, more than 32`,
    ]);
  });

  it("rejects aliases", () => {
    expect(problems(text("root:", "  subdomains:", "    a: &shared { }", "    b: *shared"))).toEqual([
      'bad.yaml:4:8: domain "/b" is an alias (*shared); aliases are not supported, write the value out',
    ]);
  });

  it("rejects a file that is not a mapping, and an empty file", () => {
    expect(problems(text("- root"))).toEqual([
      "bad.yaml:1:1: the file must be a mapping with keys types and root, got a list",
    ]);
    expect(problems("")).toEqual(["bad.yaml:1:1: the file holds no fixture (an empty registry is written {})"]);
    expect(problems(text("root: [a]"))).toEqual(['bad.yaml:1:7: domain "/" must be a mapping, got a list']);
  });

  it("reports every problem of a file, in file order, and sums them up in one line", () => {
    const fileName = "test/fixtures-bad/several-problems.yaml";
    let error: CairnError | undefined;
    try {
      parseFixture(readFileSync(fileName, "utf8"), fileName);
    } catch (e) {
      error = e as CairnError;
    }
    expect(error?.details).toEqual([
      `${fileName}:3:30: type "command-control": policy must be one of ordered, spread, got "random"`,
      `${fileName}:7:7: host "agent-1": unknown key "colour" (expected id, address, labels, maintenance, status, packages)`,
      `${fileName}:9:42: host "agent-1", package "command-control": port 70000 must be an integer from 1 to 65535`,
      `${fileName}:10:11: duplicate host id "agent-1" (first at 6:11)`,
      `${fileName}:12:5: domain "/": domain segment "Paris" must match ^[a-z0-9][a-z0-9._-]{0,62}$`,
    ]);
    expect(error?.message).toBe(
      `${fileName}:3:30: type "command-control": policy must be one of ordered, spread, got "random" (and 4 more problems)`,
    );
    expect(error?.message).not.toContain("\n");
  });
});

describe("formatFixture", () => {
  it("writes the seed tidily: nested as drawn, sorted, defaults left out", () => {
    expect(formatFixture(seedRegistry(), "yaml")).toBe(
      text(
        "types:",
        "  command-control: { policy: ordered }",
        "root:",
        "  hosts:",
        "    - id: framework-manager",
        "      packages:",
        "        - { type: command-control, port: 7601 }",
        "        - { type: registry, port: 7400 }",
        "  subdomains:",
        "    subdomain-1:",
        "      hosts:",
        "        - id: agent-1",
        "          packages:",
        "            - { type: command-control, port: 7611 }",
        "        - id: agent-2",
        "      subdomains:",
        "        subdomain-1a:",
        "          hosts:",
        "            - id: agent-3",
        "              packages:",
        "                - { type: command-control, port: 7631 }",
        "            - id: agent-4",
      ),
    );
  });

  it("writes JSON that is the fixture object", () => {
    const out = formatFixture(seedRegistry(), "json");
    expect(JSON.parse(out)).toStrictEqual(registryToFixture(seedRegistry()));
    expect(out.endsWith("}\n")).toBe(true);
  });

  it("writes an empty registry as an empty root, and empty domains as {}", () => {
    expect(formatFixture(emptyRegistry(), "yaml")).toBe("root: {}\n");
    const registry = emptyRegistry();
    registry.domains.set("/b", { path: "/b" });
    registry.domains.set("/a", { path: "/a" });
    expect(registryToFixture(registry)).toStrictEqual({ root: { subdomains: { a: {}, b: {} } } });
    expect(Object.keys(registryToFixture(registry).root.subdomains ?? {})).toEqual(["a", "b"]);
  });

  it("writes only the fields that differ from their defaults", () => {
    const registry = emptyRegistry();
    registry.hosts.set("h", newHost("h", "/", { status: "up", packages: [newPackage("cc", 1, { priority: 2 })] }));
    expect(registryToFixture(registry)).toStrictEqual({
      root: { hosts: [{ id: "h", status: "up", packages: [{ type: "cc", port: 1, priority: 2 }] }] },
    });
  });
});

// ---- round trip ----

/** Names that YAML would read as something other than a string unless quoted. */
const TRICKY_NAMES = ["2024", "10", "9", "0x10", "0o17", "1e3", "1.5", "true", "null", "no", "y", "on", "registry"];

const segmentArb = fc.oneof(
  fc.constantFrom(...TRICKY_NAMES),
  fc.stringMatching(SEGMENT_PATTERN).filter((s) => s.length <= 12),
);
const hostIdArb = fc.oneof(
  fc.constantFrom(...TRICKY_NAMES),
  fc.stringMatching(HOST_ID_PATTERN).filter((s) => s.length <= 16),
);
const addressArb = fc.oneof(
  fc.constantFrom("127.0.0.1", "10.1.2.3", "::1", "fe80::1%eth0", "db.example", "1e3", "true", "-", "#x", "[::1]"),
  fc.string({ minLength: 1, maxLength: 20, unit: "grapheme" }).filter((a) => addressProblem(a) === undefined),
);
const labelsArb = fc
  .uniqueArray(
    fc.tuple(
      fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9._/-]{0,20}$/),
      fc.oneof(fc.constantFrom("", "1.0", "true", "~", "a: b", "- x", "#", "'q'", '"q"', "x\ny"), fc.string({ maxLength: 30, unit: "binary" })),
    ),
    { selector: ([key]) => key, maxLength: 4 },
  )
  .map((entries) => Object.fromEntries(entries));
const packageArb: fc.Arbitrary<PackageRecord> = fc
  .record({
    type: fc.oneof(fc.constant("registry"), fc.constant("command-control"), segmentArb),
    port: fc.integer({ min: 1, max: 65535 }),
    priority: fc.oneof(fc.constant(0), fc.integer({ min: -(2 ** 31) + 1, max: 2 ** 31 - 1 })),
    state: fc.constantFrom("enabled" as const, "withdrawn" as const),
    health: fc.constantFrom("healthy" as const, "unhealthy" as const),
    role: fc.option(fc.constantFrom("primary" as const, "backup" as const), { nil: undefined }),
  })
  .map(({ role, ...rest }) => (rest.type === "registry" && role !== undefined ? { ...rest, role } : rest));

const registryArb: fc.Arbitrary<Registry> = fc
  .record({
    // Each entry is a path; its parents are added below. Depth up to the limit of 32.
    paths: fc.array(fc.oneof(fc.array(segmentArb, { minLength: 1, maxLength: 3 }), fc.array(segmentArb, { minLength: 1, maxLength: 32 })), {
      maxLength: 8,
    }),
    hosts: fc.uniqueArray(
      fc.record({
        id: hostIdArb,
        where: fc.nat(),
        address: fc.oneof(fc.constant("127.0.0.1"), addressArb),
        labels: labelsArb,
        maintenance: fc.boolean(),
        status: fc.constantFrom("up" as const, "down" as const, "unknown" as const),
        packages: fc.uniqueArray(packageArb, { selector: (p) => p.type, maxLength: 4 }),
      }),
      { selector: (h) => h.id, maxLength: 10 },
    ),
    types: fc.uniqueArray(
      fc.record({ name: segmentArb, policy: fc.constantFrom("ordered" as const, "spread" as const) }, { noNullPrototype: true }),
      { selector: (t) => t.name, maxLength: 3 },
    ),
  })
  .map(({ paths, hosts, types }) => {
    const registry = emptyRegistry();
    for (const segments of paths) {
      let path = "/";
      for (const segment of segments) {
        path = joinPath(path, segment);
        registry.domains.set(path, { path });
      }
    }
    const domains = [...registry.domains.keys()];
    for (const { where, packages, ...host } of hosts) {
      const sorted = [...packages].sort((a, b) => (a.type < b.type ? -1 : 1));
      const record: HostRecord = newHost(host.id, domains[where % domains.length]!, { ...host, packages: sorted });
      registry.hosts.set(record.id, record);
    }
    for (const type of types) registry.types.set(type.name, type);
    return registry;
  });

describe("round trip", () => {
  it.each<FixtureFormat>(["yaml", "json"])("parseFixture(formatFixture(r, %s)) equals r", (format) => {
    fc.assert(
      fc.property(registryArb, (registry) => {
        const text = formatFixture(registry, format);
        expect(canonical(parseFixture(text, `round-trip.${format}`))).toStrictEqual(canonical(registry));
        // Writing is deterministic: the same registry always prints the same text.
        expect(formatFixture(parseFixture(text, `round-trip.${format}`), format)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips the seed fixture file", () => {
    const registry = parseFixture(readFileSync(SEED, "utf8"), SEED);
    expect(canonical(parseFixture(formatFixture(registry, "yaml"), "x.yaml"))).toStrictEqual(canonical(registry));
  });
});
