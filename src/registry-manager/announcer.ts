import type { Clock, Timer } from "../clock.js";
import type { ManagerAddress } from "./manager-control.js";
import type { ManagerPeers } from "./peers.js";

/** How often a primary tells every manager it knows of its epoch. */
export const ANNOUNCE_INTERVAL_MS = 500;

/**
 * A primary's announcement of its epoch, repeated every
 * ANNOUNCE_INTERVAL_MS to every manager it knows of, for as long as it is
 * primary: a peer that was cut off, paused or down when the reign began
 * hears of it as soon as it can be reached, and a primary at a lower epoch
 * steps down; an answer from a higher epoch makes this one step down. Two
 * primaries that can reach each other so resolve within one interval.
 */
export class Announcer {
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    private readonly peers: ManagerPeers,
    /** The managers to tell, looked up afresh each round (the registry's registry packages). */
    private readonly addresses: () => string[],
    private readonly notice: () => { epoch: number; primary: ManagerAddress },
    /** A peer answered from `epoch`, higher than this manager's. */
    private readonly heardLater: (epoch: number) => void,
    private readonly clock: Clock,
  ) {}

  /** Announces now and every interval after; resolves when the first round is answered (or timed out). */
  start(): Promise<void> {
    this.stopped = false;
    return this.round();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  /** One round to every manager known: who answers from a later epoch is reported. */
  async round(): Promise<void> {
    this.timer?.cancel();
    const { epoch, primary } = this.notice();
    const answers = await this.peers.announce(this.addresses(), epoch, primary);
    const later = Math.max(0, ...answers.map((a) => a.epoch));
    if (later > epoch) this.heardLater(later);
    if (!this.stopped) this.timer = this.clock.setTimeout(() => void this.round(), ANNOUNCE_INTERVAL_MS);
  }
}
