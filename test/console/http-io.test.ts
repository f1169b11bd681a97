import { describe, expect, it } from "vitest";
import { queryInt } from "../../src/console/http-io.js";

describe("the console's integer query parameters", () => {
  const ask = (query: string) => queryInt(new URL(`http://x/api/agents?${query}`), "limit", 100, 1, 500);

  it("take plain digits within their range, and the default when absent", () => {
    expect(ask("limit=16")).toBe(16);
    expect(ask("")).toBe(100);
  });

  it.each(["0x10", "1e2", "%2016", "-1", "0", "501", "abc", "1.5"])("refuse %s with the range", (value) => {
    expect(() => ask(`limit=${value}`)).toThrow(/limit must be an integer from 1 to 500/);
  });
});
