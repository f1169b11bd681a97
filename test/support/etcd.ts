/**
 * A real etcd (Debian's etcd-server, 3.4) for a test: a single member on
 * free loopback ports with its own data folder, started and stopped by pid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Defer } from "./defer.js";
import { freePort } from "./free-port.js";
import { installed, ETCD } from "./system-packages.js";
import { until } from "./until.js";

export interface EtcdProcess {
  /** For --coordinator. */
  url: string;
  clientUrl: string;
  pid(): number;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<void>;
  /** Again on the same ports and data: what it held is still there. */
  restart(): Promise<void>;
  log(): string;
}


export async function startEtcd(defer: Defer, dir: string): Promise<EtcdProcess> {
  const binary = installed(ETCD);
  if (!binary) throw new Error("etcd is not installed (apt-get install -y etcd-server)");
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const clientUrl = `http://127.0.0.1:${clientPort}`;
  const peerUrl = `http://127.0.0.1:${peerPort}`;
  const args = [
    "--name", "test",
    "--data-dir", join(dir, "etcd"),
    "--listen-client-urls", clientUrl,
    "--advertise-client-urls", clientUrl,
    "--listen-peer-urls", peerUrl,
    "--initial-advertise-peer-urls", peerUrl,
    "--initial-cluster", `test=${peerUrl}`,
  ];
  let child: ChildProcess;
  let log = "";
  const launch = async () => {
    child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    child.stderr!.setEncoding("utf8").on("data", (text: string) => (log = (log + text).slice(-20_000)));
    await until(async () => {
      if (child.exitCode !== null) throw new Error(`etcd exited (${child.exitCode}) while starting:\n${log}`);
      const health = await fetch(`${clientUrl}/health`).then((r) => r.json() as Promise<{ health?: string }>, () => undefined);
      return health?.health === "true";
    }, "etcd healthy", 15_000, 50);
  };
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  await launch();
  defer(kill);
  return { url: `etcd://127.0.0.1:${clientPort}`, clientUrl, pid: () => child.pid!, kill, restart: launch, log: () => log };
}
