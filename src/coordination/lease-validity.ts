/**
 * How long a manager can prove, by its own clock, that it still holds its
 * etcd lease. etcd ends a lease TTL after the last keepalive it received,
 * which is after the keepalive was sent: so a keepalive sent at t and
 * answered proves the lease until t + TTL, whenever the answer comes. A
 * primary acknowledges a write only while the lease is proven for a margin
 * more (`provenFor`), so it stops before etcd can have let another manager
 * take over, however late its timers run.
 *
 * The time is a monotonic one (`now`): a wall clock stepped back would
 * stretch the proof.
 */
export class LeaseValidity {
  private until = 0;

  constructor(private readonly now: () => number) {}

  /** A grant or keepalive sent at `sentAt` (this.now's time) was answered with `ttlSeconds` left. */
  proved(sentAt: number, ttlSeconds: number): void {
    if (ttlSeconds > 0) this.until = Math.max(this.until, sentAt + ttlSeconds * 1000);
  }

  /** The lease is gone (expired, revoked, given up): nothing is proven any more. */
  lost(): void {
    this.until = 0;
  }

  /** How much longer the lease is proven (0 when it is not). */
  remainingMs(): number {
    return Math.max(0, this.until - this.now());
  }

  /** Whether the lease is proven for `marginMs` more from now. */
  provenFor(marginMs: number): boolean {
    return this.now() + marginMs < this.until;
  }
}
