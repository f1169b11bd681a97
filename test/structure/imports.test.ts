/**
 * The shape of src/: no import cycles, and each folder imports only from the
 * folders below it, so that the pure parts (the model, the router) can be
 * read and tested without the servers, and the two servers stay apart.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useTempDirs } from "../support/temp-dir.js";
import { findCycles, loadImportGraph, type ImportEdge, type ImportGraph } from "./import-graph.js";

/**
 * The layers of src/, bottom to top. A unit (a folder `src/x/`, or a file
 * directly in src/) may import from its own unit and from any unit on a
 * lower row; never from a higher row, nor from another unit of its own row
 * unless `mayAlsoImport` says so. A new folder needs a row here: the test
 * fails until it has one.
 */
const LAYERS: readonly Layer[] = [
  {
    units: ["src/errors.ts", "src/clock.ts", "src/logger.ts", "src/version.ts", "src/generated/"],
    why: "leaves: the one error class, the injected clock, the logger, the release version and the generated proto types need nothing of cairn",
  },
  {
    units: ["src/registry/", "src/yaml/"],
    why: "the registry model and YAML node readings are plain data and pure functions that everything else speaks",
  },
  {
    units: ["src/router/", "src/fixture/", "src/storage/"],
    why: "routing, the fixture format and the LevelDB store work on the model and know nothing of gRPC",
  },
  {
    units: ["src/wire/", "src/security/"],
    why: "the one place the model meets the proto types (conversion, status mapping, the proto loader), and who may call what over them (identities, certificates, TLS, the authorization table)",
  },
  {
    units: ["src/http/", "src/metrics/"],
    why: "a server's --http endpoint (routes over node:http, identities proven by client certificates) and its Prometheus metrics (a registry per server, the gRPC interceptor) know only the wire and security; the servers give them their state",
  },
  {
    units: ["src/client/", "src/command-control/", "src/coordination/"],
    why: "typed gRPC clients and the Command Control service speak only the wire, none of the servers' internals; coordination speaks only to etcd (the election's keys and steps)",
  },
  {
    units: ["src/replication/"],
    why: "the watch stream and change check, served by the manager and consumed by the agent, so below both",
  },
  {
    units: ["src/console/"],
    why: "the manager's web console: HTTP routes, a tree model and an event stream over a narrow source the manager gives it (console-source.ts), so below the manager that mounts it",
  },
  {
    units: ["src/registry-manager/", "src/registry-agent/"],
    why: "the two servers talk to each other only over the wire, so neither imports the other",
  },
  {
    units: ["src/process/", "src/demo/"],
    mayAlsoImport: { "src/demo/": ["src/process/"] },
    why: "process starts servers as child processes; the demo drives a fleet of them",
  },
  {
    units: ["src/cli/"],
    why: "the entry point: it wires everything together, and nothing imports it",
  },
];

interface Layer {
  units: readonly string[];
  /** Same-row imports allowed, unit → units it may import. */
  mayAlsoImport?: Readonly<Record<string, readonly string[]>>;
  why: string;
}

const CLI = "src/cli/";

/** `src/x/…` → `src/x/`; a file directly in src/ is a unit of its own. */
function unitOf(file: string): string {
  const folder = /^src\/[^/]+\//.exec(file);
  return folder ? folder[0] : file;
}

/** The row of each unit, with what it may import beside lower rows. */
function indexLayers(layers: readonly Layer[]): Map<string, { row: number; also: readonly string[] }> {
  const index = new Map<string, { row: number; also: readonly string[] }>();
  layers.forEach((layer, row) => {
    for (const unit of layer.units) index.set(unit, { row, also: layer.mayAlsoImport?.[unit] ?? [] });
  });
  return index;
}

/** Units of src/ with no row in the table, with one file each for the message. */
function unitsWithoutRow(files: readonly string[], layers: readonly Layer[]): string[] {
  const index = indexLayers(layers);
  const missing = new Map<string, string>();
  for (const file of files) {
    const unit = unitOf(file);
    if (!index.has(unit) && !missing.has(unit)) missing.set(unit, file);
  }
  return [...missing].map(([unit, file]) => `${unit} (e.g. ${file}) has no row in LAYERS`);
}

/**
 * Every edge that breaks the table, as a line a person can act on. Imports
 * of src/cli/ are left to `cliImporters`, so each is reported once; edges
 * touching a unit without a row are left to `unitsWithoutRow`.
 */
function layerViolations(edges: readonly ImportEdge[], layers: readonly Layer[]): string[] {
  const index = indexLayers(layers);
  const problems: string[] = [];
  for (const edge of edges) {
    if (!edge.from.startsWith("src/")) continue;
    const fromUnit = unitOf(edge.from);
    const toUnit = unitOf(edge.to);
    const what = `${edge.from} imports "${edge.request}" (${edge.to})`;
    if (!edge.to.startsWith("src/")) {
      problems.push(`${what}: src/ imports nothing of the repository outside src/`);
      continue;
    }
    if (fromUnit === toUnit || toUnit === CLI) continue;
    const from = index.get(fromUnit);
    const to = index.get(toUnit);
    if (!from || !to) continue;
    if (to.row < from.row || from.also.includes(toUnit)) continue;
    const direction = to.row > from.row ? "a higher row" : "its own row";
    problems.push(`${what}: ${fromUnit} (row ${from.row}) may not import ${toUnit}, on ${direction} (row ${to.row})`);
  }
  return problems;
}

/** Files outside src/cli/ that import from it. */
function cliImporters(edges: readonly ImportEdge[]): string[] {
  return edges
    .filter((edge) => edge.from.startsWith("src/") && !edge.from.startsWith(CLI) && edge.to.startsWith(CLI))
    .map((edge) => `${edge.from} imports "${edge.request}" (${edge.to}): nothing outside ${CLI} imports from it`);
}

/** One problem a line, so that vitest's diff shows the list itself. */
function report(problems: readonly string[]): string {
  return problems.join("\n");
}

describe("src/ imports", () => {
  let graph: ImportGraph;
  beforeAll(async () => {
    graph = await loadImportGraph();
  });

  it("are all read: every src/ file is in the graph and every relative import resolves", () => {
    // Guards the checks below against passing on an empty or partial graph
    // (a dpdm upgrade that changed its paths, a resolver that missed `.js`).
    const unread = graph.files.filter((file) => !graph.tree[file]);
    expect(report(unread), "src/ files dpdm did not read").toBe("");
    const unresolved = graph.unresolved.map(({ from, request }) => `${from} imports "${request}"`);
    expect(report(unresolved), "relative imports dpdm could not resolve").toBe("");
    expect(graph.edges.some((edge) => unitOf(edge.from) !== unitOf(edge.to))).toBe(true);
  });

  it("have no cycles, type-only imports included", () => {
    expect(report(findCycles(graph.tree)), "import cycles in src/").toBe("");
  });

  it("follow the layers: every unit has a row, and imports only its own unit and lower rows", () => {
    // One list, so that a new folder does not hide the imports that break the table.
    const problems = [...unitsWithoutRow(graph.files, LAYERS), ...layerViolations(graph.edges, LAYERS)];
    expect(report(problems), "src/ against LAYERS").toBe("");
  });

  it("of src/cli/ come only from src/cli/", () => {
    expect(report(cliImporters(graph.edges)), "imports of src/cli/ from outside it").toBe("");
  });
});

// The checks themselves, on made-up inputs, so that a change to them (or to
// dpdm) cannot turn them into checks that pass whatever the tree.
describe("the import checks", () => {
  const tempDir = useTempDirs();

  it("find a cycle made only of type imports, written with .js specifiers", async () => {
    const root = tempDir();
    mkdirSync(join(root, "src"));
    writeFileSync(
      join(root, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext" } }),
    );
    writeFileSync(join(root, "src/a.ts"), 'import type { B } from "./b.js";\nexport type A = { b?: B };\n');
    writeFileSync(join(root, "src/b.ts"), 'export type { A as B } from "./a.js";\n');
    const { tree } = await loadImportGraph(root);
    // Where dpdm starts the cycle depends on which file it finished first.
    expect(findCycles(tree)).toSatisfy(
      (cycles: string[]) =>
        cycles.length === 1 &&
        ["src/a.ts -> src/b.ts -> src/a.ts", "src/b.ts -> src/a.ts -> src/b.ts"].includes(cycles[0] ?? ""),
    );
  });

  it("report upward, same-row, outside-src and cli imports, and units without a row", () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, request: to });
    const edges = [
      edge("src/wire/convert.ts", "src/registry/model.ts"), // down: fine
      edge("src/demo/seed-scenario.ts", "src/process/server-process.ts"), // listed same-row: fine
      edge("src/registry-manager/mutations/hosts.ts", "src/registry-manager/store.ts"), // own unit: fine
      edge("src/registry/model.ts", "src/wire/convert.ts"), // up
      edge("src/registry-agent/agent.ts", "src/registry-manager/store.ts"), // same row
      edge("src/process/server-process.ts", "src/demo/seed-table.ts"), // same row, not listed that way
      edge("src/errors.ts", "src/logger.ts"), // same row, top-level files
      edge("src/router/route.ts", "test/support/seed.ts"), // outside src
      edge("src/wire/status.ts", "src/cli/output.ts"), // into cli
    ];
    expect(layerViolations(edges, LAYERS).map((line) => line.split(" imports ")[0])).toEqual([
      "src/registry/model.ts",
      "src/registry-agent/agent.ts",
      "src/process/server-process.ts",
      "src/errors.ts",
      "src/router/route.ts",
    ]);
    expect(cliImporters(edges)).toHaveLength(1);
    expect(unitsWithoutRow(["src/errors.ts", "src/misc/x.ts", "src/util.ts"], LAYERS)).toEqual([
      "src/misc/ (e.g. src/misc/x.ts) has no row in LAYERS",
      "src/util.ts (e.g. src/util.ts) has no row in LAYERS",
    ]);
  });
});
