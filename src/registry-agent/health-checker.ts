import { connect } from "node:net";
import type { PackageHealth } from "../registry/model.js";

/** How long a port may take to accept a connection, by default. */
export const CHECK_TIMEOUT_MS = 500;

/** One package's health as a heartbeat reports it. */
export interface PackageHealthReport {
  type: string;
  health: PackageHealth;
}

/** True when something accepts a TCP connection at host:port within the timeout. */
export function portAccepts(host: string, port: number, timeoutMs = CHECK_TIMEOUT_MS): Promise<boolean> {
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

/** `portAccepts` for an endpoint as routes write it: "address:port", or "[v6]:port". */
export function endpointAccepts(endpoint: string, timeoutMs = CHECK_TIMEOUT_MS): Promise<boolean> {
  const cut = endpoint.lastIndexOf(":");
  const address = endpoint.slice(0, cut).replace(/^\[|\]$/g, "");
  return portAccepts(address, Number(endpoint.slice(cut + 1)), timeoutMs);
}
