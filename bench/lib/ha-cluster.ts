/**
 * The HA bench's cluster: a primary with --sync-backups K and two backups
 * following it, each knowing the others; with a coordinator, all three on
 * one etcd, the first elected before the others join.
 */
import { startManagerNode, until, type ManagerNode } from "./fleet.js";
import type { Cleanup } from "./cairn-process.js";

export interface ClusterOptions {
  /** etcd://HOST:PORT for --coordinator; the backups then take --sync-backups K too (it is the registry's, under a coordinator). */
  coordinator?: string;
  /** More `cairn manager start` options for all three. */
  args?: readonly string[];
}

export async function cluster(cleanup: Cleanup, k: number, nodeArgs: string[], options: ClusterOptions = {}): Promise<[ManagerNode, ManagerNode, ManagerNode]> {
  const args = [...(options.args ?? []), ...(options.coordinator ? ["--coordinator", options.coordinator] : [])];
  const primary = await startManagerNode(cleanup, { host: "m1", syncBackups: k, nodeArgs, args });
  if (options.coordinator) await until("m1 elected by etcd", async () => (await primary.client.call("GetStatus", {})).role === "MANAGER_ROLE_PRIMARY", 30_000, 20);
  const backupK = options.coordinator ? k : 0;
  const [m2, m3] = await Promise.all(
    ["m2", "m3"].map((host) => startManagerNode(cleanup, { host, join: primary.address, syncBackups: backupK, nodeArgs, args })),
  );
  const managers: [ManagerNode, ManagerNode, ManagerNode] = [primary, m2!, m3!];
  await until("both backups following", async () => (await primary.client.call("GetStatus", {})).backups.filter((b) => b.connected).length === 2, 30_000, 50);
  if (options.coordinator && k > 0) {
    await until("the sync record in etcd", async () => ((await primary.client.call("GetStatus", {})).coordinator?.in_sync.length ?? 0) > k, 30_000, 50);
  }
  // Promotion checks reach the other managers through their registry packages.
  await until(
    "every manager knowing the others",
    async () => {
      const known = await Promise.all(managers.map((m) => m.client.call("ListHosts", {})));
      return known.every((reply) => reply.hosts.filter((h) => h.packages.some((p) => p.type === "registry")).length === 3);
    },
    30_000,
    50,
  );
  return managers;
}
