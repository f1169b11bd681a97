/** The strict exposition reader the metrics tests rely on (test/support/prometheus-text.ts) refuses what a scraper would. */
import { describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue } from "../support/prometheus-text.js";

const GOOD = [
  "# HELP up Whether it is up.",
  "# TYPE up gauge",
  'up{job="a\\"b\\\\c"} 1',
  "# TYPE d histogram",
  'd_bucket{le="0.5"} 1',
  'd_bucket{le="+Inf"} 2',
  "d_sum 0.7",
  "d_count 2",
  "# TYPE x gauge",
  "x Nan",
  "",
].join("\n");

describe("the exposition reader", () => {
  it("reads families, labels with escapes, histograms and Go's NaN spelling", () => {
    const families = parsePrometheusText(GOOD);
    expect([...families.keys()]).toEqual(["up", "d", "x"]);
    expect(families.get("up")!.help).toBe("Whether it is up.");
    expect(sampleValue(families, "up", { job: 'a"b\\c' })).toBe(1);
    expect(sampleValue(families, "d_count")).toBe(2);
    expect(sampleValue(families, "x")).toBeNaN();
  });

  it.each([
    ["a bad value", "# TYPE a gauge\na one\n", /bad value one/],
    ["an unquoted label", "# TYPE a gauge\na{b=c} 1\n", /not quoted/],
    ["a bad escape", '# TYPE a gauge\na{b="\\x"} 1\n', /bad escape/],
    ["a TYPE after samples", "a 1\n# TYPE a gauge\n", /TYPE after samples/],
    ["split samples", "# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na{c=\"d\"} 2\n", /not together/],
    ["a repeated series", "# TYPE a gauge\na 1\na 2\n", /appears twice/],
    ["non-cumulative buckets", '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_count 1\n', /not cumulative/],
    ["no +Inf bucket", '# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n', /\+Inf/],
    ["no final newline", "# TYPE a gauge\na 1", /newline/],
  ])("refuses %s", (_what, text, problem) => {
    expect(() => parsePrometheusText(text)).toThrow(problem);
  });
});
