import { readFile } from "node:fs/promises";
import { CairnError, Code } from "../errors.js";
import { parseFixture } from "../fixture/parse.js";
import type { Registry } from "../registry/model.js";

export async function readTextFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
    const reason = missing ? "no such file" : (error as Error).message;
    throw new CairnError(missing ? Code.NOT_FOUND : Code.INVALID_ARGUMENT, `cannot read ${path}: ${reason}`);
  }
}

export async function loadFixtureFile(path: string): Promise<Registry> {
  return parseFixture(await readTextFile(path), path);
}
