/**
 * The import graph of src/, as dpdm reads it, shared by the cycle and layer
 * checks so that both judge the same edges.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { parseCircular, parseDependencyTree, type DependencyTree } from "dpdm";

/** The repository root (this file is test/structure/import-graph.ts). */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url)).replace(/[\\/]$/, "");

/** One import or re-export between two files, paths relative to the root with `/`. */
export interface ImportEdge {
  from: string;
  to: string;
  /** The specifier as written, for the failure message. */
  request: string;
}

export interface ImportGraph {
  /** dpdm's tree: file → its imports; node_modules entries are null. */
  tree: DependencyTree;
  /** Every .ts file under src/ on disk, relative to the root. */
  files: string[];
  /** Edges from a src/ file to another file of the repository (no packages, no built-ins). */
  edges: ImportEdge[];
  /** Relative specifiers dpdm could not resolve: the graph would silently lack them. */
  unresolved: { from: string; request: string }[];
}

/**
 * Reads every src/ file's imports. `transform: false` is the point: with it
 * dpdm reads the TypeScript as written, so `import type` and `export type …
 * from` stay in the graph (a cycle through types is still a cycle, and a
 * type import across layers still couples them); `transform: true` would
 * drop them as tsc's emit does. The tsconfig makes dpdm resolve `./x.js`
 * to `./x.ts` the way NodeNext does. Dynamic `import()` counts too.
 */
export async function loadImportGraph(root: string = REPO_ROOT): Promise<ImportGraph> {
  const tree = await parseDependencyTree("src/**/*.ts", {
    cwd: root,
    context: root,
    tsconfig: join(root, "tsconfig.json"),
    transform: false,
    skipDynamicImports: false,
  });
  const files = listFiles(join(root, "src"))
    .filter((file) => file.endsWith(".ts"))
    .map((file) => toPosix(relative(root, file)));
  const edges: ImportEdge[] = [];
  const unresolved: ImportGraph["unresolved"] = [];
  for (const [from, deps] of Object.entries(tree)) {
    if (!deps) continue;
    for (const dep of deps) {
      if (dep.id === null) {
        if (dep.request.startsWith(".")) unresolved.push({ from, request: dep.request });
        continue;
      }
      // Packages and Node built-ins (dpdm may give `node:crypto` as the id) are
      // not ours to layer: keep only files of the repository itself.
      if (dep.id.split("/").includes("node_modules") || !existsSync(join(root, dep.id))) continue;
      edges.push({ from, to: dep.id, request: dep.request });
    }
  }
  return { tree, files, edges, unresolved };
}

/** Each cycle as `a.ts -> b.ts -> a.ts`, dynamic imports included. */
export function findCycles(tree: DependencyTree): string[] {
  return parseCircular(tree, false).map((cycle) => [...cycle, cycle[0]].join(" -> "));
}

/** Every file below `dir`, recursively, as absolute paths. */
export function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
