/**
 * The health of this host's packages, as its agent reports it in each
 * heartbeat (SPEC 13): every package checked on its own interval by its own
 * check, and a verdict that turns unhealthy after `fall` failures in a row
 * and healthy after `rise` successes in a row (HAProxy's words), so that
 * one lost probe does not flap a route.
 */
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { checkOf, type HostRecord, type PackageCheck, type PackageHealth } from "../registry/model.js";
import type { PackageHealthReport } from "./health-checker.js";
import type { ProbeTarget } from "./package-probes.js";

interface Runner {
  target: ProbeTarget;
  /** The check as configured, to notice a change. */
  key: string;
  verdict: PackageHealth;
  successes: number;
  failures: number;
  timer: Timer | undefined;
  running: boolean;
}

export interface HealthMonitorOptions {
  /** This host's record as the replica has it now (undefined before it is registered). */
  host: () => HostRecord | undefined;
  probe: (target: ProbeTarget) => Promise<boolean>;
  /** Called when a verdict changes (the heartbeater then beats at once). */
  changed: () => void;
  clock: Clock;
  logger: Logger;
}

export class HealthMonitor {
  private readonly runners = new Map<string, Runner>();
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly options: HealthMonitorOptions) {
    this.log = options.logger.child({ component: "health" });
  }

  /** Starts, stops and reconfigures the runners to match this host's packages now. */
  reconcile(): void {
    if (this.stopped) return;
    const host = this.options.host();
    const packages = host?.packages ?? [];
    for (const [type, runner] of this.runners) {
      if (!packages.some((p) => p.type === type)) {
        runner.timer?.cancel();
        this.runners.delete(type);
      }
    }
    for (const pkg of packages) {
      const check = checkOf(pkg);
      const target: ProbeTarget = { address: host!.address, port: pkg.port, type: pkg.type, check };
      const key = JSON.stringify([target.address, target.port, check]);
      const runner = this.runners.get(pkg.type);
      if (runner?.key === key) continue;
      runner?.timer?.cancel();
      // A new or reconfigured check starts from what the registry says, and its counts from nothing.
      const next: Runner = { target, key, verdict: runner?.verdict ?? pkg.health, successes: 0, failures: 0, timer: undefined, running: false };
      this.runners.set(pkg.type, next);
      this.schedule(next, 0);
    }
  }

  /** The verdicts now, one per package checked at least once or known from the registry. */
  reports(): PackageHealthReport[] {
    return [...this.runners.values()].map((r) => ({ type: r.target.type, health: r.verdict }));
  }

  stop(): void {
    this.stopped = true;
    for (const runner of this.runners.values()) runner.timer?.cancel();
    this.runners.clear();
  }

  private schedule(runner: Runner, delayMs: number): void {
    runner.timer = this.options.clock.setTimeout(() => void this.run(runner), delayMs);
  }

  private async run(runner: Runner): Promise<void> {
    if (this.stopped || this.runners.get(runner.target.type) !== runner || runner.running) return;
    runner.running = true;
    const started = this.options.clock.now();
    const passed = await this.options.probe(runner.target);
    runner.running = false;
    if (this.stopped || this.runners.get(runner.target.type) !== runner) return;
    this.count(runner, passed);
    const { intervalMs } = runner.target.check;
    this.schedule(runner, Math.max(0, started + intervalMs - this.options.clock.now()));
  }

  private count(runner: Runner, passed: boolean): void {
    const check: PackageCheck = runner.target.check;
    if (passed) {
      runner.successes++;
      runner.failures = 0;
    } else {
      runner.failures++;
      runner.successes = 0;
    }
    const next: PackageHealth | undefined =
      runner.verdict === "healthy" && runner.failures >= check.fall ? "unhealthy" : runner.verdict === "unhealthy" && runner.successes >= check.rise ? "healthy" : undefined;
    if (!next) return;
    runner.verdict = next;
    this.log.info({ type: runner.target.type, kind: check.kind, health: next, inARow: passed ? runner.successes : runner.failures }, `package ${next}`);
    this.options.changed();
  }
}
