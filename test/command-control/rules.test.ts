import fc from "fast-check";
import { problemsOf } from "../support/problems.js";
import { describe, expect, it } from "vitest";

import { compileGlob } from "../../src/command-control/glob.js";
import { NO_MATCH_REASON, Rules, compileRules, defaultRules, describeRule } from "../../src/command-control/rules.js";
import type { RuleSpec } from "../../src/command-control/rules.js";
import { CairnError } from "../../src/errors.js";

/** Lines of a rules file, so that line and column numbers can be read off the test. */
const text = (...lines: string[]) => lines.join("\n") + "\n";

/** The problems compileRules reports for `source`, one `file:line:col: message` each. */
function problems(source: string, fileName = "rules.yaml"): readonly string[] {
  return problemsOf(() => compileRules(source, fileName), "a bad rules file");
}

const matches = (glob: string, input: string) => compileGlob(glob).test(input);

/** A plain recursive glob matcher over code points: the meaning, without the RegExp tricks. */
function referenceMatch(glob: string, input: string): boolean {
  const g = [...glob];
  const s = [...input];
  const memo = new Map<string, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (i === g.length) result = j === s.length;
    else if (g[i] === "*") result = at(i + 1, j) || (j < s.length && at(i, j + 1));
    else result = j < s.length && (g[i] === "?" || g[i] === s[j]) && at(i + 1, j + 1);
    memo.set(key, result);
    return result;
  };
  return at(0, 0);
}

describe("globs", () => {
  it("* matches any run of characters, including none", () => {
    expect(matches("deploy *", "deploy web")).toBe(true);
    expect(matches("deploy *", "deploy ")).toBe(true);
    expect(matches("deploy *", "deploy")).toBe(false);
    expect(matches("*", "")).toBe(true);
    expect(matches("a*b*c", "abc")).toBe(true);
    expect(matches("a*b*c", "a-x-b-y-c")).toBe(true);
    expect(matches("a*b*c", "acb")).toBe(false);
    expect(matches("a**b", "ab")).toBe(true);
    expect(matches("*a*a", "a")).toBe(false);
    expect(matches("*a*a", "aa")).toBe(true);
  });

  it("? matches exactly one character, a code point", () => {
    expect(matches("v?", "v1")).toBe(true);
    expect(matches("v?", "v")).toBe(false);
    expect(matches("v?", "v12")).toBe(false);
    expect(matches("?", "é")).toBe(true);
    expect(matches("?", "😀")).toBe(true);
    expect(matches("*?", "")).toBe(false);
  });

  it("matches the whole string, case-sensitively", () => {
    expect(matches("alice", "alice")).toBe(true);
    expect(matches("alice", "malice")).toBe(false);
    expect(matches("alice", "alice2")).toBe(false);
    expect(matches("alice", "Alice")).toBe(false);
    expect(matches("ops-*", "OPS-1")).toBe(false);
  });

  it("takes every other character literally, regex metacharacters included", () => {
    expect(matches("a.b", "a.b")).toBe(true);
    expect(matches("a.b", "axb")).toBe(false);
    expect(matches("a+", "a+")).toBe(true);
    expect(matches("a+", "aa")).toBe(false);
    expect(matches("f(x)", "f(x)")).toBe(true);
    expect(matches("f(x)", "fx")).toBe(false);
    expect(matches("[ab]", "[ab]")).toBe(true);
    expect(matches("[ab]", "a")).toBe(false);
    expect(matches("^a|b$", "^a|b$")).toBe(true);
    expect(matches("^a|b$", "b")).toBe(false);
    expect(matches("{1,2}\\d/", "{1,2}\\d/")).toBe(true);
    expect(matches("a-b", "a-b")).toBe(true);
    expect(matches("rm -rf *", "rm -rf /tmp/x.(1)")).toBe(true);
  });

  it("matches newlines like any other character", () => {
    expect(matches("echo *", "echo a\nb")).toBe(true);
    expect(matches("a?b", "a\nb")).toBe(true);
  });

  it("agrees with a plain recursive matcher", () => {
    const alphabet = fc.constantFrom("a", "b", ".", "(", "+", "\n", "é", "😀");
    const globChar = fc.oneof(alphabet, fc.constant("*"), fc.constant("?"));
    fc.assert(
      fc.property(fc.array(globChar, { maxLength: 8 }), fc.array(alphabet, { maxLength: 10 }), (glob, input) => {
        expect(matches(glob.join(""), input.join(""))).toBe(referenceMatch(glob.join(""), input.join("")));
      }),
      { numRuns: 2_000 },
    );
  });

  it("stays fast on globs that make a backtracking matcher explode", () => {
    // `.*a.*a.*a.*a.*a.*b` would try every way to split 20,000 characters into six parts.
    expect(matches("*a*a*a*a*a*b", "a".repeat(20_000))).toBe(false);
    expect(matches("*a?a*a?a*a?a*c", "ab".repeat(10_000))).toBe(false);
  });
});

describe("Rules.decide", () => {
  const seed = compileRules(
    text(
      "rules:",
      '  - { effect: allow, user: "alice", command: "deploy *" }',
      '  - { effect: deny,  user: "*",     command: "rm -rf *" }',
      '  - { effect: allow, user: "ops-*", command: "*" }',
    ),
    "rules.yaml",
  );

  it("answers with the first rule that matches, named in the reason", () => {
    expect(seed.decide("alice", "deploy web")).toEqual({ allowed: true, reason: 'rule 1 (allow alice "deploy *")' });
    expect(seed.decide("ops-1", "rm -rf /")).toEqual({ allowed: false, reason: 'rule 2 (deny * "rm -rf *")' });
    expect(seed.decide("ops-1", "reboot")).toEqual({ allowed: true, reason: "rule 3 (allow ops-* *)" });
  });

  it("denies by default", () => {
    expect(seed.decide("alice", "reboot")).toEqual({ allowed: false, reason: NO_MATCH_REASON });
    expect(seed.decide("bob", "deploy web")).toEqual({ allowed: false, reason: "no rule matched: denied by default" });
    expect(compileRules("rules: []\n", "empty.yaml").decide("alice", "ls")).toEqual({ allowed: false, reason: NO_MATCH_REASON });
    expect(compileRules("rules:\n", "null.yaml").decide("alice", "ls").allowed).toBe(false);
  });

  it("lets an earlier rule win over a later one", () => {
    const rules = new Rules([
      { effect: "deny", user: "alice", command: "*" },
      { effect: "allow", user: "alice", command: "*" },
    ]);
    expect(rules.decide("alice", "ls")).toEqual({ allowed: false, reason: "rule 1 (deny alice *)" });
    expect(rules.decide("bob", "ls").allowed).toBe(false);
  });

  it("without a rules file, lets everyone run everything and says why", () => {
    const rules = defaultRules();
    expect(rules.rules).toEqual([{ number: 1, effect: "allow", user: "*", command: "*" }]);
    expect(rules.decide("anyone", "rm -rf /")).toEqual({ allowed: true, reason: "rule 1 (allow * *), the default without --rules" });
  });

  it("quotes globs in reasons only when they need it", () => {
    expect(describeRule({ number: 4, effect: "deny", user: "a b", command: 'say "hi"' })).toBe('rule 4 (deny "a b" "say \\"hi\\"")');
    expect(describeRule({ number: 5, effect: "allow", user: "ops-?", command: "ls" })).toBe("rule 5 (allow ops-? ls)");
  });

  it("with allow * * last, allows everything no earlier deny matches", () => {
    const alphabet = fc.constantFrom("a", "b", " ", ".", "-");
    const word = fc.array(alphabet, { maxLength: 5 }).map((cs) => cs.join(""));
    const glob = fc.array(fc.oneof(alphabet, fc.constant("*"), fc.constant("?")), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(""));
    const rule = fc.record({ effect: fc.constantFrom("allow" as const, "deny" as const), user: glob, command: glob });
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 6 }), word, word, (prefix: RuleSpec[], user, command) => {
        const rules = new Rules([...prefix, { effect: "allow", user: "*", command: "*" }]);
        const hits = (r: RuleSpec) => referenceMatch(r.user, user) && referenceMatch(r.command, command);
        const first = prefix.findIndex(hits);
        const decision = rules.decide(user, command);
        if (!prefix.some((r) => r.effect === "deny" && hits(r))) expect(decision.allowed).toBe(true);
        // And in general: the first matching rule decides, the last one catching the rest.
        expect(decision.allowed).toBe(first < 0 || prefix[first]!.effect === "allow");
        expect(decision.reason).toMatch(new RegExp(`^rule ${first < 0 ? prefix.length + 1 : first + 1} \\(`));
      }),
      { numRuns: 1_000 },
    );
  });
});

describe("compileRules: bad files", () => {
  it("reports an unknown key where it is", () => {
    expect(
      problems(
        text(
          "rules:", //
          "  - effect: allow",
          "    users: alice",
          "    user: bob",
          '    command: "*"',
        ),
      ),
    ).toEqual(['rules.yaml:3:5: rule 1: unknown key "users" (expected effect, user, command)']);
  });

  it("reports each missing field at its rule", () => {
    expect(
      problems(
        text(
          "rules:",
          '  - { effect: allow, user: "*", command: "*" }',
          "  - { effect: deny }",
          '  - { user: "x", command: "y" }',
        ),
      ),
    ).toEqual([
      "rules.yaml:3:5: rule 2 has no user",
      "rules.yaml:3:5: rule 2 has no command",
      "rules.yaml:4:5: rule 3 has no effect",
    ]);
  });

  it("reports a bad effect at its value", () => {
    expect(problems(text("rules:", '  - { effect: permit, user: "*", command: "*" }'))).toEqual([
      'rules.yaml:2:15: rule 1: effect must be allow or deny, got "permit"',
    ]);
  });

  it("reports globs that are not strings or are empty", () => {
    expect(
      problems(
        text(
          "rules:", //
          '  - { effect: allow, user: 42, command: "*" }',
          '  - { effect: allow, user: "", command: [ls] }',
        ),
      ),
    ).toEqual([
      "rules.yaml:2:28: rule 1: user must be a string (a glob), got 42 (quote it)",
      'rules.yaml:3:28: rule 2: user is empty; write "*" to match any user',
      "rules.yaml:3:41: rule 2: command must be a string (a glob), got a list",
    ]);
  });

  it("reports every problem of a file at once, in file order", () => {
    const details = problems(
      text(
        "rule: []", //
        "rules:",
        "  - allow",
        '  - { effect: deny, user: "*", command: "*", why: x }',
        '  - { effect: allow, effect: deny, user: "*", command: "*" }',
      ),
    );
    expect(details).toEqual([
      'rules.yaml:1:1: the file: unknown key "rule" (expected rules)',
      'rules.yaml:3:5: rule 1 must be a mapping with keys effect, user, command, got "allow"',
      'rules.yaml:4:46: rule 2: unknown key "why" (expected effect, user, command)',
      'rules.yaml:5:22: rule 3: duplicate key "effect" (first at 5:7)',
    ]);
  });

  it("reports a file without rules", () => {
    expect(problems("")).toEqual(['rules.yaml:1:1: the file holds no rules (write "rules: []" to deny everything)']);
    expect(problems("# nothing yet\n")).toEqual(['rules.yaml:1:1: the file holds no rules (write "rules: []" to deny everything)']);
    expect(problems("{}\n")).toEqual(['rules.yaml:1:1: the file has no "rules" key (write "rules: []" to deny everything)']);
    expect(problems("rules: allow\n")).toEqual(['rules.yaml:1:8: rules must be a list, got "allow"']);
    expect(problems("- allow\n")).toEqual([
      "rules.yaml:1:1: the file must be a mapping with keys rules, got a list",
    ]);
  });

  it("refuses aliases", () => {
    expect(
      problems(
        text(
          "rules:", //
          '  - { effect: &e allow, user: "*", command: "*" }',
          '  - { effect: *e, user: "*", command: "*" }',
        ),
      ),
    ).toEqual(["rules.yaml:3:15: rule 2: effect is an alias (*e); aliases are not supported, write the value out"]);
  });

  it("reports YAML syntax errors with their place", () => {
    const details = problems(text("rules:", '  - { effect: allow, user: "*"', "  - x"));
    expect(details.length).toBeGreaterThan(0);
    for (const line of details) expect(line).toMatch(/^rules\.yaml:\d+:\d+: YAML syntax error: /);
  });

  it("names the first problem in the message and counts the others", () => {
    try {
      compileRules(text("rules:", "  - { effect: maybe }"), "r.yaml");
      expect.unreachable();
    } catch (error) {
      expect((error as CairnError).message).toBe('r.yaml:2:5: rule 1 has no user (and 2 more problems)');
    }
  });
});
