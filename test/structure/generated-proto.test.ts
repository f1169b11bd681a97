/**
 * src/generated/ is committed (STYLE.md: static types beside the code, as
 * grpc-js keeps them), so nothing but this test notices when proto/ changes
 * and `npm run gen:proto` was not run. It regenerates into a temp folder with
 * the very command of the gen:proto script, read from package.json so the two
 * cannot drift, and compares byte for byte.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOADER_OPTIONS, PROTO_DIR, PROTO_FILES } from "../../src/wire/proto-loader.js";
import { listFiles, REPO_ROOT } from "./import-graph.js";

const GENERATOR = "proto-loader-gen-types";
const GENERATED = "src/generated";

/** The generator's step of gen:proto, taken apart. */
interface GenProto {
  /** Where the script runs the generator (after its `cd`). */
  cwd: string;
  /** Its arguments as written, `--outDir=…` included. */
  args: string[];
  /** `--flag` → true, `--flag=value` → value. */
  flags: Map<string, string | true>;
  includeDirs: string[];
  /** The proto file arguments (shell globs) as written. */
  files: string[];
}

/** Generator options that take the next word as their value when written without `=`. */
const TAKES_VALUE = new Set(["-I", "--includeDirs", "-O", "--outDir"]);

/**
 * Reads the gen:proto script. It must be `&&`-joined steps of three known
 * kinds, or this throws: the test runs part of it, and must never run a step
 * it does not understand (the script's own first step deletes src/generated).
 */
function readGenProto(root: string): GenProto {
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.["gen:proto"];
  if (!script) throw new Error('package.json has no "gen:proto" script');
  if (/["'`$|;<>\\()]/.test(script)) {
    throw new Error(`gen:proto uses shell syntax this test does not read; update it: ${script}`);
  }
  let cwd = root;
  let generator: string[] | undefined;
  for (const step of script.split("&&").map((s) => s.trim().split(/\s+/))) {
    const [command, ...rest] = step;
    if (generator) throw new Error(`gen:proto has a step after ${GENERATOR}; update this test: ${script}`);
    if (command === "rm" && rest.join(" ") === `-rf ${GENERATED}`) continue; // a fresh temp dir stands for it
    if (command === "cd" && rest.length === 1) cwd = resolve(cwd, rest[0] ?? "");
    else if (command === GENERATOR) generator = rest;
    else throw new Error(`gen:proto has a step this test does not know, "${step.join(" ")}"; update it`);
  }
  if (!generator) throw new Error(`gen:proto does not run ${GENERATOR}`);

  const flags = new Map<string, string | true>();
  const includeDirs: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < generator.length; i++) {
    const arg = generator[i] ?? "";
    if (!arg.startsWith("-")) {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    let value: string | true = eq < 0 ? true : arg.slice(eq + 1);
    if (value === true && TAKES_VALUE.has(name)) value = generator[++i] ?? "";
    if (name === "-I" || name === "--includeDirs") includeDirs.push(String(value));
    else flags.set(name.replace(/^-O$/, "--outDir").replace(/^--/, ""), value);
  }
  const outDir = flags.get("outDir");
  if (typeof outDir !== "string" || resolve(cwd, outDir) !== join(root, GENERATED)) {
    throw new Error(`gen:proto's --outDir is not ${GENERATED}; update this test: ${script}`);
  }
  if (generator.filter((arg) => arg.startsWith("--outDir=")).length !== 1) {
    throw new Error(`this test expects gen:proto to write --outDir=… once, as one word: ${script}`);
  }
  return { cwd, args: generator, flags, includeDirs, files };
}

/**
 * Runs the generator as npm runs the script, through sh (so `cairn/v1/*.proto`
 * expands as it does for npm), with its --outDir pointed at `outDir`.
 */
function generate(root: string, gen: GenProto, outDir: string): void {
  const args = gen.args.map((arg) => (arg.startsWith("--outDir=") ? `--outDir=${shellQuote(outDir)}` : arg));
  const bin = shellQuote(join(root, "node_modules", ".bin", GENERATOR));
  execFileSync("sh", ["-c", [bin, ...args].join(" ")], { cwd: gen.cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** The proto files the script's globs name, as sh expands them in its folder. */
function expandFiles(gen: GenProto): string[] {
  const out = execFileSync("sh", ["-c", `printf '%s\\n' ${gen.files.join(" ")}`], { cwd: gen.cwd, encoding: "utf8" });
  return out.split("\n").filter((line) => line !== "");
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** What differs between the committed folder and a fresh generation, file by file. */
function compareTrees(committed: string, fresh: string): string[] {
  const files = (dir: string) => new Set(listFiles(dir).map((file) => relative(dir, file).split(sep).join("/")));
  const have = files(committed);
  const want = files(fresh);
  const problems: string[] = [];
  for (const file of [...new Set([...have, ...want])].sort()) {
    if (!want.has(file)) problems.push(`${GENERATED}/${file}: not generated from proto/ any more (stale)`);
    else if (!have.has(file)) problems.push(`${GENERATED}/${file}: generated from proto/ but not committed`);
    else if (!readFileSync(join(committed, file)).equals(readFileSync(join(fresh, file)))) {
      problems.push(`${GENERATED}/${file}: differs from what proto/ generates`);
    }
  }
  return problems;
}

describe(`${GENERATED}/`, () => {
  const gen = readGenProto(REPO_ROOT);
  let fresh: string;
  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), "cairn-gen-proto-"));
    generate(REPO_ROOT, gen, fresh);
  });
  afterAll(() => {
    if (fresh) rmSync(fresh, { recursive: true, force: true });
  });

  it("is exactly what gen:proto makes of proto/", () => {
    const problems = compareTrees(join(REPO_ROOT, GENERATED), fresh);
    expect(problems.join("\n"), `${GENERATED}/ is out of date: run \`npm run gen:proto\` and commit the result`).toBe("");
  });

  it("was generated with the options the loader uses, from the files it loads", () => {
    // STYLE.md: the static types describe what protoLoader.loadSync hands the
    // handlers only if both were given the same options.
    const shared = {
      keepCase: gen.flags.get("keepCase") === true,
      longs: gen.flags.get("longs"),
      enums: gen.flags.get("enums"),
      bytes: gen.flags.get("bytes"),
      defaults: gen.flags.get("defaults") === true,
      arrays: gen.flags.get("arrays") === true,
      objects: gen.flags.get("objects") === true,
      oneofs: gen.flags.get("oneofs") === true,
      json: gen.flags.get("json") === true,
    };
    // The loader takes the String or Number constructor where the flag names it.
    const loader = {
      keepCase: LOADER_OPTIONS.keepCase === true,
      longs: (LOADER_OPTIONS.longs as { name?: string } | undefined)?.name,
      enums: (LOADER_OPTIONS.enums as { name?: string } | undefined)?.name,
      bytes: (LOADER_OPTIONS.bytes as { name?: string } | undefined)?.name,
      defaults: LOADER_OPTIONS.defaults === true,
      arrays: LOADER_OPTIONS.arrays === true,
      objects: LOADER_OPTIONS.objects === true,
      oneofs: LOADER_OPTIONS.oneofs === true,
      json: LOADER_OPTIONS.json === true,
    };
    expect(loader, "LOADER_OPTIONS (src/wire/proto-loader.ts) against the gen:proto flags").toEqual(shared);
    expect(gen.includeDirs.map((dir) => resolve(gen.cwd, dir))).toEqual([resolve(PROTO_DIR)]);
    expect([...PROTO_FILES].sort(), "PROTO_FILES against the files gen:proto generates from").toEqual(
      expandFiles(gen).sort(),
    );
  });
});
