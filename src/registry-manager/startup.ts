/**
 * What a registry manager decides as it starts, from what its --data holds
 * and the flags, and how it refuses to start when its disk lost writes.
 */
import { randomUUID } from "node:crypto";
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { CairnError, Code, failedPrecondition } from "../errors.js";
import type { ManagerRole } from "../registry/model.js";
import { ServerMetrics } from "../metrics/server-metrics.js";
import { checkInsecureListen, serverSecurity, type ServerSecurity } from "../security/server-security.js";
import { DataDirGuard } from "../storage/data-dir.js";
import { HEAD_MARK_FILE, type HeadMark } from "../storage/head-mark.js";
import { bindServer, newServer } from "../wire/server.js";
import type { ManagerAddress } from "./manager-control.js";
import type { ManagerOptions } from "./manager-options.js";
import { primaryToFollow, type ManagerPeers, type PeerPosition } from "./peers.js";
import { RegistryStore } from "./store.js";

/** What a manager runs on, once opened: its security, store and bound server, and the role it starts in. */
export interface Grounds {
  security: ServerSecurity;
  store: RegistryStore;
  server: grpc.Server;
  port: number;
  /** With --http: what its gRPC server counts, for /metrics. */
  metrics: ServerMetrics | undefined;
  plan: { role: ManagerRole; primary: ManagerAddress; bootstrap: boolean };
  /** Releases all of it (a start that failed before the manager took it over). */
  close(): Promise<void>;
  /** Takes back what the start added to --data (DataDirGuard). */
  undo(): void;
}

/**
 * Opens what a manager runs on, in the order that keeps a failed start from
 * touching --data: the certificates checked first (a bad one is one line),
 * the store opened, the port bound, and only then a new registry written
 * (--bootstrap). A failure releases everything and undoes --data.
 */
export async function openGrounds(options: ManagerOptions, clock: Clock, logger: Logger, maxRequestBytes: number): Promise<Grounds> {
  const security = serverSecurity(options.security ?? {}, options.listen, `manager/${options.hostId}`, options.hostId, logger);
  if (options.http && !security.tls) checkInsecureListen("--http", options.http, options.security?.insecure);
  const guard = new DataDirGuard(options.dataDir);
  let store: RegistryStore | undefined;
  let server: grpc.Server | undefined;
  const close = async () => {
    security.close();
    server?.forceShutdown();
    await store?.close();
  };
  try {
    store = await RegistryStore.open(options.dataDir, { logRetention: options.logRetention, clock, logger });
    const plan = await startingRole(store, options, logger);
    const metrics = options.http ? new ServerMetrics() : undefined;
    const interceptors = metrics?.intercepting(security.interceptors) ?? security.interceptors;
    server = newServer({ "grpc.max_receive_message_length": maxRequestBytes, interceptors }, { logger, maxConnections: options.maxConnections });
    const port = await bindServer(server, options.listen, security.transport.serverCredentials());
    await security.transport.ready();
    if (plan.bootstrap) {
      await store.initialize(randomUUID(), 1);
      logger.info({ clusterId: store.position.clusterId }, "bootstrapped a new registry at epoch 1");
    }
    return { security, store, server, port, metrics, plan, close, undo: () => guard.undo() };
  } catch (error) {
    await close();
    guard.undo();
    throw error;
  }
}

/** Kept in the store's meta: the role this manager had, and whom it followed. */
export const ROLE_KEY = "role";
export const PRIMARY_KEY = "primary";

/**
 * The role a manager starts in, from what its --data holds and the flags:
 * a store with a registry resumes its role (and primary) from disk; an
 * empty one joins (--join), or becomes the first of a new registry
 * (--bootstrap, written only once the port is bound).
 */
export async function startingRole(
  store: RegistryStore,
  options: { dataDir: string; bootstrap?: boolean; join?: string },
  logger: Logger,
): Promise<{ role: ManagerRole; primary: ManagerAddress; bootstrap: boolean }> {
  const role = await store.getMeta<ManagerRole>(ROLE_KEY);
  const primary = await store.getMeta<ManagerAddress>(PRIMARY_KEY);
  // No role on disk: the start that made the store stopped before recording one. A joiner (it was given
  // --join) installed its first snapshot and must not come back as a second primary of that registry.
  const unrecorded: ManagerRole = options.join ? "backup" : "primary";
  if (store.initialized) return { role: role ?? unrecorded, primary: primary ?? { host: "", address: options.join ?? "" }, bootstrap: false };
  // An empty store whose head mark names a registry: its files are gone. Joining rebuilds it; nothing else may.
  const lost = store.lostWrites;
  if (lost && !options.join) {
    const { held } = lost;
    throw new CairnError(
      Code.DATA_LOSS,
      `the store in ${options.dataDir} held registry ${held.clusterId} at revision ${held.revision} (epoch ${held.epoch}) when it stopped and now holds nothing (LevelDB's files are gone): ` +
        `start it with --join PRIMARY to rebuild it from the registry's primary, or restore it from a copy`,
    );
  }
  if (options.join) return { role: "backup", primary: { host: "", address: options.join }, bootstrap: false };
  if (role === "backup" && primary) {
    logger.warn("the store holds no registry (a resync was cut short): following the primary again");
    return { role, primary, bootstrap: false };
  }
  if (!options.bootstrap) {
    throw failedPrecondition(`${options.dataDir} holds no registry: start the first manager with --bootstrap, or a backup with --join PRIMARY`);
  }
  return { role: "primary", primary: { host: "", address: "" }, bootstrap: true };
}

/**
 * A primary restarting: the primary it must follow instead, when a peer is
 * at a later epoch or one was heard of meanwhile (it was replaced while
 * away; an empty address when only the epoch is known), or undefined to
 * lead again. Not replaced, and behind what it had acknowledged (its head
 * mark, or a peer at its epoch holding more), it refuses to start: serving
 * now would serve the past.
 */
export function replacedWhileAway(
  store: RegistryStore,
  peers: readonly PeerPosition[],
  heard: { epoch: number; primary: ManagerAddress | undefined } | undefined,
  dataDir: string,
  logger: Logger,
): ManagerAddress | undefined {
  const epoch = store.epoch;
  const lost = store.lostWrites;
  const later = primaryToFollow(peers, epoch) ?? heard?.primary;
  if (later || (heard?.epoch ?? 0) > epoch) {
    if (lost) logger.warn({ held: lost.held, now: lost.now.revision }, "this manager's disk lost writes, but it was replaced meanwhile: it resyncs from the new primary");
    return later ?? { host: "", address: "" };
  }
  const own = store.durablePosition.revision;
  const ahead = peers.filter((p) => p.position.epoch === epoch && p.position.revision > own).sort((a, b) => b.position.revision - a.position.revision);
  if (lost || ahead.length > 0) throw lostWritesError(dataDir, own, lost?.held, ahead);
  return undefined;
}

/**
 * A primary whose disk is behind what it acknowledged (its head mark, or a
 * peer at its epoch holding more): it refuses to start, and says who holds
 * the writes and what to do.
 */
export function lostWritesError(dataDir: string, revision: number, held: HeadMark | undefined, ahead: readonly PeerPosition[]): CairnError {
  const heldText = held ? `it held revision ${held.revision} (epoch ${held.epoch}) when it stopped and now holds ${revision}` : `it holds revision ${revision}`;
  const best = ahead[0];
  const remedy = best
    ? `${best.position.host} at ${best.address} holds revision ${best.position.revision}: promote it (cairn promote-manager ${best.position.host} --manager ${best.address}), then start this manager with an empty --data and --join ${best.address}`
    : `no other manager answers with those writes: restore ${dataDir} from a copy, or, to serve revision ${revision} and lose every acknowledged write after it, move ${dataDir}/${HEAD_MARK_FILE} aside`;
  return new CairnError(Code.DATA_LOSS, `the store in ${dataDir} lost writes it had acknowledged: ${heldText}; ${remedy}`);
}

/** --join on a store that has a registry: the manager joined must serve the same one. */
export async function checkSameRegistry(peers: ManagerPeers, store: RegistryStore, join: string, dataDir: string, log: Logger): Promise<void> {
  const own = store.position.clusterId;
  const [answer] = await peers.positions([join], store.epoch);
  if (!answer) {
    log.warn({ join }, "--join does not answer; resuming the role on disk");
    return;
  }
  if (answer.position.cluster_id && answer.position.cluster_id !== own) {
    throw failedPrecondition(
      `${dataDir} holds registry ${own}, but the manager at ${join} serves registry ${answer.position.cluster_id}: ` +
        `start without --join to resume this one, or with an empty --data to join that one`,
    );
  }
}

/** A new backup's join: `wait` resolves once the primary answers (`answered`), and rejects after the timeout. */
export class JoinAnswer {
  private onAnswer: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly dataDir: string,
  ) {}

  wait(target: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => {
        this.onAnswer = undefined;
        const message = `no registry manager answered at ${target} within ${timeoutMs} ms (--join-timeout); nothing was written to ${this.dataDir}`;
        reject(new CairnError(Code.UNAVAILABLE, message));
      }, timeoutMs);
      this.onAnswer = () => {
        timer.cancel();
        this.onAnswer = undefined;
        resolve();
      };
    });
  }

  answered(): void {
    this.onAnswer?.();
  }

  /** Resolves once `store` belongs to a registry (a joining backup's first snapshot is in); rejects after the timeout. */
  async initialized(store: RegistryStore, timeoutMs: number): Promise<void> {
    const deadline = this.clock.now() + timeoutMs;
    while (!store.initialized) {
      if (this.clock.now() > deadline) throw new CairnError(Code.UNAVAILABLE, `no snapshot of the registry arrived within ${timeoutMs} ms (--join-timeout)`);
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 20));
    }
  }
}

/** A running primary learnt that `who` holds a revision of its epoch beyond its disk (see RegistryManager.sawRevision). */
export function lostWritesSeen(hostId: string, who: string, epoch: number, revision: number, own: number): CairnError {
  return new CairnError(
    Code.DATA_LOSS,
    `${hostId} lost writes it had acknowledged: ${who} holds revision ${revision} of epoch ${epoch}, its disk only ${own}; ` +
      `stop it, promote the backup that holds the most (cairn promote-manager), and start it again with an empty --data and --join`,
  );
}
