/** LevelDB's failures as cairn's errors: each names the store it is about. */
import { CairnError, Code } from "../errors.js";

/** LevelDB's own words for a failure (abstract-level wraps them in a cause). */
export function levelCause(error: unknown): string {
  return ((error as { cause?: Error }).cause?.message ?? (error as Error)?.message ?? String(error)).trim();
}

/** A store LevelDB cannot open: held by another process (FAILED_PRECONDITION), or damaged (DATA_LOSS). */
export function cannotOpen(path: string, error: unknown): CairnError {
  const cause = levelCause(error);
  if (/\block\b/i.test(cause) && /unavailable|resource|held|busy/i.test(cause)) {
    return new CairnError(
      Code.FAILED_PRECONDITION,
      `the store in ${path} is in use by another process (LevelDB's LOCK is held): stop that one first, or give this one another folder`,
    );
  }
  return new CairnError(Code.DATA_LOSS, `the store in ${path} is damaged: LevelDB cannot open it (${cause})`);
}

/** A failure reading the store's files: DATA_LOSS, naming the store. A CairnError passes as it is. */
export function damaged(path: string, error: unknown): CairnError {
  if (error instanceof CairnError) return error;
  return new CairnError(Code.DATA_LOSS, `the store in ${path} is damaged: LevelDB cannot read it (${levelCause(error)})`);
}
