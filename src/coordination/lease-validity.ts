/**
 * How long a manager can prove, by its own clock, that it still holds its
 * etcd lease. etcd ends a lease TTL after the last keepalive it received,
 * which is after the keepalive was sent: so a keepalive sent at t and
 * answered proves the lease until t + TTL, whenever the answer comes. A
 * primary acknowledges a write only while the lease is proven for a margin
 * more (`provenFor`), so it stops before etcd can have let another manager
 * take over, however late its timers run.
 */
import type { Clock } from "../clock.js";

export class LeaseValidity {
  /** When each keepalive not yet answered was sent, oldest first (answers come in order on the stream). */
  private unanswered: number[] = [];
  private until = 0;

  constructor(private readonly clock: Clock) {}

  /** The lease was granted with `ttlSeconds`, asked for at `askedAt` (clock time). */
  granted(askedAt: number, ttlSeconds: number): void {
    this.prove(askedAt, ttlSeconds);
  }

  /** A keepalive is on its way. */
  sent(): void {
    this.unanswered.push(this.clock.now());
  }

  /** etcd answered the oldest unanswered keepalive with the lease's TTL. */
  answered(ttlSeconds: number): void {
    this.prove(this.unanswered.shift() ?? this.clock.now(), ttlSeconds);
  }

  /** The keepalive stream broke: what it had in flight will not be answered. */
  interrupted(): void {
    this.unanswered = [];
  }

  /** The lease is gone (expired, revoked): nothing is proven any more. */
  lost(): void {
    this.unanswered = [];
    this.until = 0;
  }

  /** Until when (clock time) the lease is proven; 0 when it is not. */
  get validUntil(): number {
    return this.until;
  }

  private prove(sentAt: number, ttlSeconds: number): void {
    if (ttlSeconds > 0) this.until = Math.max(this.until, sentAt + ttlSeconds * 1000);
  }

  /** Whether the lease is proven for `marginMs` more from now. */
  provenFor(marginMs: number): boolean {
    return this.clock.now() + marginMs < this.until;
  }
}
