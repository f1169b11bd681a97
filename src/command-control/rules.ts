/**
 * The rules of a command-control manager (SPEC section 8): an ordered list
 * of `allow` or `deny` by user glob and command glob. The first rule that
 * matches both decides; when none does, the answer is deny. Pure: text in,
 * decisions out.
 *
 * ```yaml
 * rules:
 *   - { effect: allow, user: "alice", command: "deploy *" }
 *   - { effect: deny,  user: "*",     command: "rm -rf *" }
 *   - { effect: allow, user: "ops-*", command: "*" }
 * ```
 *
 * Like the fixture reader (src/router/fixture.ts), validation walks the YAML
 * AST so that every problem carries the line:col of the node it is about,
 * and a bad file reports all its problems at once.
 */

import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { describe, isNull, keyText, offsetOf, ProblemReader, scalarValue } from "../yaml/yaml-nodes.js";
import { compileGlob } from "./glob.js";

export const EFFECTS = ["allow", "deny"] as const;
export type Effect = (typeof EFFECTS)[number];

const DOCUMENT_KEYS = ["rules"] as const;
const RULE_KEYS = ["effect", "user", "command"] as const;

/** One rule as written. */
export interface RuleSpec {
  effect: Effect;
  /** Glob over the user name. */
  user: string;
  /** Glob over the whole command line. */
  command: string;
}

/** A rule with its place in the list, as reasons name it. */
export interface Rule extends RuleSpec {
  /** 1-based position in the list. */
  readonly number: number;
}

export interface Decision {
  allowed: boolean;
  /** For people: the rule that matched (`rule 2 (deny * "rm -rf *")`), or why none did. */
  reason: string;
}

export const NO_MATCH_REASON = "no rule matched: denied by default";

/**
 * A compiled rule list. Invariant: `decide` is the effect of the first rule
 * whose user glob matches the user and whose command glob matches the
 * command, and a denial when there is none.
 */
export class Rules {
  private readonly compiled: readonly { rule: Rule; user: RegExp; command: RegExp; reason: string }[];

  /**
   * @param specs the rules, in order; their globs are compiled here, once.
   * @param note appended to every matched rule's reason, to say where the rules come from.
   */
  constructor(specs: readonly RuleSpec[], note?: string) {
    this.compiled = specs.map((spec, index) => {
      const rule: Rule = { number: index + 1, effect: spec.effect, user: spec.user, command: spec.command };
      const reason = note ? `${describeRule(rule)}, ${note}` : describeRule(rule);
      return { rule, user: compileGlob(rule.user), command: compileGlob(rule.command), reason };
    });
  }

  get rules(): readonly Rule[] {
    return this.compiled.map((c) => c.rule);
  }

  decide(user: string, command: string): Decision {
    for (const c of this.compiled) {
      if (c.user.test(user) && c.command.test(command)) return { allowed: c.rule.effect === "allow", reason: c.reason };
    }
    return { allowed: false, reason: NO_MATCH_REASON };
  }
}

/**
 * The rules of a manager started without a rules file: one `allow * *`, so
 * that without --rules, everyone may run everything. Reasons say so.
 */
export function defaultRules(): Rules {
  return new Rules([{ effect: "allow", user: "*", command: "*" }], "the default without --rules");
}

/** `rule 2 (deny * "rm -rf *")`: globs quoted when they hold blanks or quotes, or are empty. */
export function describeRule(rule: Rule): string {
  return `rule ${rule.number} (${rule.effect} ${quoteIfNeeded(rule.user)} ${quoteIfNeeded(rule.command)})`;
}

function quoteIfNeeded(glob: string): string {
  return glob === "" || /[\s"'\\]/u.test(glob) ? JSON.stringify(glob) : glob;
}

// ---- the rules file ----

/**
 * Reads a rules file. Throws an INVALID_ARGUMENT CairnError listing every
 * problem, one `fileName:line:col: message` per entry of `details`; the
 * message is the first of them, plus a count of the others. `rules: []`
 * is valid and denies everything.
 */
export function compileRules(text: string, fileName: string): Rules {
  const lines = new LineCounter();
  // uniqueKeys off: the reader reports duplicate keys itself, saying where the first one was.
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const reader = new RulesReader(lines);
  for (const error of doc.errors) reader.report(error.pos[0], `YAML syntax error: ${error.message}`);
  for (const warning of doc.warnings) reader.report(warning.pos[0], `YAML: ${warning.message}`);
  // After a syntax error the tree is a guess; checking it would only add noise.
  const specs = doc.errors.length === 0 ? reader.readDocument(doc.contents) : [];
  reader.throwIfProblems(fileName);
  return new Rules(specs);
}

interface Entry {
  key: string;
  keyAt: number;
  value: unknown;
  /** Where the value starts, or the key when the value has no node. */
  at: number;
}

class RulesReader extends ProblemReader {
  readDocument(contents: unknown): RuleSpec[] {
    if (isNull(contents)) {
      this.report(0, 'the file holds no rules (write "rules: []" to deny everything)');
      return [];
    }
    const entries = this.mapEntries(contents, offsetOf(contents) ?? 0, "the file", DOCUMENT_KEYS);
    if (!entries) return [];
    const rules = entries.find((e) => e.key === "rules");
    if (!rules) {
      this.report(offsetOf(contents) ?? 0, 'the file has no "rules" key (write "rules: []" to deny everything)');
      return [];
    }
    if (isNull(rules.value)) return [];
    if (!isSeq(rules.value)) {
      this.wrongType(rules.at, "rules", "a list", rules.value);
      return [];
    }
    const specs: RuleSpec[] = [];
    rules.value.items.forEach((item, index) => {
      const spec = this.readRule(item, offsetOf(item) ?? rules.at, `rule ${index + 1}`);
      if (spec) specs.push(spec);
    });
    return specs;
  }

  private readRule(value: unknown, at: number, subject: string): RuleSpec | undefined {
    const entries = this.mapEntries(value, at, subject, RULE_KEYS);
    if (!entries) return undefined;
    let effect: Effect | undefined;
    let user: string | undefined;
    let command: string | undefined;
    for (const entry of entries) {
      if (entry.key === "effect") effect = this.effect(entry, subject);
      else if (entry.key === "user") user = this.glob(entry, subject);
      else command = this.glob(entry, subject);
    }
    for (const key of RULE_KEYS) {
      if (!entries.some((e) => e.key === key)) this.report(at, `${subject} has no ${key}`);
    }
    return effect && user !== undefined && command !== undefined ? { effect, user, command } : undefined;
  }

  private effect(entry: Entry, subject: string): Effect | undefined {
    const value = scalarValue(entry.value);
    const match = EFFECTS.find((e) => e === value);
    if (match === undefined) this.wrongType(entry.at, `${subject}: effect`, `${EFFECTS.join(" or ")}`, entry.value);
    return match;
  }

  private glob(entry: Entry, subject: string): string | undefined {
    const value = scalarValue(entry.value);
    if (typeof value !== "string") {
      this.wrongType(entry.at, `${subject}: ${entry.key}`, "a string (a glob)", entry.value);
      return undefined;
    }
    if (value === "") {
      // Requests with an empty user or command are refused, so this rule could never match.
      this.report(entry.at, `${subject}: ${entry.key} is empty; write "*" to match any ${entry.key}`);
      return undefined;
    }
    return value;
  }

  /** A mapping's entries, without duplicate or unknown keys, both reported. */
  private mapEntries(value: unknown, at: number, subject: string, allowed: readonly string[]): Entry[] | undefined {
    if (!isMap(value)) {
      this.wrongType(at, subject, `a mapping with keys ${allowed.join(", ")}`, value);
      return undefined;
    }
    const seen = new Map<string, number>();
    const entries: Entry[] = [];
    for (const pair of value.items) {
      const keyAt = offsetOf(pair.key) ?? at;
      if (!isScalar(pair.key) || isNull(pair.key)) {
        this.report(keyAt, `${subject}: keys must be names, got ${describe(pair.key)}`);
        continue;
      }
      const key = keyText(pair.key);
      const first = seen.get(key);
      if (first !== undefined) {
        this.report(keyAt, `${subject}: duplicate key "${key}" (first at ${this.place(first)})`);
        continue;
      }
      seen.set(key, keyAt);
      if (!allowed.includes(key)) {
        this.report(keyAt, `${subject}: unknown key "${key}" (expected ${allowed.join(", ")})`);
        continue;
      }
      entries.push({ key, keyAt, value: pair.value, at: offsetOf(pair.value) ?? keyAt });
    }
    return entries;
  }

  private wrongType(at: number, what: string, expected: string, value: unknown): void {
    if (isAlias(value)) {
      this.report(at, `${what} is an alias (*${value.source}); aliases are not supported, write the value out`);
      return;
    }
    const scalar = scalarValue(value);
    const hint = (typeof scalar === "number" || typeof scalar === "boolean") && expected.startsWith("a string") ? " (quote it)" : "";
    this.report(at, `${what} must be ${expected}, got ${describe(value)}${hint}`);
  }
}

