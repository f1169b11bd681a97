/**
 * The fixture format of SPEC section 3, both ways: `parseFixture` reads YAML
 * or JSON into a Registry, `registryToFixture` / `formatFixture` write one out
 * as `cairn export` prints it. Pure: text in, data out.
 *
 * Validation walks the YAML AST by hand rather than through a schema library:
 * the structural rules are few, most checks are not structural (name rules,
 * duplicate host ids across the tree, path depth) and every problem must carry
 * the line:col of the node it is about, which the AST gives directly.
 * Invariant: `parseFixture(formatFixture(r, f), name)` deep-equals `r` for
 * any valid registry `r`.
 */

import { Document, LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import type { YAMLMap } from "yaml";
import { describe, isNull, keyText, offsetOf, ProblemReader, scalarValue } from "./yaml-nodes.js";
import {
  DOCUMENT_KEYS,
  DOMAIN_KEYS,
  HOST_KEYS,
  LIVENESS_VALUES,
  MANAGER_ROLES,
  PACKAGE_HEALTHS,
  PACKAGE_KEYS,
  PACKAGE_STATES,
  POLICIES,
  TYPE_KEYS,
} from "./fixture-schema.js";
import type { FixtureDocument, FixtureDomain, FixtureHost, FixturePackage, FixtureType } from "./fixture-schema.js";
import {
  DEFAULT_ADDRESS,
  REGISTRY_TYPE,
  ROOT_PATH,
  comparePaths,
  emptyRegistry,
  joinPath,
  newHost,
  newPackage,
  parentPath,
  pathSegments,
} from "./model.js";
import type { HostRecord, PackageRecord, Policy, Registry } from "./model.js";
import {
  MAX_LABELS,
  MAX_PACKAGES_PER_HOST,
  MAX_PATH_SEGMENTS,
  addressProblem,
  hostIdProblem,
  labelProblem,
  portProblem,
  priorityProblem,
  segmentProblem,
  typeNameProblem,
} from "./names.js";

export type FixtureFormat = "yaml" | "json";

// ---- parse ----

/**
 * Reads a fixture (YAML or JSON) into a Registry. Throws an INVALID_ARGUMENT
 * CairnError listing every problem, one `fileName:line:col: message` per
 * entry of `details`; the message is the first of them, plus a count of the
 * others.
 */
export function parseFixture(text: string, fileName: string): Registry {
  const lines = new LineCounter();
  // uniqueKeys off: the reader reports duplicate keys itself, saying where the first one was.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const reader = new FixtureReader(lines);
  for (const error of doc.errors) reader.report(error.pos[0], `YAML syntax error: ${error.message}`);
  for (const warning of doc.warnings) reader.report(warning.pos[0], `YAML: ${warning.message}`);
  const registry = emptyRegistry();
  // After a syntax error the tree is a guess; checking it would only add noise.
  if (doc.errors.length === 0) reader.readDocument(doc.contents, registry);
  reader.throwIfProblems(fileName);
  return registry;
}

/** One key of a mapping, with where its key and value start in the text. */
interface Entry {
  key: string;
  keyAt: number;
  value: unknown;
  /** Where the value starts, or the key when the value has no node. */
  at: number;
}

class FixtureReader extends ProblemReader {
  /** Host id -> offset of its first `id` value, across the whole tree. */
  private readonly hostIds = new Map<string, number>();

  readDocument(contents: unknown, registry: Registry): void {
    if (isNull(contents)) {
      this.report(0, "the file holds no fixture (an empty registry is written {})");
      return;
    }
    if (!isMap(contents)) {
      this.wrongType(offsetOf(contents) ?? 0, "", "the file", "a mapping with keys types and root", contents);
      return;
    }
    for (const entry of this.mapEntries(contents, 0, "", undefined, DOCUMENT_KEYS) ?? []) {
      if (entry.key === "types") this.readTypes(entry, registry);
      else this.readDomain(entry.value, entry.at, ROOT_PATH, registry);
    }
  }

  private readTypes(types: Entry, registry: Registry): void {
    for (const entry of this.mapEntries(types.value, types.at, "", "types") ?? []) {
      const nameProblem = typeNameProblem(entry.key);
      if (nameProblem) this.report(entry.keyAt, `types: ${nameProblem}`);
      const subject = `type "${entry.key}"`;
      let policy: Policy = "ordered";
      for (const field of this.mapEntries(entry.value, entry.at, subject, undefined, TYPE_KEYS) ?? []) {
        policy = this.oneOf(field, subject, POLICIES) ?? policy;
      }
      registry.types.set(entry.key, { name: entry.key, policy });
    }
  }

  private readDomain(value: unknown, at: number, path: string, registry: Registry): void {
    const subject = `domain "${path}"`;
    registry.domains.set(path, { path });
    for (const entry of this.mapEntries(value, at, subject, undefined, DOMAIN_KEYS) ?? []) {
      if (entry.key === "hosts") {
        const items = this.seqItems(entry, subject);
        items?.forEach((item, index) => this.readHost(item, offsetOf(item) ?? entry.at, path, index, registry));
      } else {
        this.readSubdomains(entry, path, registry);
      }
    }
  }

  private readSubdomains(subdomains: Entry, parent: string, registry: Registry): void {
    const depth = pathSegments(parent).length + 1;
    for (const entry of this.mapEntries(subdomains.value, subdomains.at, `domain "${parent}"`, "subdomains") ?? []) {
      const path = joinPath(parent, entry.key);
      const nameProblem = segmentProblem(entry.key, "domain segment");
      if (nameProblem) this.report(entry.keyAt, `domain "${parent}": ${nameProblem}`);
      if (depth > MAX_PATH_SEGMENTS) {
        // Reported once, at the first segment too deep; what lies below it is not read.
        this.report(entry.keyAt, `domain "${path}" is ${depth} segments deep, more than ${MAX_PATH_SEGMENTS}`);
        continue;
      }
      this.readDomain(entry.value, entry.at, path, registry);
    }
  }

  private readHost(value: unknown, at: number, domain: string, index: number, registry: Registry): void {
    const peekedId = peekString(value, "id");
    const subject = peekedId === undefined ? `host #${index + 1} in domain "${domain}"` : `host "${peekedId}"`;
    const entries = this.mapEntries(value, at, subject, undefined, HOST_KEYS);
    if (!entries) return;
    const host = newHost("", domain);
    let id: string | undefined;
    let idUsable = false;
    for (const entry of entries) {
      switch (entry.key) {
        case "id": {
          id = this.string(entry, subject);
          if (id === undefined) break;
          const problem = hostIdProblem(id);
          const first = this.hostIds.get(id);
          if (problem) this.report(entry.at, problem);
          else if (first !== undefined) this.report(entry.at, `duplicate host id "${id}" (first at ${this.place(first)})`);
          else {
            this.hostIds.set(id, entry.at);
            idUsable = true;
          }
          break;
        }
        case "address": {
          const address = this.string(entry, subject);
          if (address === undefined) break;
          const problem = addressProblem(address);
          if (problem) this.report(entry.at, `${subject}: ${problem}`);
          host.address = address;
          break;
        }
        case "labels":
          host.labels = this.readLabels(entry, subject);
          break;
        case "maintenance":
          host.maintenance = this.boolean(entry, subject) ?? host.maintenance;
          break;
        case "status":
          host.status = this.oneOf(entry, subject, LIVENESS_VALUES) ?? host.status;
          break;
        default:
          host.packages = this.readPackages(entry, subject);
      }
    }
    if (id === undefined && !entries.some((e) => e.key === "id")) this.report(at, `${subject} has no id`);
    if (id !== undefined && idUsable) {
      host.id = id;
      registry.hosts.set(id, host);
    }
  }

  private readLabels(labels: Entry, subject: string): Record<string, string> {
    const out: Record<string, string> = {};
    const entries = this.mapEntries(labels.value, labels.at, subject, "labels") ?? [];
    if (entries.length > MAX_LABELS) this.report(labels.at, `${subject}: ${entries.length} labels, more than ${MAX_LABELS}`);
    for (const entry of entries) {
      const value = this.string(entry, subject, `label "${entry.key}"`);
      if (value === undefined) continue;
      const problem = labelProblem(entry.key, value);
      if (problem) this.report(entry.keyAt, `${subject}: ${problem}`);
      out[entry.key] = value;
    }
    return out;
  }

  private readPackages(packages: Entry, hostSubject: string): PackageRecord[] {
    const items = this.seqItems(packages, hostSubject) ?? [];
    if (items.length > MAX_PACKAGES_PER_HOST) {
      this.report(packages.at, `${hostSubject}: ${items.length} packages, more than ${MAX_PACKAGES_PER_HOST}`);
    }
    /** Package type -> offset of its first `type` value on this host. */
    const types = new Map<string, number>();
    const out: PackageRecord[] = [];
    items.forEach((item, index) => {
      const pkg = this.readPackage(item, offsetOf(item) ?? packages.at, hostSubject, index);
      if (!pkg) return;
      const first = types.get(pkg.record.type);
      if (first !== undefined) {
        this.report(pkg.typeAt, `${hostSubject}: two packages of type "${pkg.record.type}" (first at ${this.place(first)})`);
        return;
      }
      types.set(pkg.record.type, pkg.typeAt);
      out.push(pkg.record);
    });
    return out.sort((a, b) => compareStrings(a.type, b.type));
  }

  private readPackage(
    value: unknown,
    at: number,
    hostSubject: string,
    index: number,
  ): { record: PackageRecord; typeAt: number } | undefined {
    const peekedType = peekString(value, "type");
    const subject = `${hostSubject}, package ${peekedType === undefined ? `#${index + 1}` : `"${peekedType}"`}`;
    const entries = this.mapEntries(value, at, subject, undefined, PACKAGE_KEYS);
    if (!entries) return undefined;
    const record = newPackage("", 0);
    let type: string | undefined;
    let typeAt = at;
    let port: number | undefined;
    let roleAt: number | undefined;
    for (const entry of entries) {
      switch (entry.key) {
        case "type": {
          type = this.string(entry, subject);
          typeAt = entry.at;
          const problem = type === undefined ? undefined : typeNameProblem(type);
          if (problem) this.report(entry.at, `${hostSubject}: ${problem}`);
          break;
        }
        case "port":
          port = this.integer(entry, subject, portProblem);
          break;
        case "priority":
          record.priority = this.integer(entry, subject, priorityProblem) ?? record.priority;
          break;
        case "state":
          record.state = this.oneOf(entry, subject, PACKAGE_STATES) ?? record.state;
          break;
        case "health":
          record.health = this.oneOf(entry, subject, PACKAGE_HEALTHS) ?? record.health;
          break;
        default: {
          roleAt = entry.keyAt;
          const role = this.oneOf(entry, subject, MANAGER_ROLES);
          if (role !== undefined) record.role = role;
        }
      }
    }
    const has = (key: string) => entries.some((e) => e.key === key);
    if (!has("type")) this.report(at, `${subject} has no type`);
    if (!has("port")) this.report(at, `${subject} has no port`);
    if (roleAt !== undefined && type !== undefined && type !== REGISTRY_TYPE) {
      this.report(roleAt, `${subject}: role is only for packages of type "${REGISTRY_TYPE}"`);
    }
    if (type === undefined || port === undefined) return undefined;
    record.type = type;
    record.port = port;
    return { record, typeAt };
  }

  // ---- typed reads: each reports what is wrong and returns undefined ----

  /**
   * The entries of a mapping, without duplicate or (when `allowed` is given)
   * unknown keys, both reported. A null value is an empty mapping, so that
   * `hosts:` or a bare `subdomain-2:` reads as nothing rather than an error.
   * `what` names the mapping when it is not the subject itself.
   */
  private mapEntries(
    value: unknown,
    at: number,
    subject: string,
    what: string | undefined,
    allowed?: readonly string[],
  ): Entry[] | undefined {
    if (isNull(value)) return [];
    if (!isMap(value)) {
      this.wrongType(at, what ? subject : "", what ?? subject, "a mapping", value);
      return undefined;
    }
    const inWhat = what ? ` in ${what}` : "";
    const seen = new Map<string, number>();
    const entries: Entry[] = [];
    for (const pair of value.items) {
      const keyAt = offsetOf(pair.key) ?? at;
      if (!isScalar(pair.key) || isNull(pair.key)) {
        this.report(keyAt, say(subject, `keys${inWhat} must be names, got ${describe(pair.key)}`));
        continue;
      }
      const key = keyText(pair.key);
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(keyAt, say(subject, `duplicate key "${key}"${inWhat} (first at ${this.place(first)})`));
        continue;
      }
      seen.set(key, keyAt);
      if (allowed && !allowed.includes(key)) {
        this.report(keyAt, say(subject, `unknown key "${key}"${inWhat} (expected ${allowed.join(", ")})`));
        continue;
      }
      entries.push({ key, keyAt, value: pair.value, at: offsetOf(pair.value) ?? keyAt });
    }
    return entries;
  }

  /** A list's items; null is an empty list. */
  private seqItems(entry: Entry, subject: string): unknown[] | undefined {
    if (isNull(entry.value)) return [];
    if (isSeq(entry.value)) return entry.value.items;
    this.wrongType(entry.at, subject, entry.key, "a list", entry.value);
    return undefined;
  }

  private string(entry: Entry, subject: string, name = entry.key): string | undefined {
    const value = scalarValue(entry.value);
    if (typeof value === "string") return value;
    this.wrongType(entry.at, subject, name, "a string", entry.value);
    return undefined;
  }

  private boolean(entry: Entry, subject: string): boolean | undefined {
    const value = scalarValue(entry.value);
    if (typeof value === "boolean") return value;
    this.wrongType(entry.at, subject, entry.key, "true or false", entry.value);
    return undefined;
  }

  private integer(entry: Entry, subject: string, rule: (n: number) => string | undefined): number | undefined {
    const value = scalarValue(entry.value);
    if (typeof value !== "number") {
      this.wrongType(entry.at, subject, entry.key, "a number", entry.value);
      return undefined;
    }
    const problem = rule(value);
    if (problem) {
      this.report(entry.at, `${subject}: ${problem}`);
      return undefined;
    }
    return value;
  }

  private oneOf<T extends string>(entry: Entry, subject: string, values: readonly T[]): T | undefined {
    const value = scalarValue(entry.value);
    const match = values.find((v) => v === value);
    if (match !== undefined) return match;
    this.wrongType(entry.at, subject, entry.key, `one of ${values.join(", ")}`, entry.value);
    return undefined;
  }

  private wrongType(at: number, subject: string, name: string, expected: string, value: unknown): void {
    if (isAlias(value)) {
      // Aliases are refused outright: a fixture is data to read at a glance, and
      // expanding them while walking would let a small file grow without bound.
      this.report(at, say(subject, `${name} is an alias (*${value.source}); aliases are not supported, write the value out`));
      return;
    }
    const scalar = scalarValue(value);
    const hint = (typeof scalar === "number" || typeof scalar === "boolean") && expected === "a string" ? " (quote it)" : "";
    this.report(at, say(subject, `${name} must be ${expected}, got ${describe(value)}${hint}`));
  }
}

function say(subject: string, text: string): string {
  return subject ? `${subject}: ${text}` : text;
}

/** The string value of `key` in a mapping, when there is one, to name it in messages. */
function peekString(node: unknown, key: string): string | undefined {
  if (!isMap(node)) return undefined;
  const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key);
  const value = pair ? scalarValue(pair.value) : undefined;
  return typeof value === "string" ? value : undefined;
}

// ---- format ----

/**
 * The fixture for a registry, nested as drawn: subdomains by name, hosts by
 * id, packages by type, and every field at its default left out.
 */
export function registryToFixture(registry: Registry): FixtureDocument {
  // Hosts whose domain is missing from `domains` still get a place in the tree.
  const paths = new Set<string>();
  for (const path of [...registry.domains.keys(), ...[...registry.hosts.values()].map((h) => h.domain)]) {
    for (let p: string | undefined = path; p !== undefined && !paths.has(p); p = parentPath(p)) paths.add(p);
  }
  const children = new Map<string, string[]>();
  // Sorted, so each parent's children come out by name.
  for (const path of [...paths].sort(comparePaths)) {
    const parent = parentPath(path);
    if (parent !== undefined) pushTo(children, parent, path);
  }
  const hostsIn = new Map<string, HostRecord[]>();
  for (const host of [...registry.hosts.values()].sort((a, b) => compareStrings(a.id, b.id))) {
    pushTo(hostsIn, host.domain, host);
  }
  const build = (path: string): FixtureDomain => {
    const domain: FixtureDomain = {};
    const hosts = hostsIn.get(path);
    if (hosts) domain.hosts = hosts.map(hostToFixture);
    const subpaths = children.get(path);
    if (subpaths) {
      domain.subdomains = {};
      for (const sub of subpaths) domain.subdomains[sub.slice(sub.lastIndexOf("/") + 1)] = build(sub);
    }
    return domain;
  };
  const root = build(ROOT_PATH);

  const types = [...registry.types.values()].sort((a, b) => compareStrings(a.name, b.name));
  if (types.length === 0) return { root };
  const typeEntries: Record<string, FixtureType> = {};
  for (const type of types) typeEntries[type.name] = { policy: type.policy };
  return { types: typeEntries, root };
}

function pushTo<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

function hostToFixture(host: HostRecord): FixtureHost {
  const out: FixtureHost = { id: host.id };
  if (host.address !== DEFAULT_ADDRESS) out.address = host.address;
  const labelKeys = Object.keys(host.labels).sort(compareStrings);
  if (labelKeys.length > 0) {
    out.labels = {};
    for (const key of labelKeys) out.labels[key] = host.labels[key]!;
  }
  if (host.maintenance) out.maintenance = true;
  if (host.status !== "unknown") out.status = host.status;
  if (host.packages.length > 0) {
    out.packages = [...host.packages].sort((a, b) => compareStrings(a.type, b.type)).map(packageToFixture);
  }
  return out;
}

function packageToFixture(pkg: PackageRecord): FixturePackage {
  const out: FixturePackage = { type: pkg.type, port: pkg.port };
  if (pkg.priority !== 0) out.priority = pkg.priority;
  if (pkg.state !== "enabled") out.state = pkg.state;
  if (pkg.health !== "healthy") out.health = pkg.health;
  if (pkg.role !== undefined) out.role = pkg.role;
  return out;
}

/**
 * The registry as `cairn export` prints it. In YAML, packages, labels and type
 * entries are written on one line each (`{ type: command-control, port: 7611 }`).
 */
export function formatFixture(registry: Registry, format: FixtureFormat): string {
  const fixture = registryToFixture(registry);
  if (format === "json") return JSON.stringify(fixture, null, 2) + "\n";
  const doc = new Document(fixture);
  const types = doc.get("types", true);
  if (isMap(types)) for (const pair of types.items) setFlow(pair.value);
  const root = doc.get("root", true);
  if (isMap(root)) styleDomain(root);
  return doc.toString({ lineWidth: 0 });
}

/** Walks the document built from a FixtureDocument, so the shapes are known. */
function styleDomain(domain: YAMLMap): void {
  const hosts = domain.get("hosts", true);
  if (isSeq(hosts)) {
    for (const host of hosts.items) {
      if (!isMap(host)) continue;
      setFlow(host.get("labels", true));
      const packages = host.get("packages", true);
      if (isSeq(packages)) for (const pkg of packages.items) setFlow(pkg);
    }
  }
  const subdomains = domain.get("subdomains", true);
  if (isMap(subdomains)) for (const pair of subdomains.items) if (isMap(pair.value)) styleDomain(pair.value);
}

function setFlow(node: unknown): void {
  if (isMap(node)) node.flow = true;
}

/** Code-unit order, the same everywhere (no locale). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
