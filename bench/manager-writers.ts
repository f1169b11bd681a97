/**
 * A child process of the manager bench (bench/manager.ts): runs one loop of
 * Registry mutations per host it is given (SetMaintenance toggles, so every
 * write changes something), all on one HTTP/2 connection, and reports the
 * writes acknowledged inside a window given in wall-clock milliseconds
 * (performance.timeOrigin + performance.now(), the parent's clock too) with
 * their latencies.
 *
 * The client is either grpc-js (`grpc-js`) or a lean gRPC client on Node's
 * http2 (`http2`): the same requests on the wire (the project's protobuf
 * serializers, length-prefixed messages, grpc-status checked in the
 * trailers), at about a third of grpc-js's CPU per call. On a 2-core
 * machine a grpc-js client saturates one core near 5,000 calls/s, so the
 * lean client keeps the client side from capping the manager's figure.
 *
 * With `echo`, the loops call bench/grpc-echo-server.ts instead (the same
 * client layout against a bare grpc-js server: the reference figure).
 *
 * With `tls`, the connection is mTLS with those files (the manager checked
 * as a manager/* identity, as the CLI checks it).
 *
 * Messages in:  { type: "run", address, hosts, windowStart, windowEnd, echo?, tls? }
 * Messages out: { type: "ready" } (once loaded) |
 *               { type: "done", acknowledged, unchanged, counted, latencyMs, cpuSeconds } |
 *               { type: "failed", message }
 */
import { readFileSync } from "node:fs";
import http2 from "node:http2";
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import type { MutationReply__Output } from "../src/generated/cairn/v1/MutationReply.js";
import type { SetMaintenanceRequest } from "../src/generated/cairn/v1/SetMaintenanceRequest.js";
import { identityInSubjectAltName } from "../src/security/identity.js";
import { checkTlsFiles, type TlsFiles } from "../src/security/tls-files.js";
import { tlsTransport } from "../src/security/transport.js";
import { registryService } from "../src/wire/proto-loader.js";
import { TestRegistryClient } from "../test/support/manager.js";

/** bench/grpc-echo-server.ts's method. */
const ECHO_METHOD = "/bench.Echo/Echo";

export interface RunWriters {
  type: "run";
  address: string;
  hosts: string[];
  /** Wall-clock ms: acknowledgements in [windowStart, windowEnd) are counted; the loops stop at windowEnd. */
  windowStart: number;
  windowEnd: number;
  /** Call the bare echo server at `address` instead of the manager (the hosts only count the loops). */
  echo?: boolean;
  client: WriterClient;
  /** mTLS files of an admin identity; insecure without. */
  tls?: TlsFiles;
}

export type WriterClient = "http2" | "grpc-js";

export type FromWriters =
  | { type: "ready" }
  | { type: "done"; acknowledged: number; unchanged: number; counted: number; latencyMs: number[]; cpuSeconds: number }
  | { type: "failed"; message: string };

const wallMs = () => performance.timeOrigin + performance.now();

interface Caller {
  call(id: string, maintenance: boolean): Promise<{ changed: boolean }>;
  close(): void;
}

/** One connection, and the call each loop makes on it. */
function caller(message: RunWriters): Caller {
  const identity = (b: Buffer) => b;
  const echoPayload = Buffer.alloc(48, 1); // about a SetMaintenanceRequest's size
  if (message.client === "http2") {
    const unary = http2Unary(message.address, message.tls);
    if (message.echo) return { call: () => unary.call(ECHO_METHOD, echoPayload).then(() => ({ changed: true })), close: unary.close };
    const method = registryService.SetMaintenance as unknown as MethodDefinition<SetMaintenanceRequest, unknown, unknown, MutationReply__Output>;
    return {
      call: async (id, maintenance) => method.responseDeserialize(await unary.call(method.path, method.requestSerialize({ id, maintenance }))),
      close: unary.close,
    };
  }
  if (!message.echo) {
    const channel = message.tls ? tlsTransport(checkTlsFiles(message.tls)).channel({ kind: "manager" }) : undefined;
    const client = new TestRegistryClient(message.address, channel);
    return { call: (id, maintenance) => client.call("SetMaintenance", { id, maintenance }), close: () => client.close() };
  }
  const client = new grpc.Client(message.address, grpc.credentials.createInsecure());
  return {
    call: () =>
      new Promise((resolve, reject) =>
        client.makeUnaryRequest(ECHO_METHOD, identity, identity, echoPayload, { deadline: Date.now() + 10_000 }, (error) =>
          error ? reject(error) : resolve({ changed: true }),
        ),
      ),
    close: () => client.close(),
  };
}

/**
 * Unary gRPC calls on one HTTP/2 session, the protocol written out: a
 * length-prefixed request message, the reply message, and the call's
 * status from the trailers (or from the headers of a trailers-only reply).
 */
function http2Unary(address: string, tls: TlsFiles | undefined): { call(path: string, request: Buffer): Promise<Buffer>; close(): void } {
  const session = tls ? http2.connect(`https://${address}`, secureSession(tls)) : http2.connect(`http://${address}`);
  session.on("error", () => undefined); // each call reports its own failure
  return {
    call: (path, request) =>
      new Promise((resolve, reject) => {
        const frame = Buffer.allocUnsafe(5 + request.length);
        frame[0] = 0;
        frame.writeUInt32BE(request.length, 1);
        request.copy(frame, 5);
        const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers" });
        const chunks: Buffer[] = [];
        let status: string | undefined;
        let detail = "";
        const take = (headers: http2.IncomingHttpHeaders) => {
          if (headers["grpc-status"] !== undefined) {
            status = String(headers["grpc-status"]);
            detail = decodeURIComponent(String(headers["grpc-message"] ?? ""));
          }
        };
        stream.on("response", take);
        stream.on("trailers", take);
        stream.on("data", (chunk: Buffer) => chunks.push(chunk));
        stream.on("error", reject);
        stream.on("end", () => {
          const body = Buffer.concat(chunks);
          if (status !== "0") reject(new Error(`${path}: grpc-status ${status ?? "missing"} ${detail}`));
          else if (body.length < 5 || body.readUInt32BE(1) !== body.length - 5) reject(new Error(`${path}: a malformed reply`));
          else resolve(body.subarray(5));
        });
        stream.end(frame);
      }),
    close: () => session.close(),
  };
}

/** Node's TLS options for a session to a manager: the CA's, this client's certificate, a manager/* identity checked. */
function secureSession(files: TlsFiles): http2.SecureClientSessionOptions {
  return {
    ca: readFileSync(files.ca),
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    servername: "cairn",
    checkServerIdentity: (_name, certificate) =>
      identityInSubjectAltName(certificate.subjectaltname)?.kind === "manager" ? undefined : new Error("the server is not a manager/* identity"),
  };
}

async function run(message: RunWriters): Promise<FromWriters> {
  const client = caller(message);
  const latencyMs: number[] = [];
  let acknowledged = 0;
  let unchanged = 0;
  let counted = 0;
  let cpu0: NodeJS.CpuUsage | undefined;
  let cpuSeconds: number | undefined;
  const takeCpu = () => {
    const used = process.cpuUsage(cpu0);
    cpuSeconds ??= (used.user + used.system) / 1e6;
  };
  const loop = async (id: string) => {
    let maintenance = true;
    while (wallMs() < message.windowEnd) {
      const t0 = wallMs();
      const reply = await client.call(id, maintenance);
      const t1 = wallMs();
      acknowledged++;
      if (!reply.changed) unchanged++;
      maintenance = !maintenance;
      if (t1 >= message.windowStart && t1 < message.windowEnd) {
        counted++;
        latencyMs.push(t1 - t0);
      }
    }
  };
  const startCpu = setTimeout(() => (cpu0 = process.cpuUsage()), Math.max(0, message.windowStart - wallMs()));
  const endCpu = setTimeout(takeCpu, Math.max(0, message.windowEnd - wallMs()));
  try {
    await Promise.all(message.hosts.map(loop));
  } finally {
    clearTimeout(startCpu);
    clearTimeout(endCpu);
    client.close();
  }
  takeCpu(); // when the loops ended before the timer ran
  return { type: "done", acknowledged, unchanged, counted, latencyMs, cpuSeconds: cpuSeconds ?? 0 };
}

process.on("message", (message: RunWriters) => {
  if (message.type !== "run") return;
  run(message).then(
    (result) => process.send!(result, () => process.disconnect()),
    (error: Error) => process.send!({ type: "failed", message: error.message } satisfies FromWriters, () => process.disconnect()),
  );
});
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready" } satisfies FromWriters);
