/**
 * A cairn server's HTTP endpoint (`--http ADDR`): the routes it is given
 * (route.ts), over plain HTTP, or over HTTPS with the server's own
 * certificate when it runs with TLS. With TLS a client certificate is
 * requested, not required: a route that is not `open` needs one of the CA
 * (401 otherwise), an open one (/healthz, for probes) does not. The server
 * answers what no route does (404, 405), and a route that throws with a 500,
 * never a crash. Bound as the gRPC server is: without TLS, on loopback only
 * unless `--insecure`.
 */
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import { CairnError, Code, quote } from "../errors.js";
import { endpointOf } from "../registry/model.js";
import { listenHost } from "../registry/names.js";
import { identityInSubjectAltName, type Identity } from "../security/identity.js";
import { checkInsecureListen, type ServerSecurity } from "../security/server-security.js";
import type { TlsFiles } from "../security/tls-files.js";
import type { HttpRoute } from "./route.js";

export interface HttpServerOptions {
  /** host:port to bind (`--http`); port 0 picks a free one. */
  listen: string;
  routes: readonly HttpRoute[];
  /** The server's own security: HTTPS with its certificate (and its watched files) when it has TLS. */
  security: Pick<ServerSecurity, "tls" | "transport">;
  /** Without TLS, listen beyond loopback anyway (`--insecure`). */
  insecure?: boolean | undefined;
  logger: Logger;
}

export class HttpServer {
  private constructor(
    private readonly server: http.Server,
    /** Where it listens, as a URL: `http://127.0.0.1:8080`, `https://…`. */
    readonly url: string,
    private readonly stopWatching: () => void,
  ) {}

  /** Listens on `options.listen`; INVALID_ARGUMENT for a non-loopback address without TLS, UNAVAILABLE when it cannot bind. */
  static async start(options: HttpServerOptions): Promise<HttpServer> {
    const { listen, security } = options;
    const tls = security.tls;
    if (!tls) checkInsecureListen("--http", listen, options.insecure);
    const log = options.logger.child({ component: "http" });
    // What a route's `url` is resolved against: this server's own URL, once it is bound.
    let origin = "http://localhost";
    const handle = dispatcher(options.routes, tls !== undefined, () => origin, log);
    // Requested, not required (rejectUnauthorized: false): an open route answers a probe without one.
    const server = tls ? https.createServer({ ...secureContextOf(tls.files), requestCert: true, rejectUnauthorized: false }, handle) : http.createServer(handle);
    const stopWatching = tls
      ? security.transport.watchFiles((problem) => {
          // The gRPC server's security logs the replacement (or what is wrong with it) already.
          if (problem) return;
          try {
            (server as https.Server).setSecureContext(secureContextOf(tls.files));
          } catch (error) {
            log.error({ err: error }, "could not load the replaced certificate files for HTTPS");
          }
        })
      : () => {};
    try {
      const port = await listenOn(server, listen);
      const url = `${tls ? "https" : "http"}://${endpointOf(listenHost(listen), port)}`;
      origin = url;
      log.info({ url }, "HTTP endpoint on");
      return new HttpServer(server, url, stopWatching);
    } catch (error) {
      stopWatching();
      throw error;
    }
  }

  /** Stops listening and ends every connection, a kept-alive or streaming one too. */
  close(): Promise<void> {
    this.stopWatching();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    return closed;
  }
}

/** The certificate, key and CA of the server's files, read now. */
function secureContextOf(files: TlsFiles): { ca: Buffer; cert: Buffer; key: Buffer } {
  return { ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

function listenOn(server: http.Server, listen: string): Promise<number> {
  const cut = listen.lastIndexOf(":");
  const host = listenHost(listen, "");
  const port = Number(listen.slice(cut + 1));
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new CairnError(Code.UNAVAILABLE, `cannot listen on --http ${listen}: ${error.message}`));
    server.once("error", failed);
    server.listen({ host: host || undefined, port }, () => {
      server.off("error", failed);
      resolve((server.address() as { port: number }).port);
    });
  });
}

/** What a request comes to before any route runs. */
type Found = { route: HttpRoute } | { status: 404 | 405; reason: string; allow?: string };

/** The route for `method` and `path`: exact paths first, then the longest prefix. HEAD is answered as GET. */
export function findRoute(routes: readonly HttpRoute[], method: string, path: string): Found {
  const matching = routes
    .filter((route) => (route.prefix ? path.startsWith(route.path) : path === route.path))
    .sort((a, b) => Number(a.prefix ?? false) - Number(b.prefix ?? false) || b.path.length - a.path.length);
  if (matching.length === 0) return { status: 404, reason: `no such path: ${path}` };
  const asked = method === "HEAD" ? "GET" : method;
  const route = matching.find((r) => r.method === asked);
  if (route) return { route };
  const allow = [...new Set(matching.map((r) => r.method))].join(", ");
  return { status: 405, reason: `${path} takes ${allow}, not ${method}`, allow };
}

function dispatcher(routes: readonly HttpRoute[], secure: boolean, origin: () => string, log: Logger): http.RequestListener {
  return (request, response) => {
    const target = request.url ?? "";
    // Only origin-form targets (`/path?query`), appended (not resolved: `//x` is a path here, not a host).
    const url = target.startsWith("/") ? urlOf(`${origin()}${target}`) : undefined;
    if (!url) return answer(response, 400, `not a path: ${quote(target)}`);
    const found = findRoute(routes, request.method ?? "GET", url.pathname);
    if (!("route" in found)) {
      if (found.allow) response.setHeader("Allow", found.allow);
      return answer(response, found.status, found.reason);
    }
    const { route } = found;
    const caller = secure ? callerOf(request.socket as TLSSocket) : undefined;
    if (secure && !route.open && !caller) return answer(response, 401, refusal(request.socket as TLSSocket, url.pathname));
    const failed = (error: unknown) => {
      log.error({ err: error, method: request.method, path: url.pathname }, "HTTP route failed");
      if (response.headersSent) response.destroy();
      else answer(response, 500, `internal error: ${firstLine(error)}`);
    };
    try {
      const handled = route.handle(request, response, { caller, secure, url });
      if (handled) handled.catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}

/** `text` as a URL; undefined when it is none (URL.parse is Node 22's). */
function urlOf(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

/** The identity a client certificate of the CA proves; undefined for none, or one the CA did not issue. */
function callerOf(socket: TLSSocket): Identity | undefined {
  if (!socket.authorized) return undefined;
  return identityInSubjectAltName(socket.getPeerCertificate().subjectaltname);
}

function refusal(socket: TLSSocket, path: string): string {
  const presented = socket.getPeerCertificate();
  const why =
    !presented || Object.keys(presented).length === 0
      ? "no client certificate was presented"
      : !socket.authorized
        ? `the client certificate is not one of this server's CA (${String(socket.authorizationError)})`
        : "the client certificate carries no cairn identity";
  return `${path} needs a client certificate of this server's CA (any cairn identity, e.g. viewer/NAME): ${why}`;
}

/** A one-line plain-text answer. */
export function answer(response: http.ServerResponse, status: number, line: string): void {
  response.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" });
  response.end(`${line}\n`);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n", 1)[0]!;
}
