import * as grpc from "@grpc/grpc-js";
import { CairnError, Code } from "../errors.js";

/**
 * A gRPC server with cairn's options: channelz is off (grpc-js keeps its
 * per-call bookkeeping, timestamps included, for a debug service that cairn
 * does not serve).
 */
export function newServer(options: grpc.ServerOptions = {}): grpc.Server {
  return new grpc.Server({ "grpc.enable_channelz": 0, ...options });
}

/** Binds `server` to `listen` (host:port, port 0 for any free one) and returns the port it got. */
export function bindServer(server: grpc.Server, listen: string, credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(listen, credentials, (error, port) =>
      error ? reject(new CairnError(Code.UNAVAILABLE, `cannot listen on ${listen}: ${error.message}`)) : resolve(port),
    ),
  );
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
