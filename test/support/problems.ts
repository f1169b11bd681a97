import { expect } from "vitest";
import { CairnError, Code } from "../../src/errors.js";

/**
 * The problems `read` reports, one `file:line:col: message` each: it must
 * throw one INVALID_ARGUMENT whose message leads with the first of them.
 */
export function problemsOf(read: () => unknown, what: string): readonly string[] {
  try {
    read();
  } catch (error) {
    expect(error).toBeInstanceOf(CairnError);
    const e = error as CairnError;
    expect(e.code).toBe(Code.INVALID_ARGUMENT);
    expect(e.message).toContain(e.details[0]);
    return e.details;
  }
  throw new Error(`${what} was accepted`);
}
