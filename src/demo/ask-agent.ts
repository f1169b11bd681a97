/**
 * Asking one agent of the seed network, again and again, until the manager
 * a row expects answers it, and what the asking showed: who answered, how
 * long the switch took, how many asks failed on the way.
 */
import { performance } from "node:perf_hooks";
import type { AgentClient } from "../client/agent-client.js";

/** What every agent asks to run. The demo's rules allow it. */
export const DEMO_USER = "demo";
export const DEMO_COMMAND = "uptime";
/** Between two questions to an agent that has not switched yet, and between two readiness checks. */
export const POLL_INTERVAL_MS = 25;

/** How one agent's authorizations went after a step. */
export interface AgentOutcome {
  agent: string;
  expected: string;
  /** Who answered the last authorization; undefined when the last one failed. */
  servedBy: string | undefined;
  /** The hosts that last authorization tried, in order. */
  tried: string[];
  allowed: boolean | undefined;
  /**
   * Milliseconds from the end of the step's actions to the first answer of
   * the manager the agent ended with (the start of its last run of answers
   * from that manager).
   */
  switchMs: number | undefined;
  /** Authorizations that failed while waiting (no manager answered). */
  failures: number;
  /** The last failure, when the last authorization failed. */
  error: string | undefined;
  matched: boolean;
}

/**
 * Authorizes through `client` until `expected` answers or `deadline`
 * (Date.now() time) passes; `from` is when the row's actions ended
 * (performance.now() time).
 */
export async function askUntilServed(client: AgentClient, agent: string, expected: string, from: number, deadline: number): Promise<AgentOutcome> {
  const outcome: AgentOutcome = {
    agent, expected, servedBy: undefined, tried: [], allowed: undefined,
    switchMs: undefined, failures: 0, error: undefined, matched: false,
  };
  /** When the current run of answers from `outcome.servedBy` began. */
  let runStartedAt: number | undefined;
  for (;;) {
    try {
      const reply = await client.authorize(DEMO_USER, DEMO_COMMAND);
      const at = performance.now();
      if (runStartedAt === undefined || reply.served_by !== outcome.servedBy) runStartedAt = at;
      Object.assign(outcome, { servedBy: reply.served_by, tried: reply.tried, allowed: reply.allowed, error: undefined });
      outcome.switchMs = Math.max(0, Math.round(runStartedAt - from));
      if (reply.served_by === expected) break;
    } catch (error) {
      outcome.failures++;
      Object.assign(outcome, { servedBy: undefined, tried: [], allowed: undefined, switchMs: undefined, error: messageOf(error) });
      runStartedAt = undefined;
    }
    if (Date.now() >= deadline) break;
    await delay(POLL_INTERVAL_MS);
  }
  outcome.matched = outcome.servedBy === expected;
  return outcome;
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
