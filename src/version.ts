/**
 * The cairn release (package.json's `version`), for `cairn version` and the
 * manager's GetStatus. Read from the package file beside src/ and dist/, so
 * it is never a second copy to keep in step.
 */
import { readFileSync } from "node:fs";

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}

export const CAIRN_VERSION: string = readVersion();
