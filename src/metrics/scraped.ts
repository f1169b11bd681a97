/**
 * Metrics whose value is read when scraped (prom-client's `collect`), from
 * state the server keeps anyway: nothing is done between scrapes.
 */
import { Counter, Gauge, type Registry } from "prom-client";

/** A gauge of `value()` at each scrape. */
export function scrapedGauge(registry: Registry, name: string, help: string, value: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(value());
    },
  });
}

/** A counter kept elsewhere as a plain number (`value()`, never decreasing), read at each scrape. */
export function scrapedCounter(registry: Registry, name: string, help: string, value: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(value());
    },
  });
}
