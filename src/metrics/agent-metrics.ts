/**
 * A registry agent's metrics (SPEC 14): its replica's revision, read when
 * scraped, and its routed calls, counted as they end.
 */
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

/** How a routed call ended: a manager answered; it refused (its own error, passed on); or none answered. */
export const ROUTED_OUTCOMES = ["answered", "refused", "unavailable"] as const;
export type RoutedOutcome = (typeof ROUTED_OUTCOMES)[number];

/** Buckets of a routed call's duration, in seconds: sub-millisecond on loopback, an attempt timeout (1 s) per failover. */
export const ROUTED_CALL_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** What the metrics read of an agent, when scraped. */
export interface AgentState {
  replicaRevision(): number;
}

/** What one type's routed caller reports (routed-caller.ts). */
export interface RoutedCallMetrics {
  ended(outcome: RoutedOutcome, seconds: number): void;
  failedOver(): void;
}

export class AgentMetrics {
  private readonly calls: Counter<"type" | "outcome">;
  private readonly failovers: Counter<"type">;
  private readonly durations: Histogram<"type">;

  constructor(registry: Registry, state: AgentState) {
    const registers = [registry];
    new Gauge({
      name: "cairn_agent_replica_revision",
      help: "The revision of the registry this agent's replica holds.",
      registers,
      collect() {
        this.set(state.replicaRevision());
      },
    });
    this.calls = new Counter({
      name: "cairn_agent_routed_calls_total",
      help: "Routed calls by manager type and outcome (answered; refused: the manager's own error; unavailable: no manager answered).",
      labelNames: ["type", "outcome"] as const,
      registers,
    });
    this.failovers = new Counter({
      name: "cairn_agent_failovers_total",
      help: "Times a routed call moved on from a manager that did not answer to the next one of its route.",
      labelNames: ["type"] as const,
      registers,
    });
    this.durations = new Histogram({
      name: "cairn_agent_routed_call_duration_seconds",
      help: "How long routed calls took, failovers included.",
      labelNames: ["type"] as const,
      buckets: ROUTED_CALL_BUCKETS,
      registers,
    });
  }

  /** What the routed caller of `type` reports to, its series made up front (no label object per call). */
  routedCalls(type: string): RoutedCallMetrics {
    const byOutcome = Object.fromEntries(ROUTED_OUTCOMES.map((outcome) => [outcome, this.calls.labels(type, outcome)])) as Record<RoutedOutcome, { inc(): void }>;
    const failover = this.failovers.labels(type);
    const duration = this.durations.labels(type);
    // Shown at 0 from the start: a rate over a series that appears with its first event misses that event.
    for (const outcome of ROUTED_OUTCOMES) this.calls.inc({ type, outcome }, 0);
    this.failovers.inc({ type }, 0);
    return {
      ended(outcome, seconds) {
        byOutcome[outcome].inc();
        duration.observe(seconds);
      },
      failedOver: () => failover.inc(),
    };
  }
}
