import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach } from "vitest";

/** A fresh temp folder per call, removed after the test that made it. */
export function useTempDirs(): () => string {
  return collect(afterEach);
}

/** The same, removed once after every test of the file (for processes shared by a describe). */
export function useTempDirsAll(): () => string {
  return collect(afterAll);
}

function collect(hook: (fn: () => void) => void): () => string {
  const made: string[] = [];
  hook(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), "cairn-test-"));
    made.push(dir);
    return dir;
  };
}
