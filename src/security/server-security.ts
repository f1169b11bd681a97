/**
 * A server's security, decided once at its start: mutual TLS from its three
 * files, checked to hold the identity it runs as, and the authorization
 * interceptor on every call; or insecure, which it says in its log, and
 * only on a loopback address unless asked for (`insecure`).
 */
import { isIP } from "node:net";
import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { invalidArgument } from "../errors.js";
import { authorizationInterceptor } from "./authorization.js";
import { checkTlsFiles, type CheckedTls, type TlsFiles } from "./tls-files.js";
import { insecureTransport, tlsTransport, type Transport } from "./transport.js";
import { listenHost } from "../registry/names.js";

export interface SecurityOptions {
  /** mTLS files; without them the server is insecure. */
  tls?: TlsFiles | undefined;
  /** Serve insecure on a non-loopback address anyway. */
  insecure?: boolean | undefined;
}

export interface ServerSecurity {
  transport: Transport;
  /** The server's interceptors: the authorization check when secure, none when not. */
  interceptors: grpc.ServerInterceptor[];
  /** The checked files when secure (an HTTPS endpoint serves the same certificate); undefined when not. */
  tls: CheckedTls | undefined;
  /** Stops watching the certificate files; call it when the server stops. */
  close(): void;
}

/**
 * `identity` is what this process must prove (manager/m1, host/agent-1,
 * service/command-control/agent-1); `host` the host it runs for.
 */
export function serverSecurity(options: SecurityOptions, listen: string, identity: string, host: string, logger: Logger): ServerSecurity {
  if (!options.tls) {
    checkInsecureListen("--listen", listen, options.insecure);
    logger.warn({ listen }, "insecure: no --ca, --cert and --key, so every caller may make every call");
    return { transport: insecureTransport, interceptors: [], tls: undefined, close: () => {} };
  }
  const checked = checkTlsFiles(options.tls, identity);
  logger.info({ identity: checked.identity.text, validTo: checked.validTo.toISOString() }, "mTLS on");
  const transport = tlsTransport(checked);
  const close = transport.watchFiles((problem) => {
    if (problem) logger.error({ problem }, "the replaced certificate files are not usable: new connections will fail until they are fixed");
    else logger.info("certificate files replaced: new connections use them");
  });
  return { transport, interceptors: [authorizationInterceptor(host, logger)], tls: checked, close };
}

/**
 * Without TLS a server listens on loopback only, unless `insecure`: the
 * address `listen` that `flag` gave (`--listen`, `--http`) is refused
 * otherwise, before anything is bound.
 */
export function checkInsecureListen(flag: string, listen: string, insecure: boolean | undefined): void {
  // `:PORT` listens on every interface: no loopback.
  const address = listenHost(listen, "");
  if (!isLoopback(address) && !insecure) {
    throw invalidArgument(`${flag} ${listen} is not a loopback address: give --ca, --cert and --key to serve it with mTLS, or --insecure to serve it without`);
  }
}

function isLoopback(address: string): boolean {
  if (address === "localhost") return true;
  if (isIP(address) === 4) return address.startsWith("127.");
  if (isIP(address) === 6) return address === "::1";
  return false;
}
