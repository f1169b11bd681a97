/**
 * A backup's side of replication: it follows its primary's log into the
 * store (durably, acknowledging each batch), and heartbeats to the primary
 * so that its own host and `registry` package stay current (SPEC 7).
 */
import type { Logger } from "pino";
import type { Clock, Timer } from "../clock.js";
import type { HeartbeatRequest } from "../generated/cairn/v1/HeartbeatRequest.js";
import { REGISTRY_TYPE } from "../registry/model.js";
import { WatchFeed } from "../replication/watch-feed.js";
import { packageToWire } from "../wire/convert.js";
import type { ChannelSettings } from "../security/transport.js";
import type { ManagerAddress } from "./manager-control.js";
import type { ManagerPeers } from "./peers.js";
import type { RegistryStore } from "./store.js";

export interface FollowerOptions {
  hostId: string;
  /** This manager's own address: a Progress naming it is not a primary to follow. */
  address: string;
  /** What the heartbeat says of this manager: the port it bound, where it listens, where to register it. */
  port: number;
  listenHost: string;
  domain: string;
  store: RegistryStore;
  peers: ManagerPeers;
  /** The primary as the manager knows it now. */
  primary: () => ManagerAddress;
  /**
   * Someone named another primary: a keep-alive of the primary's feed (`follow`
   * false: the next reconnect goes there), or a heartbeat reply at a later epoch
   * (`follow` true: follow it now).
   */
  onPrimaryNamed: (primary: ManagerAddress, follow: boolean) => void;
  /** A snapshot replaced the store. */
  onInstalled: () => Promise<void>;
  /** The primary answered the watch (its first snapshot chunk, change or progress). */
  onAnswered?: () => void;
  heartbeatIntervalMs: number;
  /** How the watch of the primary is secured: it must prove a manager/* identity. */
  channel?: ChannelSettings;
  clock: Clock;
  random: () => number;
  logger: Logger;
}

export class Follower {
  private readonly feed: WatchFeed;
  private heartbeatTimer: Timer | undefined;
  /** The last heartbeat failure logged, so that one that repeats every beat is logged once. */
  private lastHeartbeatFailure: string | undefined;
  private stopped = false;

  constructor(private readonly options: FollowerOptions) {
    const { store } = options;
    this.feed = new WatchFeed({
      hostId: options.hostId,
      isBackup: true,
      sink: {
        // A backup resumes from what its disk holds, which may run ahead of what its readers see.
        position: () => store.durablePosition,
        seenEpoch: () => store.epoch,
        sawEpoch: (epoch) => {
          if (epoch > store.epoch) options.logger.info({ epoch }, "the primary is at a later epoch");
        },
        install: async (registry, position, digest) => {
          const from = this.feed.status.manager;
          await store.install(registry, position, digest);
          await options.onInstalled();
          this.ack(from, position.revision, position.epoch);
        },
        apply: async (changes) => {
          const from = this.feed.status.manager;
          // A feed that replaced another may be sent the change the old one had just applied.
          const head = store.durablePosition;
          const fresh = changes.filter((c) => !(c.revision === head.revision && head.digest.equals(c.digest)));
          await store.replicate(fresh);
          const last = changes[changes.length - 1]!;
          this.ack(from, last.revision, last.epoch);
        },
      },
      // Only the primary: backups do not catch up from each other, so promote-manager can tell which one is ahead.
      candidates: () => [options.primary().address],
      onProgress: (progress) => {
        // What readers may see here is what the primary has committed; with no write gate there, all of it.
        store.setAutoCommit(progress.sync_backups === 0);
        store.commitThrough(progress.committed_revision);
        const named = progress.primary_address;
        const known = options.primary();
        if (named && named !== options.address && (named !== known.address || !known.host)) {
          options.onPrimaryNamed({ host: progress.primary_host, address: named }, false);
        }
      },
      onTransition: (_from, to) => {
        if (to === "syncing" || to === "live") options.onAnswered?.();
      },
      channel: options.channel,
      clock: options.clock,
      random: options.random,
      logger: options.logger,
    });
  }

  start(): void {
    this.feed.start();
    this.beat();
  }

  stop(): void {
    this.stopped = true;
    this.feed.stop();
    this.heartbeatTimer?.cancel();
  }

  /**
   * Tells the manager that sent the change that this backup has `revision`
   * on disk (for --sync-backups and lag); only that one, and only while
   * following: a change applied as the follow moves on must not count for
   * the next primary, whose history may differ there.
   */
  private ack(from: string | undefined, revision: number, epoch: number): void {
    if (from && !this.stopped) this.options.peers.ack(from, { host: this.options.hostId, epoch, revision });
  }

  /** Logged at its first occurrence: a primary that refuses this backup's heartbeat leaves it unregistered. */
  private heartbeatFailed(error: unknown): void {
    const message = (error as Error).message;
    if (message === this.lastHeartbeatFailure) return;
    this.lastHeartbeatFailure = message;
    this.options.logger.warn({ err: error, primary: this.options.primary().address }, "the primary did not take this backup's heartbeat");
  }

  /** A backup's host lives too, and its registry package says where and what it is. */
  private beat(): void {
    if (this.stopped) return;
    const { store, peers, hostId, port, listenHost, domain } = this.options;
    const primary = this.options.primary().address;
    if (primary) {
      const { revision } = store.durablePosition;
      const epoch = store.epoch;
      const request: HeartbeatRequest = {
        host: hostId,
        epoch,
        revision,
        registry_package: packageToWire({ type: REGISTRY_TYPE, port, priority: 0, state: "enabled", health: "healthy", role: "backup" }),
        address: listenHost,
        domain,
        // A backup's replica is fed by its primary's log.
        watching: this.options.primary().host,
      };
      peers.heartbeat(primary, request).then(
        (reply) => {
          if (this.stopped) return;
          if (this.lastHeartbeatFailure) this.options.logger.info({ primary }, "heartbeats reach the primary again");
          this.lastHeartbeatFailure = undefined;
          if (reply.epoch > store.epoch && reply.primary_address && reply.primary_address !== this.options.primary().address) {
            this.options.onPrimaryNamed({ host: reply.primary_host, address: reply.primary_address }, true);
          }
        },
        (error) => this.heartbeatFailed(error),
      );
    }
    this.heartbeatTimer = this.options.clock.setTimeout(() => this.beat(), this.options.heartbeatIntervalMs);
  }
}
