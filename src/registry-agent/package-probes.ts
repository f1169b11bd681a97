/**
 * One check of a package, by its kind (SPEC 13): true when it passed within
 * its timeout. `tcp` only proves that something accepts connections (the
 * kernel of a stopped process does); `grpc`, `http` and `exec` prove that
 * the process answers.
 */
import { execFile } from "node:child_process";
import type { Clock } from "../clock.js";
import * as grpc from "@grpc/grpc-js";
import { DEFAULT_CHECK_PATH, endpointOf, type CheckKind, type PackageCheck } from "../registry/model.js";
import type { ChannelSettings } from "../security/transport.js";
import { healthOf } from "../wire/health.js";
import { portAccepts } from "./health-checker.js";

export interface ProbeTarget {
  /** The package's host address (the registry's) and port. */
  address: string;
  port: number;
  type: string;
  check: PackageCheck;
}

export type Probe = (target: ProbeTarget) => Promise<boolean>;

export interface Probes {
  probe(target: ProbeTarget): Promise<boolean>;
  close(): void;
}

/**
 * The probes of one agent. `grpcChannel(type)` secures a `grpc` check of
 * this host's package of `type` (under mTLS the package must prove
 * service/TYPE/HOST).
 */
export function packageProbes(grpcChannel: (type: string) => ChannelSettings, clock: Clock): Probes {
  const clients = new Map<string, grpc.Client>();
  const byKind: Record<CheckKind, Probe> = {
    tcp: ({ address, port, check }) => portAccepts(address, port, check.timeoutMs),
    grpc: async ({ address, port, type, check }) => {
      const endpoint = endpointOf(address, port);
      const key = `${type}@${endpoint}`;
      let client = clients.get(key);
      if (!client) {
        const { credentials, options } = grpcChannel(type);
        client = new grpc.Client(endpoint, credentials, options);
        clients.set(key, client);
      }
      const status = await healthOf(client, clock.now() + check.timeoutMs, check.service ?? "");
      if (status === "NO_ANSWER") {
        // Its channel may sit in a reconnect backoff once the process is back: the next check gets a fresh one.
        client.close();
        clients.delete(key);
      }
      return status === "SERVING";
    },
    http: async ({ address, port, check }) => {
      const host = address.includes(":") ? `[${address}]` : address;
      try {
        const response = await fetch(`http://${host}:${port}${check.path ?? DEFAULT_CHECK_PATH}`, { signal: AbortSignal.timeout(check.timeoutMs) });
        await response.body?.cancel();
        return response.status >= 200 && response.status < 300;
      } catch {
        return false;
      }
    },
    exec: ({ check }) =>
      new Promise((resolve) => {
        const [file, ...args] = check.command ?? [];
        if (!file) return resolve(false);
        execFile(file, args, { timeout: check.timeoutMs, killSignal: "SIGKILL" }, (error) => resolve(!error));
      }),
  };
  return {
    probe: (target) => byKind[target.check.kind](target).catch(() => false),
    close: () => {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
  };
}
