/**
 * Globs of the command-control rules: `*` matches any run of characters
 * (including none), `?` exactly one character (a Unicode code point), and
 * everything else only itself: `.`, `+`, `(`, `[`, `\` and the rest are
 * literal. A glob matches the whole string, case-sensitively.
 *
 * A glob is compiled once into a RegExp that runs in time linear in the
 * input for each literal part (O(input × glob)), whatever the glob: the
 * user and command come from callers, so a rule such as `*a*a*a*b` must
 * not let a long command pin the CPU. The naive translation (`.*a.*a.*a.*b`)
 * backtracks through every way to split the input, O(input^stars). Here
 * each middle part is found at its earliest occurrence inside a lookahead,
 * which JavaScript never re-enters once it has matched (an atomic group);
 * earliest is always right, because a later occurrence only leaves less
 * input for the `*` that follows.
 */

/** RegExp syntax characters; with the `u` flag only these may be escaped. */
const REGEXP_SYNTAX = /[\\^$.*+?()[\]{}|/]/g;

/** One character, newlines included (`u`: a code point, not a UTF-16 unit). */
const ANY_CHAR = "[\\s\\S]";

export function compileGlob(glob: string): RegExp {
  // Parts between stars; each part is literals and `?`s, a fixed number of characters.
  const parts = glob.split("*").map(partSource);
  if (parts.length === 1) return new RegExp(`^${parts[0]}$`, "u");
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  let middle = "";
  let group = 0;
  for (const part of parts.slice(1, -1)) {
    if (part === "") continue; // `**` is `*`
    group += 1;
    middle += `(?=(${ANY_CHAR}*?${part}))\\${group}`;
  }
  return new RegExp(`^${first}${middle}${ANY_CHAR}*${last}$`, "u");
}

function partSource(part: string): string {
  return part.replace(REGEXP_SYNTAX, (char) => (char === "?" ? ANY_CHAR : `\\${char}`));
}
