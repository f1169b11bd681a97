/**
 * Once per `npm test`: one line for each group of tests skipped because a
 * system package is missing (each test file skips its group by itself), and
 * in CI a missing package fails the run before any test starts.
 */
import { available, CHROMIUM, ETCD, missingLine } from "./support/system-packages.js";

export default function setup(): void {
  for (const pkg of [ETCD, CHROMIUM]) {
    if (!available(pkg)) console.log(missingLine(pkg));
  }
}
