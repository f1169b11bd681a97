/**
 * Registry managers as real processes for the high-availability tests: a
 * manager on a temp folder, restarted on its folder and address, a primary
 * with two backups, and a writer that records every acknowledgement.
 */
import type * as grpc from "@grpc/grpc-js";
import { runCli } from "./cli.js";
import type { Defer } from "./defer.js";
import { FAST_LIVENESS, registryClient } from "./fleet.js";
import type { TestRegistryClient } from "./manager.js";
import { startCairn, type CairnProcess } from "./process.js";
import { until } from "./until.js";

export interface Manager {
  host: string;
  data: string;
  process: CairnProcess;
  address: string;
  client: TestRegistryClient;
}

export interface ManagerStart {
  join?: Manager | string;
  syncBackups?: number;
  data?: string;
  listen?: string;
  /** More flags, e.g. `--join-timeout 1s`. */
  flags?: readonly string[];
}

export class Managers {
  constructor(
    private readonly defer: Defer,
    private readonly tempDir: () => string,
  ) {}

  async start(host: string, options: ManagerStart = {}): Promise<Manager> {
    const data = options.data ?? this.tempDir();
    const args = ["manager", "start", "--host", host, "--data", data, "--listen", options.listen ?? "127.0.0.1:0", ...FAST_LIVENESS];
    if (options.join) args.push("--join", typeof options.join === "string" ? options.join : options.join.address);
    else args.push("--bootstrap");
    if (options.syncBackups) args.push("--sync-backups", String(options.syncBackups));
    args.push(...(options.flags ?? []));
    const process = await startCairn(this.defer, args);
    return { host, data, process, address: process.address, client: registryClient(this.defer, process.address) };
  }

  /** The same manager again, from its folder, on its address. */
  restart(manager: Manager, options: Omit<ManagerStart, "data" | "listen" | "join"> = {}): Promise<Manager> {
    return this.start(manager.host, { ...options, data: manager.data, listen: manager.address });
  }

  /** A primary and two backups, both following, each knowing the others. */
  async cluster(syncBackups = 0): Promise<[Manager, Manager, Manager]> {
    const primary = await this.start("m1", { syncBackups });
    const backups = await Promise.all([this.start("m2", { join: primary, syncBackups }), this.start("m3", { join: primary, syncBackups })]);
    const managers: [Manager, Manager, Manager] = [primary, backups[0], backups[1]];
    await until(async () => (await status(primary)).backups.filter((b) => b.connected).length === 2, "both backups following");
    await everyKnowsTheOthers(managers);
    return managers;
  }
}

/** Every manager's registry names every manager (their registry packages), as promotion checks and announcements need. */
export async function everyKnowsTheOthers(managers: readonly Manager[]): Promise<void> {
  await until(async () => {
    const known = await Promise.all(managers.map((m) => m.client.call("ListHosts", {}).catch(() => undefined)));
    return known.every((reply) => reply && reply.hosts.filter((h) => h.packages.some((p) => p.type === "registry")).length === managers.length);
  }, "every manager knowing the others");
}

export const status = (manager: Manager) => manager.client.call("GetStatus", {});

/**
 * The backup with the later position, and the other, once neither moves
 * (two looks 100 ms apart agree): a dead primary's last changes may still
 * be reaching one of them, and promote-manager refuses a backup that
 * another one is ahead of.
 */
export async function mostUpToDate(a: Manager, b: Manager): Promise<[Manager, Manager]> {
  let last = "";
  const ahead = await until(
    async () => {
      const [pa, pb] = await Promise.all([status(a), status(b)]);
      // What each holds on disk, as promote-manager compares them (what readers see may lag it).
      const [ra, rb] = [Number(pa.durable_revision), Number(pb.durable_revision)];
      const now = `${pa.epoch}:${ra} ${pb.epoch}:${rb}`;
      const settled = now === last;
      last = now;
      return settled ? { a: pa.epoch > pb.epoch || (pa.epoch === pb.epoch && ra >= rb) } : undefined;
    },
    "both backups' positions settled",
    10_000,
    100,
  );
  return ahead.a ? [a, b] : [b, a];
}
export const digestOf = async (manager: Manager) => Buffer.from((await status(manager)).digest).toString("hex");
export const roleOf = async (manager: Manager) => (await status(manager).catch(() => undefined))?.role;

export function promote(via: Manager, host: string, ...flags: string[]) {
  return runCli(["promote-manager", host, "--manager", via.address, "--json", ...flags]);
}

export interface Acknowledgement {
  id: string;
  revision: number;
  epoch: number;
  /** performance.now() when the write was sent, and when its answer came. */
  sentAt: number;
  answeredAt: number;
}

/** Writes hosts `prefix-N` one after another through `client` until stopped; records each acknowledgement. */
export function writer(client: TestRegistryClient, prefix: string) {
  const acknowledged: Acknowledgement[] = [];
  const failures: grpc.ServiceError[] = [];
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const sentAt = performance.now();
      try {
        const reply = await client.call("RegisterHost", { id: `${prefix}-${i}`, domain: "/" });
        acknowledged.push({ id: `${prefix}-${i}`, revision: reply.revision, epoch: reply.epoch, sentAt, answeredAt: performance.now() });
      } catch (error) {
        failures.push(error as grpc.ServiceError);
        // A refusal comes back at once: do not spin.
        await new Promise((resolve) => setTimeout(resolve, 2));
        if (failures.length > 20_000) return;
      }
    }
  })();
  return {
    acknowledged,
    failures,
    ids: () => acknowledged.map((a) => a.id),
    stop: async () => {
      running = false;
      await done;
    },
  };
}
