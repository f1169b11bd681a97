import { connect } from "node:net";
import type { PackageHealth } from "../registry/model.js";

/** One package's health as a heartbeat reports it. */
export interface PackageHealthReport {
  type: string;
  health: PackageHealth;
}

/** True when something accepts a TCP connection at host:port within the timeout. */
export function portAccepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}
