import { describe, expect, it } from "vitest";
import { completeSteps } from "../../src/registry/steps.js";
import { Utf8Chunks } from "../../src/storage/utf8-chunks.js";

describe("a UTF-8 value built a slice at a time", () => {
  it("joins its sealed chunks into the bytes of the whole string, multi-byte characters included", () => {
    const parts = Array.from({ length: 5_000 }, (_, i) => `{"id":"hôte-${i}","note":"✓ ${"x".repeat(i % 2_000)}"}`);
    const value = new Utf8Chunks();
    for (const [i, part] of parts.entries()) {
      value.append(part);
      if (i % 7 === 0) value.seal();
    }
    const steps = value.joining();
    let yields = 0;
    let next = steps.next();
    while (!next.done) {
      yields++;
      next = steps.next();
    }
    expect(yields).toBeGreaterThan(0);
    expect(next.value.equals(Buffer.from(parts.join(""), "utf8"))).toBe(true);
  });

  it("is one chunk as it is when nothing was sealed, and empty when nothing was appended", () => {
    const one = new Utf8Chunks();
    one.append("[");
    one.append("]");
    expect(completeSteps(one.joining()).toString("utf8")).toBe("[]");
    expect(completeSteps(new Utf8Chunks().joining()).length).toBe(0);
  });
});
