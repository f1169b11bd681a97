/**
 * How a manager makes the Follower of its primary (follower.ts): from what
 * stays the same for the manager's whole run, and the hooks it acts on. A
 * follower is made for each primary followed, its watch channel asked for
 * anew each time, so that replaced certificate files are used (SPEC 11).
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { listenHost } from "../registry/names.js";
import type { ServerSecurity } from "../security/server-security.js";
import { Follower, type FollowerOptions } from "./follower.js";
import type { Settings } from "./manager-options.js";
import type { ManagerPeers } from "./peers.js";
import type { RegistryStore } from "./store.js";

export type { Follower };

/** What every follower of one manager is made of. */
export interface FollowingGrounds {
  options: Settings;
  /** The manager's own address and bound port. */
  address: string;
  port: number;
  store: RegistryStore;
  peers: ManagerPeers;
  security: ServerSecurity;
  clock: Clock;
  random: () => number;
  log: Logger;
}

/** What the manager does when its follower hears of a primary, an answer or a snapshot. */
export type FollowerHooks = Pick<FollowerOptions, "primary" | "onPrimaryNamed" | "onAnswered" | "onInstalled">;

export function newFollower(grounds: FollowingGrounds, hooks: FollowerHooks): Follower {
  const { options, store, peers, clock, random, log } = grounds;
  return new Follower({
    hostId: options.hostId,
    address: grounds.address,
    port: grounds.port,
    listenHost: listenHost(options.listen),
    domain: options.domain ?? "",
    store,
    peers,
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    channel: grounds.security.transport.channel({ kind: "manager" }),
    clock,
    random,
    logger: log,
    ...hooks,
  });
}
