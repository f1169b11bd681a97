/**
 * The Debian packages some test groups need (SPEC: etcd for automatic
 * failover, chromium for the console). Without one, its group is skipped
 * and says so in one line with the apt-get line that brings it; in CI
 * (CI=true) a missing one fails the run instead: CI skips nothing.
 */
import { execFileSync } from "node:child_process";

export interface SystemPackage {
  /** What the tests that need it are about. */
  group: string;
  binary: string;
  apt: string;
}

export const ETCD: SystemPackage = { group: "automatic failover with etcd", binary: "etcd", apt: "etcd-server" };
export const CHROMIUM: SystemPackage = { group: "the web console in a browser", binary: "chromium", apt: "chromium" };

/** The binary's path, or undefined when it is not installed. */
export function installed(pkg: SystemPackage): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${pkg.binary}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function missingLine(pkg: SystemPackage): string {
  return `skipped: the tests of ${pkg.group} (${pkg.binary} is not installed; sudo apt-get install -y ${pkg.apt})`;
}

/** True when the group may run; false when it is to be skipped; throws in CI when the package is missing. */
export function available(pkg: SystemPackage): boolean {
  if (installed(pkg)) return true;
  if (process.env.CI === "true") throw new Error(`${pkg.binary} is not installed, and CI skips no test: apt-get install -y ${pkg.apt}`);
  return false;
}
