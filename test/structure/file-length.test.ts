/**
 * No hand-written file in src/ over MAX_LINES lines: past that a file
 * usually holds more than the one concept its name says (STYLE.md, "one
 * concept per file"), and should be split along its seams. src/generated/ is
 * exempt: its size is the generator's, not ours.
 */
import { readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { listFiles, REPO_ROOT } from "./import-graph.js";

const MAX_LINES = 450;
const EXEMPT = "src/generated/";

/** Lines as an editor numbers them: a final newline does not start another. */
function lineCount(text: string): number {
  if (text === "") return 0;
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}

describe("src/ files", () => {
  it(`are at most ${MAX_LINES} lines each (src/generated/ aside)`, () => {
    const tooLong = listFiles(join(REPO_ROOT, "src"))
      .map((file) => relative(REPO_ROOT, file).split(sep).join("/"))
      .filter((file) => !file.startsWith(EXEMPT))
      .map((file) => ({ file, lines: lineCount(readFileSync(join(REPO_ROOT, file), "utf8")) }))
      .filter(({ lines }) => lines > MAX_LINES)
      .sort((a, b) => b.lines - a.lines)
      .map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(tooLong.join("\n"), `files over ${MAX_LINES} lines; split them`).toBe("");
  });

  it("are counted as an editor counts lines", () => {
    expect([lineCount(""), lineCount("a"), lineCount("a\n"), lineCount("a\nb"), lineCount("a\n\n")]).toEqual([
      0, 1, 1, 2, 2,
    ]);
  });
});
