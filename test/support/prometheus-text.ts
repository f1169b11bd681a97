/**
 * A strict reader of the Prometheus text exposition format (0.0.4, what
 * prom-client writes and Prometheus scrapes), for the metrics tests: every
 * line is a HELP, a TYPE, another comment, or a sample, read by the
 * format's grammar; it throws, naming the line, at anything else. Beyond
 * the lines it checks what a scraper relies on: a family's TYPE comes
 * before its samples and once, its samples are together, every sample
 * belongs to a declared family (a histogram's `_bucket`, `_sum`, `_count`),
 * no series repeats, and a histogram's buckets are cumulative and end at
 * `+Inf` equal to its count.
 */

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  /** The sample's own name (`x_bucket` for a bucket of histogram `x`). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** The families of `text`, by name; throws at the first line that breaks the format. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text.length > 0 && !text.endsWith("\n")) throw new Error("the exposition does not end with a newline");
  const families = new Map<string, Family>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current: Family | undefined;
  const declare = (name: string, at: string): Family => {
    let family = families.get(name);
    if (!family) {
      if (finished.has(name)) throw new Error(`${at}: family ${name} appears again after other families`);
      family = { name, type: "untyped", help: "", samples: [] };
      families.set(name, family);
    }
    if (current && current !== family) finished.add(current.name);
    current = family;
    return family;
  };
  text.split("\n").forEach((line, index) => {
    const at = `line ${index + 1} (${JSON.stringify(line.slice(0, 80))})`;
    if (line === "") return;
    if (line.startsWith("#")) {
      const comment = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!comment) return; // another comment: allowed, meaningless
      const [, keyword, name = "", rest = ""] = comment;
      if (!METRIC_NAME.test(name)) throw new Error(`${at}: bad metric name ${name}`);
      const family = declare(name, at);
      if (keyword === "TYPE") {
        if (!TYPES.has(rest)) throw new Error(`${at}: unknown type ${rest}`);
        if (family.samples.length > 0) throw new Error(`${at}: TYPE after samples of ${name}`);
        family.type = rest as MetricType;
      } else {
        family.help = unescape(rest, false, at);
      }
      return;
    }
    const sample = parseSample(line, at);
    const family = familyOf(families, sample.name) ?? declare(sample.name, at);
    if (family !== current) {
      if (finished.has(family.name) || family.samples.length > 0) throw new Error(`${at}: samples of ${family.name} are not together`);
      declare(family.name, at);
    }
    const key = `${sample.name}{${Object.entries(sample.labels).sort().map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
    if (series.has(key)) throw new Error(`${at}: series ${key} appears twice`);
    series.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

/** The declared family a sample name belongs to, by its type's suffixes. */
function familyOf(families: Map<string, Family>, name: string): Family | undefined {
  for (const family of families.values()) {
    if (SUFFIXES[family.type].some((suffix) => name === family.name + suffix)) return family;
  }
  return undefined;
}

/** `name{label="value",…} value [timestamp]`, read character by character (label values may hold anything, escaped). */
function parseSample(line: string, at: string): Sample {
  const brace = line.indexOf("{");
  const space = line.indexOf(" ");
  const nameEnd = brace >= 0 && (space < 0 || brace < space) ? brace : space;
  if (nameEnd <= 0) throw new Error(`${at}: not a sample`);
  const name = line.slice(0, nameEnd);
  if (!METRIC_NAME.test(name)) throw new Error(`${at}: bad metric name ${name}`);
  const labels: Record<string, string> = {};
  let i = nameEnd;
  if (line[i] === "{") {
    i++;
    while (line[i] !== "}") {
      const eq = line.indexOf("=", i);
      if (eq < 0) throw new Error(`${at}: a label without =`);
      const label = line.slice(i, eq);
      if (!LABEL_NAME.test(label)) throw new Error(`${at}: bad label name ${label}`);
      if (label in labels) throw new Error(`${at}: label ${label} twice`);
      if (line[eq + 1] !== '"') throw new Error(`${at}: label ${label}'s value is not quoted`);
      let j = eq + 2;
      let raw = "";
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\") raw += line[j++]!;
        raw += line[j] ?? "";
      }
      if (line[j] !== '"') throw new Error(`${at}: label ${label}'s value is not closed`);
      labels[label] = unescape(raw, true, at);
      i = j + 1;
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new Error(`${at}: expected , or } after label ${label}`);
    }
    i++;
  }
  const rest = line.slice(i);
  const parts = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (!parts) throw new Error(`${at}: expected " VALUE [TIMESTAMP]" after the name and labels`);
  return { name, labels, value: parseValue(parts[1]!, at) };
}

/**
 * A value as the format defines it: what Go's strconv.ParseFloat reads
 * (Prometheus parses it so), which takes NaN and Inf in any case (prom-client
 * writes `Nan`).
 */
function parseValue(text: string, at: string): number {
  if (/^[-+]?inf(?:inity)?$/i.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(text)) throw new Error(`${at}: bad value ${text}`);
  return Number(text);
}

/** HELP escapes `\\` and `\n`; label values also `\"`. */
function unescape(text: string, quoted: boolean, at: string): string {
  return text.replace(/\\(.?)/g, (_, c: string) => {
    if (c === "\\") return "\\";
    if (c === "n") return "\n";
    if (c === '"' && quoted) return '"';
    throw new Error(`${at}: bad escape \\${c}`);
  });
}

function checkHistogram(family: Family): void {
  const byLabels = new Map<string, { buckets: { le: number; value: number }[]; count?: number }>();
  for (const sample of family.samples) {
    const { le, ...others } = sample.labels;
    const key = JSON.stringify(Object.entries(others).sort());
    const entry = byLabels.get(key) ?? { buckets: [] };
    byLabels.set(key, entry);
    if (sample.name === `${family.name}_bucket`) {
      if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
      entry.buckets.push({ le: parseValue(le, family.name), value: sample.value });
    } else if (sample.name === `${family.name}_count`) {
      entry.count = sample.value;
    }
  }
  for (const { buckets, count } of byLabels.values()) {
    for (let k = 1; k < buckets.length; k++) {
      if (!(buckets[k]!.le > buckets[k - 1]!.le) || buckets[k]!.value < buckets[k - 1]!.value) {
        throw new Error(`${family.name}: buckets are not in order, or not cumulative`);
      }
    }
    const last = buckets.at(-1);
    if (!last || last.le !== Infinity || last.value !== count) throw new Error(`${family.name}: no +Inf bucket equal to its _count`);
  }
}

/** The value of `name`'s sample with exactly `labels` among `family`'s (undefined when none). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const family of families.values()) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      const keys = Object.keys(sample.labels);
      if (keys.length === Object.keys(labels).length && keys.every((k) => sample.labels[k] === labels[k])) return sample.value;
    }
  }
  return undefined;
}
