/**
 * A registry manager's calls to the other managers of its registry: where
 * each stands (promotion checks, start-up fencing), a new epoch announced,
 * a backup's acknowledgement and heartbeat to its primary. One channel per
 * peer, every deadline from the injected clock.
 */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { Peers } from "../client/peers.js";
import type { ChannelSettings } from "../security/transport.js";
import type { AckRequest } from "../generated/cairn/v1/AckRequest.js";
import type { HeartbeatReply__Output } from "../generated/cairn/v1/HeartbeatReply.js";
import type { RelayReply__Output } from "../generated/cairn/v1/RelayReply.js";
import type { RelayReport } from "../generated/cairn/v1/RelayReport.js";
import type { HeartbeatRequest } from "../generated/cairn/v1/HeartbeatRequest.js";
import type { Position__Output } from "../generated/cairn/v1/Position.js";
import { endpointOf, packageOf, REGISTRY_TYPE, type Registry } from "../registry/model.js";
import { managerRoleFromWire } from "../wire/convert.js";
import { replicationService, type ReplicationDefinition } from "../wire/proto-loader.js";
import type { ManagerAddress } from "./manager-control.js";

/** How long a peer manager may take to answer (promotion checks, start-up fencing, acks, heartbeats). */
export const PEER_TIMEOUT_MS = 1_000;

export interface PeerPosition {
  address: string;
  position: Position__Output;
}

export class ManagerPeers {
  private readonly peers: Peers<ReplicationDefinition>;

  constructor(
    private readonly self: { hostId: string; address: string },
    clock: Clock,
    private readonly log: Logger,
    /** Every peer must prove a manager/* identity. */
    channel?: ChannelSettings,
  ) {
    this.peers = new Peers({ service: replicationService, clock, timeoutMs: PEER_TIMEOUT_MS, channel });
  }

  /** The other registry managers the registry knows of (the `registry` packages' endpoints of `managers`, its hosts that have one). */
  others(registry: Readonly<Registry>, managers: Iterable<string>): string[] {
    const addresses: string[] = [];
    for (const id of managers) {
      const host = registry.hosts.get(id);
      const pkg = host && packageOf(host, REGISTRY_TYPE);
      if (!pkg || id === this.self.hostId) continue;
      addresses.push(endpointOf(host.address, pkg.port));
    }
    return addresses;
  }

  /**
   * Where each of `addresses` (this manager left out) stands; those that do
   * not answer are left out. Asking says `seenEpoch`: a primary behind it
   * steps down.
   */
  async positions(addresses: readonly string[], seenEpoch: number): Promise<PeerPosition[]> {
    const asked = [...new Set(addresses.filter((a) => a && a !== this.self.address))];
    const answers = await Promise.all(
      asked.map((address) =>
        this.peers.call(address, "GetPosition", { seen_epoch: seenEpoch }).then(
          (position) => ({ address, position }),
          () => undefined,
        ),
      ),
    );
    return answers.filter((a): a is PeerPosition => a !== undefined && a.position.host !== this.self.hostId);
  }

  /** The primary to follow when a peer among `addresses` is at a later epoch than `epoch`. */
  async later(addresses: readonly string[], epoch: number): Promise<ManagerAddress | undefined> {
    return primaryToFollow(await this.positions(addresses, epoch), epoch);
  }

  /**
   * Tells each of `addresses` this manager's epoch and whom it takes for the
   * primary; a primary among them at a lower epoch steps down. Resolves with
   * the epochs the peers that answered are in (one at a higher epoch means
   * this manager is the one behind).
   */
  async announce(addresses: readonly string[], epoch: number, primary: ManagerAddress): Promise<{ address: string; epoch: number }[]> {
    const notice = { epoch, primary_host: primary.host, primary_address: primary.address };
    const asked = [...new Set(addresses.filter((a) => a && a !== this.self.address))];
    const answers = await Promise.all(
      asked.map((address) =>
        this.peers.call(address, "Announce", notice).then(
          (reply) => ({ address, epoch: reply.epoch }),
          (error) => {
            this.log.debug({ peer: address, err: error }, "announcement not delivered");
            return undefined;
          },
        ),
      ),
    );
    return answers.filter((a) => a !== undefined);
  }

  /** A backup tells its primary which revision it holds on disk. */
  ack(primary: string, request: AckRequest): void {
    this.peers.call(primary, "Ack", request).catch((error) => this.log.debug({ err: error }, "ack not delivered"));
  }

  heartbeat(primary: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    return this.peers.call(primary, "Heartbeat", request);
  }

  /** A relaying backup's report of the pulses it took (pulse-relay.ts), answered within `timeoutMs`. */
  relay(primary: string, report: RelayReport, timeoutMs: number): Promise<RelayReply__Output> {
    return this.peers.call(primary, "Relay", report, timeoutMs);
  }

  close(): void {
    this.peers.close();
  }
}

/** The primary to follow when one of `peers` is at a later epoch than `epoch`: that peer, or the primary it names. */
export function primaryToFollow(peers: readonly PeerPosition[], epoch: number): ManagerAddress | undefined {
  const later = peers.filter((p) => p.position.epoch > epoch).sort((a, b) => b.position.epoch - a.position.epoch)[0];
  if (!later) return undefined;
  const named = later.position.primary_address;
  if (managerRoleFromWire(later.position.role) === "primary" || !named) return { host: later.position.host, address: later.address };
  return { host: later.position.primary_host, address: named };
}
