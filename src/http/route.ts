/**
 * What an HTTP route of a cairn server (`--http ADDR`) is given and must do.
 * The server (http-server.ts) finds the route, proves the caller's identity
 * from its client certificate when TLS is on, and answers what the route
 * leaves unanswered; routes know nothing of sockets or TLS.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Identity } from "../security/identity.js";

export interface HttpContext {
  /** The identity the client certificate proves; undefined without TLS or without a certificate of the CA. */
  caller: Identity | undefined;
  /** True when the server runs with TLS: then reads need an identity of the CA and writes admin/*. */
  secure: boolean;
  url: URL;
}

export interface HttpRoute {
  method: "GET" | "POST";
  /** An exact path, or a prefix when `prefix` is set (`/assets/`). */
  path: string;
  prefix?: boolean;
  /** Open to any client, even without a certificate when TLS is on (`/healthz`, for probes). */
  open?: boolean;
  handle(request: IncomingMessage, response: ServerResponse, context: HttpContext): void | Promise<void>;
}
