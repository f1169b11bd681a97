/**
 * The CLI's config file, as kubeconfig is (SPEC 15): named contexts, each
 * the managers (and agents) to ask and the TLS files to ask them with, and
 * the current one. It lives at $CAIRN_CONFIG or ~/.config/cairn/config.yaml:
 *
 * ```yaml
 * current-context: prod
 * contexts:
 *   prod:
 *     managers: [10.0.0.1:7400, 10.0.0.2:7400]
 *     agents: [10.0.0.9:7500]
 *     ca: /etc/cairn/ca.pem
 *     cert: /etc/cairn/admin_ops.pem
 *     key: /etc/cairn/admin_ops-key.pem
 * ```
 *
 * Flags win over the environment, which wins over the current context.
 * Relative file names are relative to the config file's folder.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, stringify, type Node } from "yaml";
import { CairnError, Code } from "../errors.js";
import { offsetOf, placeOf } from "../yaml/yaml-nodes.js";
import { hostPortProblem } from "./endpoints.js";

export const CONFIG_ENV = "CAIRN_CONFIG";
const CONTEXT_KEYS = ["managers", "agents", "ca", "cert", "key"] as const;
const TOP_KEYS = ["current-context", "contexts"] as const;
/** The file holds where private keys are: only its owner reads it. */
const CONFIG_MODE = 0o600;

export interface CliContext {
  managers: string[];
  agents?: string[];
  ca?: string;
  cert?: string;
  key?: string;
}

export interface CliConfig {
  /** Where it was read from (and is written to). */
  path: string;
  currentContext?: string;
  /** In the file's order. */
  contexts: Map<string, CliContext>;
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return env[CONFIG_ENV] || join(homedir(), ".config", "cairn", "config.yaml");
}

/** The config file; a missing one reads as empty. A bad one is one error line naming the file and line. */
export function readConfig(path: string = configPath()): CliConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { path, contexts: new Map() };
    throw new CairnError(Code.FAILED_PRECONDITION, `cannot read the config file ${path}: ${(error as Error).message}`);
  }
  return parseConfig(text, path);
}

export function parseConfig(text: string, path: string): CliConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (node: unknown) => {
    const offset = offsetOf(node);
    return offset === undefined ? path : `${path}:${placeOf(lines, offset)}`;
  };
  const fail = (node: unknown, message: string): never => {
    throw new CairnError(Code.FAILED_PRECONDITION, `${at(node)}: ${message}`);
  };
  const syntax = document.errors[0];
  if (syntax) throw new CairnError(Code.FAILED_PRECONDITION, `${path}:${placeOf(lines, syntax.pos[0])}: ${syntax.message.split("\n")[0]}`);
  const config: CliConfig = { path, contexts: new Map() };
  const root = document.contents;
  if (root === null || (isScalar(root) && root.value === null)) return config;
  if (!isMap(root)) return fail(root, "the config file is not a mapping (current-context, contexts)");
  for (const item of root.items) {
    const key = isScalar(item.key) ? String(item.key.value) : "";
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail(item.key, `unknown key "${key}" (expected ${TOP_KEYS.join(", ")})`);
    if (key === "current-context") config.currentContext = stringOf(item.value as Node, "current-context", fail);
    else if (isMap(item.value)) {
      for (const entry of item.value.items) {
        const name = isScalar(entry.key) ? String(entry.key.value) : fail(entry.key, "a context name must be a string");
        config.contexts.set(name, readContext(name, entry.value as Node, fail));
      }
    } else if (item.value !== null && !(isScalar(item.value) && item.value.value === null)) fail(item.value, "contexts must be a mapping of names to contexts");
  }
  const base = dirname(resolve(path));
  for (const context of config.contexts.values()) {
    for (const file of ["ca", "cert", "key"] as const) if (context[file] !== undefined) context[file] = resolve(base, context[file]);
  }
  return config;
}

type Fail = (node: unknown, message: string) => never;

function readContext(name: string, node: Node, fail: Fail): CliContext {
  if (!isMap(node)) return fail(node, `context "${name}" must be a mapping (${CONTEXT_KEYS.join(", ")})`);
  const context: CliContext = { managers: [] };
  for (const item of node.items) {
    const key = isScalar(item.key) ? String(item.key.value) : "";
    const value = item.value as Node;
    if (key === "managers" || key === "agents") {
      const addresses = isSeq(value) ? value.items.map((a) => stringOf(a as Node, key, fail)) : [stringOf(value, key, fail)];
      addresses.forEach((address, i) => {
        const problem = hostPortProblem(address);
        if (problem) fail(isSeq(value) ? value.items[i] : value, `context "${name}": ${key}: ${problem}`);
      });
      context[key] = addresses;
    } else if (key === "ca" || key === "cert" || key === "key") context[key] = stringOf(value, key, fail);
    else fail(item.key, `context "${name}": unknown key "${key}" (expected ${CONTEXT_KEYS.join(", ")})`);
  }
  return context;
}

function stringOf(node: Node, what: string, fail: Fail): string {
  if (!isScalar(node) || node.value === null || typeof node.value === "object") return fail(node, `${what} must be a string`);
  return String(node.value);
}

/** Writes the file (its folder created), readable by its owner only, replacing it in one rename. */
export function writeConfig(config: CliConfig): void {
  const contexts: Record<string, Record<string, unknown>> = {};
  for (const [name, context] of config.contexts) {
    const entry: Record<string, unknown> = {};
    for (const key of CONTEXT_KEYS) if (context[key] !== undefined && !(key === "agents" && context.agents?.length === 0)) entry[key] = context[key];
    contexts[name] = entry;
  }
  const document = { ...(config.currentContext !== undefined && { "current-context": config.currentContext }), contexts };
  mkdirSync(dirname(config.path), { recursive: true, mode: 0o700 });
  const temporary = `${config.path}.${process.pid}.tmp`;
  writeFileSync(temporary, stringify(document, { collectionStyle: "any", flowCollectionPadding: false }), { mode: CONFIG_MODE });
  chmodSync(temporary, CONFIG_MODE);
  renameSync(temporary, config.path);
}

/** The current context of the config file, if it names one; one it names that is not there is an error. */
export function currentContext(env: NodeJS.ProcessEnv = process.env): { name: string; context: CliContext; path: string } | undefined {
  const config = readConfig(configPath(env));
  if (config.currentContext === undefined) return undefined;
  const context = config.contexts.get(config.currentContext);
  if (!context) throw new CairnError(Code.FAILED_PRECONDITION, `${config.path}: current-context "${config.currentContext}" is not a context in it`);
  return { name: config.currentContext, context, path: config.path };
}
