import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { RouteCandidate } from "../router/route.js";
import { fromServiceError, isRetryable } from "../wire/status.js";
import { endpointAccepts } from "./health-checker.js";

/** One try may use at most this much of the caller's deadline, so that the next candidate still has time. */
export const ATTEMPT_TIMEOUT_MS = 1_000;
/** How often suspects are probed. */
export const PROBE_INTERVAL_MS = 250;

/** What the caller needs of a client: that it can be let go (a suspect's channel is replaced by a fresh one). */
export interface ClosableClient {
  close(): void;
}

export interface RoutedCallerOptions<C> {
  type: string;
  /** The current route for `type` from this agent's host, best first. */
  route: () => readonly RouteCandidate[];
  /** A client for `host`'s manager at `endpoint` (which must prove it is that host's); made once per endpoint and reused. */
  connect: (endpoint: string, host: string) => C;
  /** True when the manager at `endpoint` looks reachable again; by default a TCP connect to it. */
  probe?: (endpoint: string) => Promise<boolean>;
  /** Every deadline and probe interval is measured on this clock. */
  clock: Clock;
  logger: Logger;
}

export interface RoutedReply<R> {
  reply: R;
  servedBy: string;
  /** Every host tried, in order; the one that answered last. */
  tried: string[];
}

/** Host ids hold no `@` (registry/names.ts), so a host's keys are exactly those that start with `HOST@`. */
function clientKey(host: string, endpoint: string): string {
  return `${host}@${endpoint}`;
}

interface Suspect {
  endpoint: string;
  since: number;
}

/**
 * Calls the nearest available manager of one type, with failover (SPEC 6).
 *
 * A call goes to the first candidate of the route. A connection-level
 * failure (UNAVAILABLE, or DEADLINE_EXCEEDED before any reply) makes that
 * manager a suspect and the call moves on to the next candidate, within the
 * caller's deadline. Suspects stay out of the way until a probe connects or
 * the registry reports a change for their host; when every candidate is
 * suspect they are tried anyway. Application errors (PERMISSION_DENIED, …)
 * are the manager's answer and are returned as they are.
 */
export class RoutedCaller<C extends ClosableClient> {
  /**
   * A client per host and endpoint, not per endpoint: a client checks the
   * server is that host's manager (`connect`), and an endpoint that another
   * host's manager held before must not pass for this one's.
   */
  private readonly clients = new Map<string, C>();
  private readonly suspects = new Map<string, Suspect>();
  private probeTimer: Timer | undefined;
  private stopped = false;
  private readonly log: Logger;
  private readonly probeEndpoint: (endpoint: string) => Promise<boolean>;

  constructor(private readonly options: RoutedCallerOptions<C>) {
    this.log = options.logger.child({ component: "routed-caller", type: options.type });
    this.probeEndpoint = options.probe ?? ((endpoint) => endpointAccepts(endpoint));
  }

  get suspectHosts(): string[] {
    return [...this.suspects.keys()];
  }

  /**
   * Calls `invoke` on each candidate in turn until one answers. `deadline`
   * is a time on the injected clock; each attempt gets the sooner of it and
   * ATTEMPT_TIMEOUT_MS from the clock's now.
   */
  async call<R>(deadline: number, invoke: (client: C, candidate: RouteCandidate, deadline: number) => Promise<R>): Promise<RoutedReply<R>> {
    const route = this.options.route();
    const trusted = route.filter((c) => !this.suspects.has(c.host));
    const order = [...trusted, ...route.filter((c) => this.suspects.has(c.host))];
    const tried: string[] = [];
    let lastError: unknown;
    for (const candidate of order) {
      const now = this.options.clock.now();
      if (now >= deadline) break;
      tried.push(candidate.host);
      // A suspect's cached channel sits in its reconnect backoff and would fail at once even if the manager is back.
      if (this.suspects.has(candidate.host)) this.dropClient(candidate.host, candidate.endpoint);
      try {
        const reply = await invoke(this.client(candidate), candidate, Math.min(deadline, now + ATTEMPT_TIMEOUT_MS));
        this.clear(candidate.host, "answered");
        return { reply, servedBy: candidate.host, tried };
      } catch (error) {
        // The manager's own answer: its status and message go back to the caller as they are.
        if (!isRetryable(error)) throw fromServiceError(error);
        lastError = error;
        this.suspect(candidate, error);
      }
    }
    if (route.length === 0) throw new CairnError(Code.UNAVAILABLE, `no available manager of type ${this.options.type}`);
    const why = lastError === undefined ? "deadline reached" : fromServiceError(lastError).message;
    throw new CairnError(Code.UNAVAILABLE, `no manager of type ${this.options.type} answered (tried ${tried.join(", ") || "none"}): ${why}`);
  }

  /** The registry changed these hosts: whatever made them suspect may be over. */
  registryChanged(hosts: Iterable<string>): void {
    for (const host of hosts) {
      this.clear(host, "registry change");
      // Its endpoint may have moved: the clients of the old one are of no more use.
      for (const [key, client] of this.clients) {
        if (!key.startsWith(`${host}@`)) continue;
        client.close();
        this.clients.delete(key);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.probeTimer?.cancel();
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private client(candidate: RouteCandidate): C {
    const key = clientKey(candidate.host, candidate.endpoint);
    let client = this.clients.get(key);
    if (!client) {
      client = this.options.connect(candidate.endpoint, candidate.host);
      this.clients.set(key, client);
    }
    return client;
  }

  private suspect(candidate: RouteCandidate, error: unknown): void {
    if (this.suspects.has(candidate.host)) return;
    this.suspects.set(candidate.host, { endpoint: candidate.endpoint, since: this.options.clock.now() });
    this.log.info({ host: candidate.host, endpoint: candidate.endpoint, why: fromServiceError(error).message }, "manager suspect");
    this.scheduleProbe();
  }

  private clear(host: string, why: string): void {
    const suspect = this.suspects.get(host);
    if (!suspect) return;
    this.suspects.delete(host);
    // The old channel may sit in its reconnect backoff; a fresh one connects at once.
    this.dropClient(host, suspect.endpoint);
    this.log.info({ host, why }, "manager trusted again");
  }

  private dropClient(host: string, endpoint: string): void {
    const key = clientKey(host, endpoint);
    this.clients.get(key)?.close();
    this.clients.delete(key);
  }

  private scheduleProbe(): void {
    if (this.probeTimer || this.stopped) return;
    this.probeTimer = this.options.clock.setTimeout(() => void this.probe(), PROBE_INTERVAL_MS);
  }

  private async probe(): Promise<void> {
    this.probeTimer = undefined;
    await Promise.all(
      [...this.suspects].map(async ([host, suspect]) => {
        if (await this.probeEndpoint(suspect.endpoint)) this.clear(host, "probe connected");
      }),
    );
    if (this.suspects.size > 0) this.scheduleProbe();
  }
}
