import * as grpc from "@grpc/grpc-js";
import * as net from "node:net";
import { CairnError, Code } from "../errors.js";
import { ConnectionGuard, SERVER_CONNECTION_OPTIONS, type ConnectionLimits } from "./connection-guard.js";

/** The guard of each server made by `newServer`, which `bindServer` gives the listeners it binds. */
const guards = new WeakMap<grpc.Server, ConnectionGuard>();

/**
 * A gRPC server with cairn's options: channelz is off (grpc-js keeps its
 * per-call bookkeeping, timestamps included, for a debug service that cairn
 * does not serve); keepalive pings and an idle timeout
 * (`SERVER_CONNECTION_OPTIONS`, which `options` may override); and, once
 * bound by `bindServer`, its connections bounded by `limits`
 * (connection-guard.ts).
 */
export function newServer(options: grpc.ServerOptions = {}, limits: ConnectionLimits = {}): grpc.Server {
  const server = new grpc.Server({ "grpc.enable_channelz": 0, ...SERVER_CONNECTION_OPTIONS, ...options });
  guards.set(server, new ConnectionGuard(limits));
  return server;
}

/** The connection guard of a server made by `newServer`. */
export function connectionGuardOf(server: grpc.Server): ConnectionGuard | undefined {
  return guards.get(server);
}

/**
 * The http2 servers (net.Server) listening for `server`, or undefined when
 * grpc-js no longer has them where 1.14 keeps them: in the private
 * `Server.http2Servers`, a Map keyed by each http2 server, set once its port
 * is bound (server.js, bindOneAddress). The only place cairn reaches into
 * grpc-js; test/wire/connection-guard.test.ts fails if it changes shape.
 */
export function listenersOf(server: grpc.Server): net.Server[] | undefined {
  const http2Servers: unknown = (server as unknown as { http2Servers?: unknown }).http2Servers;
  if (!(http2Servers instanceof Map)) return undefined;
  const listeners = [...http2Servers.keys()];
  return listeners.every((l) => l instanceof net.Server) ? (listeners as net.Server[]) : undefined;
}

/** Binds `server` to `listen` (host:port, port 0 for any free one) and returns the port it got; its guard (if any) watches the new listeners. */
export async function bindServer(server: grpc.Server, listen: string, credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(listen, credentials, (error, port) =>
      error ? reject(new CairnError(Code.UNAVAILABLE, `cannot listen on ${listen}: ${error.message}`)) : resolve(port),
    ),
  );
  const guard = guards.get(server);
  if (guard) {
    const listeners = listenersOf(server);
    if (listeners) for (const listener of listeners) guard.watch(listener);
    else guard.unguarded("this grpc-js keeps its http2 servers elsewhere than Server.http2Servers (src/wire/server.ts, listenersOf)");
  }
  return port;
}

/**
 * Stops `server`: in-flight calls may finish for `graceMs`, then whatever
 * is left (a stream that never ends, a stalled client) is cut.
 */
export async function stopServer(server: grpc.Server, graceMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const drained = new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
  await Promise.race([drained, grace]);
  clearTimeout(timer);
  server.forceShutdown();
}

/** A call's deadline in milliseconds since the epoch, or undefined when the caller set none. */
export function callDeadline(call: { getDeadline(): grpc.Deadline }): number | undefined {
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : Number(deadline);
  return Number.isFinite(ms) ? ms : undefined;
}
