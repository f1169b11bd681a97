import { existsSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

/**
 * What a data folder held before a server opened it, so that a start that
 * fails can take back what it made (SPEC 15: a server that fails to start
 * leaves no new state on disk). Only what is new goes: a folder the start
 * created, or the files it added to one that was there.
 */
export class DataDirGuard {
  private readonly existed: boolean;
  private readonly before: ReadonlySet<string>;

  constructor(private readonly dir: string) {
    this.existed = existsSync(dir);
    this.before = new Set(this.existed ? readdirSync(dir) : []);
  }

  /** True when the folder held no store before (a new one would be made). */
  get fresh(): boolean {
    return !this.before.has("CURRENT");
  }

  /** Removes what the failed start added; a store that was there before stays as it was. */
  undo(): void {
    if (!this.fresh) return;
    if (!this.existed) {
      rmSync(this.dir, { recursive: true, force: true });
      return;
    }
    for (const name of readdirSync(this.dir)) if (!this.before.has(name)) rmSync(join(this.dir, name), { recursive: true, force: true });
  }
}
