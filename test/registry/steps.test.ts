/**
 * The drivers of sliced work (src/registry/steps.ts): a work's first slice
 * runs in the caller's turn, and after that one slice runs per turn of the
 * event loop, whichever work it is of, oldest first.
 */
import { describe, expect, it } from "vitest";
import { finishSteps, nextTurn, runSteps, type Steps } from "../../src/registry/steps.js";

/** A work of `slices` slices that logs `<name><n>` as slice n runs, and returns `name`. */
function* work(name: string, slices: number, log: string[]): Steps<string> {
  for (let n = 1; n <= slices; n++) {
    log.push(`${name}${n}`);
    if (n < slices) yield;
  }
  return name;
}

describe("runSteps", () => {
  it("finishes work that never yields before it returns", () => {
    const log: string[] = [];
    let result: string | undefined;
    runSteps(work("a", 1, log), (r) => (result = r), (e) => { throw e; });
    expect(result).toBe("a");
    expect(log).toEqual(["a1"]);
  });

  it("runs one slice per turn, whichever work it is of, in turn", async () => {
    const log: string[] = [];
    const a = finishSteps(work("a", 3, log));
    const b = finishSteps(work("b", 2, log));
    expect(log).toEqual(["a1", "b1"]);
    // nextTurn's immediate is queued behind the slice's: it runs after that one slice, in the same turn.
    await nextTurn();
    expect(log).toEqual(["a1", "b1", "a2"]);
    await nextTurn();
    expect(log).toEqual(["a1", "b1", "a2", "b2"]);
    await nextTurn();
    expect(log).toEqual(["a1", "b1", "a2", "b2", "a3"]);
    expect(await Promise.all([a, b])).toEqual(["a", "b"]);
  });

  it("runs the first slice of a work started by another's completion in that turn, and its later ones in turn", async () => {
    const log: string[] = [];
    const second = new Promise<string>((resolve, reject) => runSteps(work("a", 2, log), () => runSteps(work("c", 2, log), resolve, reject), reject));
    const b = finishSteps(work("b", 3, log));
    await nextTurn();
    expect(log).toEqual(["a1", "b1", "a2", "c1"]);
    await nextTurn();
    expect(log).toEqual(["a1", "b1", "a2", "c1", "b2"]);
    expect(await Promise.all([second, b])).toEqual(["c", "b"]);
    expect(log).toEqual(["a1", "b1", "a2", "c1", "b2", "c2", "b3"]);
  });

  it("gives the other works their turns when one's completion throws", async () => {
    const log: string[] = [];
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    const listeners = process.listeners("uncaughtException");
    process.removeAllListeners("uncaughtException");
    process.on("uncaughtException", onUncaught);
    try {
      runSteps(work("a", 2, log), () => { throw new Error("done threw"); }, () => {});
      const b = finishSteps(work("b", 3, log));
      await expect(b).resolves.toBe("b");
      expect(log).toEqual(["a1", "b1", "a2", "b2", "b3"]);
      expect(thrown).toEqual([new Error("done threw")]);
    } finally {
      process.off("uncaughtException", onUncaught);
      for (const listener of listeners) process.on("uncaughtException", listener);
    }
  });

  it("hands a slice's throw to failed, and the work stops", async () => {
    const log: string[] = [];
    function* failing(): Steps<string> {
      log.push("f1");
      yield;
      throw new Error("slice threw");
    }
    await expect(finishSteps(failing())).rejects.toThrow("slice threw");
    expect(log).toEqual(["f1"]);
  });
});
