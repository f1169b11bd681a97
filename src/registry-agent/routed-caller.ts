import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import { CairnError, Code } from "../errors.js";
import type { RoutedCallMetrics, RoutedOutcome } from "../metrics/agent-metrics.js";
import type { Route, RouteCandidate, SkippedPackage } from "../router/route.js";
import { fromServiceError, isRetryable } from "../wire/status.js";

/** One try may use at most this much of the caller's deadline, so that the next candidate still has time. */
export const ATTEMPT_TIMEOUT_MS = 1_000;
/** The n-th consecutive ejection of a manager lasts n times this (gRFC A50's shape)… */
export const EJECTION_BASE_MS = 1_000;
/** …and never more than this. */
export const MAX_EJECTION_MS = 5 * 60_000;
/** How long the probe that may bring an ejected manager back waits for its answer. */
export const PROBE_TIMEOUT_MS = 500;

/** What the caller needs of a client: that it can be let go (an ejected manager's channel is replaced by a fresh one). */
export interface ClosableClient {
  close(): void;
}

export interface RoutedCallerOptions<C> {
  type: string;
  /** The current route for `type` from this agent's host, best first. */
  route: () => readonly RouteCandidate[];
  /** A client for `host`'s manager at `endpoint` (which must prove it is that host's); made once and reused. */
  connect: (endpoint: string, host: string) => C;
  /**
   * True when the manager behind `client` really answers by `deadline` (a
   * grpc.health.v1 check: a bare TCP connect is answered by a stopped
   * process's kernel too).
   */
  probe: (client: C, deadline: number) => Promise<boolean>;
  /** Every deadline, ejection and probe is measured on this clock. */
  clock: Clock;
  /** Told how each call ends and each failover (`--http`'s /metrics); nothing is counted without. */
  metrics?: RoutedCallMetrics | undefined;
  logger: Logger;
}

export interface RoutedReply<R> {
  reply: R;
  servedBy: string;
  /** Every host tried, in order; the one that answered last. */
  tried: string[];
}

/** A manager out of the route for now. */
export interface Ejection {
  host: string;
  endpoint: string;
  /** Clock time its ejection ends (then a probe decides). */
  until: number;
  /** Consecutive ejections, this one included: it lasted EJECTION_BASE_MS times this. */
  count: number;
}

/**
 * Calls the nearest available manager of one type, with failover (SPEC 6)
 * and outlier ejection (SPEC 13).
 *
 * A call goes to the first candidate of the route that is not ejected. A
 * connection-level failure (UNAVAILABLE, or DEADLINE_EXCEEDED before any
 * reply) ejects that manager and the call moves on to the next candidate,
 * within the caller's deadline. The n-th ejection in a row lasts
 * EJECTION_BASE_MS × n; then a health probe decides: an answer brings the
 * manager back, no answer ejects it again, longer. A real answer to a call,
 * or a registry change of its host, brings it back too. So a manager that
 * hangs (SIGSTOP) costs one attempt timeout per ejection, not one per call.
 * When every candidate is ejected they are tried anyway, in route order.
 * Application errors (PERMISSION_DENIED, …) are the manager's answer and
 * are returned as they are.
 */
export class RoutedCaller<C extends ClosableClient> {
  /**
   * A client per host, made for its endpoint and replaced when the route
   * moves it: a client checks the server is that host's manager
   * (`connect`), so an endpoint that another host's manager held before
   * never passes for this one's.
   */
  private readonly clients = new Map<string, { endpoint: string; client: C }>();
  private readonly ejections = new Map<string, Ejection & { timer: Timer | undefined }>();
  /** Consecutive ejections of each host, until it answers a call. */
  private readonly streaks = new Map<string, number>();
  private stopped = false;
  private readonly listeners = new Set<() => void>();
  private readonly log: Logger;

  constructor(private readonly options: RoutedCallerOptions<C>) {
    this.log = options.logger.child({ component: "routed-caller", type: options.type });
  }

  /** The managers ejected now, with their ejection. */
  get ejected(): Ejection[] {
    return [...this.ejections.values()].map(({ host, endpoint, until, count }) => ({ host, endpoint, until, count }));
  }

  /** Calls `listener` whenever a manager is ejected or comes back (a route shown as called changes); returns the unsubscribe. */
  onEjectionsChanged(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * `route` as calls take it: ejected managers leave the candidates and are
   * listed as skipped (`ejected`, with the time left), so that what a person
   * is shown is what calls do.
   */
  asCalled(route: Route): Route {
    const ejected = route.candidates.filter((c) => this.ejections.has(c.host));
    if (ejected.length === 0 || ejected.length === route.candidates.length) return route;
    const now = this.options.clock.now();
    const skipped: SkippedPackage[] = ejected.map((c) => ({
      host: c.host,
      domain: c.domain,
      reason: "ejected",
      ejectedForMs: Math.max(0, this.ejections.get(c.host)!.until - now),
    }));
    return {
      ...route,
      candidates: route.candidates.filter((c) => !this.ejections.has(c.host)),
      ...(route.skipped && { skipped: [...skipped, ...route.skipped] }),
    };
  }

  /**
   * Calls `invoke` on each candidate in turn until one answers. `deadline`
   * is a time on the injected clock; each attempt gets the sooner of it and
   * ATTEMPT_TIMEOUT_MS from the clock's now.
   */
  async call<R>(deadline: number, invoke: (client: C, candidate: RouteCandidate, deadline: number) => Promise<R>): Promise<RoutedReply<R>> {
    const started = this.options.metrics ? performance.now() : 0;
    const route = this.options.route();
    const admitted = route.filter((c) => !this.ejections.has(c.host));
    const order = admitted.length > 0 ? admitted : route;
    const tried: string[] = [];
    let lastError: unknown;
    for (const candidate of order) {
      const now = this.options.clock.now();
      if (now >= deadline) break;
      // Only a retryable failure of the one before goes on to the next.
      if (tried.length > 0) this.options.metrics?.failedOver();
      tried.push(candidate.host);
      try {
        const reply = await invoke(this.client(candidate), candidate, Math.min(deadline, now + ATTEMPT_TIMEOUT_MS));
        this.readmit(candidate.host, "answered a call", false);
        this.streaks.delete(candidate.host);
        this.ended("answered", started);
        return { reply, servedBy: candidate.host, tried };
      } catch (error) {
        // The manager's own answer: its status and message go back to the caller as they are.
        if (!isRetryable(error)) {
          this.ended("refused", started);
          throw fromServiceError(error);
        }
        lastError = error;
        this.eject(candidate, fromServiceError(error).message);
      }
    }
    this.ended("unavailable", started);
    if (route.length === 0) throw new CairnError(Code.UNAVAILABLE, `no available manager of type ${this.options.type}`);
    const why = lastError === undefined ? "deadline reached" : fromServiceError(lastError).message;
    throw new CairnError(Code.UNAVAILABLE, `no manager of type ${this.options.type} answered (tried ${tried.join(", ") || "none"}): ${why}`);
  }

  /**
   * The registry changed these hosts: whatever ejected them may be over. A
   * healthy manager keeps its channel; one whose endpoint moved gets a new
   * client at its next call.
   */
  registryChanged(hosts: Iterable<string>): void {
    for (const host of hosts) this.readmit(host, "registry change");
  }

  stop(): void {
    this.stopped = true;
    this.listeners.clear();
    for (const ejection of this.ejections.values()) ejection.timer?.cancel();
    this.ejections.clear();
    for (const { client } of this.clients.values()) client.close();
    this.clients.clear();
  }

  /**
   * Tells the metrics how a call that began at `started` ended. Timed on the
   * process's monotonic clock, for the metrics only: the injected clock
   * counts whole milliseconds, or a test's fake time.
   */
  private ended(outcome: RoutedOutcome, started: number): void {
    this.options.metrics?.ended(outcome, (performance.now() - started) / 1_000);
  }

  private client(candidate: RouteCandidate): C {
    const held = this.clients.get(candidate.host);
    if (held?.endpoint === candidate.endpoint) return held.client;
    held?.client.close();
    const client = this.options.connect(candidate.endpoint, candidate.host);
    this.clients.set(candidate.host, { endpoint: candidate.endpoint, client });
    return client;
  }

  /** Out of the route for EJECTION_BASE_MS × its consecutive ejections; then a probe decides. */
  private eject(candidate: RouteCandidate, why: string): void {
    const { host, endpoint } = candidate;
    if (this.ejections.has(host) || this.stopped) return;
    const count = (this.streaks.get(host) ?? 0) + 1;
    this.streaks.set(host, count);
    const ms = Math.min(EJECTION_BASE_MS * count, MAX_EJECTION_MS);
    const ejection = { host, endpoint, until: this.options.clock.now() + ms, count, timer: undefined as Timer | undefined };
    ejection.timer = this.options.clock.setTimeout(() => void this.probe(candidate), ms);
    this.ejections.set(host, ejection);
    this.log.info({ manager: host, endpoint, ms, count, why }, "manager ejected");
    this.ejectionsChanged();
  }

  private async probe(candidate: RouteCandidate): Promise<void> {
    const ejection = this.ejections.get(candidate.host);
    if (!ejection || this.stopped) return;
    ejection.timer = undefined;
    // A fresh channel: the old one may sit in its reconnect backoff and fail at once though the manager is back.
    this.dropClient(candidate.host);
    const answered = await this.probeOnce(candidate);
    if (this.ejections.get(candidate.host) !== ejection) return; // brought back meanwhile
    this.ejections.delete(candidate.host);
    if (answered) {
      this.log.info({ manager: candidate.host }, "manager back: its health check answered");
      this.ejectionsChanged();
    } else {
      this.eject(candidate, "its health check did not answer");
    }
  }

  /** True when the probe answered by its deadline; a probe that throws or never settles is a no. */
  private async probeOnce(candidate: RouteCandidate): Promise<boolean> {
    let timer: Timer | undefined;
    const deadline = this.options.clock.now() + PROBE_TIMEOUT_MS;
    const late = new Promise<boolean>((resolve) => (timer = this.options.clock.setTimeout(() => resolve(false), PROBE_TIMEOUT_MS * 2)));
    try {
      return await Promise.race([this.options.probe(this.client(candidate), deadline), late]);
    } catch {
      return false;
    } finally {
      timer?.cancel();
    }
  }

  /** Back in the route; with a fresh channel unless it has just answered on the one it has. */
  private readmit(host: string, why: string, freshChannel = true): void {
    const ejection = this.ejections.get(host);
    if (!ejection) return;
    ejection.timer?.cancel();
    this.ejections.delete(host);
    // The old channel may sit in its reconnect backoff; a fresh one connects at once.
    if (freshChannel) this.dropClient(host);
    this.log.info({ manager: host, why }, "manager back");
    this.ejectionsChanged();
  }

  private ejectionsChanged(): void {
    for (const listener of this.listeners) listener();
  }

  private dropClient(host: string): void {
    this.clients.get(host)?.client.close();
    this.clients.delete(host);
  }
}
