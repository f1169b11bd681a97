/**
 * A child process of the fan-out benches (bench/manager-fan-out.ts): opens N
 * watchers, each on its own gRPC channel with its own subchannel pool (so
 * its own TCP connection), and reports over IPC when every one of its
 * watchers has received a change, with each watcher's receipt time as
 * wall-clock milliseconds (performance.timeOrigin + performance.now(), the
 * same clock the parent stamps its sends with).
 *
 * What a watcher watches (`watch` of the open message; cairn's by default):
 * - `cairn`: a Replication.Watch stream of a manager, resumed from the
 *   request's revision, each change decoded as an agent decodes it;
 * - `etcd`: an etcd3 client (its own connection) watching one key; a put's
 *   mod_revision is the change's revision;
 * - `bare`: the bare grpc-js broadcast of bench/scale-broadcast-server.ts,
 *   one server stream whose messages are not decoded: the revision is the
 *   first 4 bytes. Its first message (revision 0) says it is subscribed.
 *
 * Messages in:  { type: "open", address, count, request, tls?, watch? } | { type: "close" }
 * (with `tls`, every cairn channel is mTLS with those files, the manager
 * checked as a manager/* identity, as an agent's feed checks it)
 * Messages out: { type: "opened" } | { type: "got", revision, times } |
 *               { type: "unexpected", message } | { type: "closed" }
 */
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import { Etcd3 } from "etcd3";
import type { WatchEvent__Output } from "../src/generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../src/generated/cairn/v1/WatchRequest.js";
import { checkTlsFiles, type TlsFiles } from "../src/security/tls-files.js";
import { insecureTransport, tlsTransport } from "../src/security/transport.js";
import { v1 } from "../src/wire/proto-loader.js";

/** What each watcher of a process watches; see the header. */
export type WatchKind = { kind: "cairn" } | { kind: "etcd"; key: string } | { kind: "bare"; method: string };

export type ToWatchers =
  | { type: "open"; address: string; count: number; request: WatchRequest; tls?: TlsFiles; watch?: WatchKind }
  | { type: "close" };

export type FromWatchers =
  | { type: "opened" }
  | { type: "got"; revision: number; times: number[] }
  | { type: "unexpected"; message: string }
  | { type: "closed" };

const wallMs = () => performance.timeOrigin + performance.now();

function send(message: FromWatchers): void {
  process.send!(message);
}

/** Channel options of every watcher: no size limit, and a subchannel pool (so a TCP connection) of its own. */
const OWN_CONNECTION = { "grpc.max_receive_message_length": -1, "grpc.use_local_subchannel_pool": 1 } as const;

/** Watchers connected at once; the next batch waits for these. */
const OPEN_BATCH = 100;
const READY_TIMEOUT_MS = 60_000;

/** How to stop one open watcher. */
type Close = () => void;

const opened: Close[] = [];
/** revision → receipt time per watcher (NaN until received), and how many have it. */
const pending = new Map<number, { times: Float64Array; got: number }>();
let watchers = 0;
let closing = false;

/** Watcher `i` has the change of `revision`. */
function received(i: number, revision: number, at: number): void {
  let entry = pending.get(revision);
  if (!entry) pending.set(revision, (entry = { times: new Float64Array(watchers).fill(NaN), got: 0 }));
  if (!Number.isNaN(entry.times[i]!)) return;
  entry.times[i] = at;
  if (++entry.got === watchers) {
    pending.delete(revision);
    send({ type: "got", revision, times: Array.from(entry.times) });
  }
}

function unexpected(message: string): void {
  if (!closing) send({ type: "unexpected", message });
}

/** Watcher `i` of a manager; ready once its channel is (its stream resumes from the request's revision). */
async function openCairn(address: string, i: number, request: WatchRequest, tls: TlsFiles | undefined): Promise<Close> {
  const { credentials, options } = (tls ? tlsTransport(checkTlsFiles(tls)) : insecureTransport).channel({ kind: "manager" });
  const client = new v1.Replication(address, credentials, { ...options, ...OWN_CONNECTION });
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + READY_TIMEOUT_MS, (error) => (error ? reject(error) : resolve())));
  const call = client.Watch({ ...request, host: `${request.host}-${process.pid}-${i}` }) as grpc.ClientReadableStream<WatchEvent__Output>;
  call.on("data", (event: WatchEvent__Output) => {
    const at = wallMs();
    if (event.event === "change") received(i, event.change!.revision, at);
    else if (event.event === "snapshot") unexpected(`watcher ${i} got a snapshot chunk: it should have resumed from revision ${request.from_revision}`);
    // progress: a keep-alive, ignored
  });
  call.on("error", (error: grpc.ServiceError) => {
    if (!(closing && error.code === grpc.status.CANCELLED)) unexpected(`watcher ${i}: ${error.code} ${error.details}`);
  });
  call.on("end", () => unexpected(`watcher ${i}: the stream ended`));
  return () => {
    call.cancel();
    client.close();
  };
}

/** Watcher `i` of an etcd key: an etcd3 client of its own; ready once etcd confirmed the watch. */
async function openEtcd(address: string, i: number, key: string): Promise<Close> {
  const client = new Etcd3({ hosts: `http://${address}`, grpcOptions: { ...OWN_CONNECTION } });
  const watcher = await client.watch().key(key).create();
  watcher.on("put", (kv) => received(i, Number(kv.mod_revision), wallMs()));
  watcher.on("error", (error: Error) => unexpected(`etcd watcher ${i}: ${error.message}`));
  return () => {
    void watcher.cancel().catch(() => undefined);
    client.close();
  };
}

const identity = (b: Buffer) => b;

/** Subscriber `i` of the bare broadcast; ready once its hello (revision 0) came. */
function openBare(address: string, i: number, method: string): Promise<Close> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), { ...OWN_CONNECTION });
  const call = client.makeServerStreamRequest(method, identity, identity, Buffer.alloc(0));
  return new Promise((resolve) => {
    call.on("data", (message: Buffer) => {
      const at = wallMs();
      const revision = message.readUInt32LE(0);
      if (revision === 0) resolve(() => (call.cancel(), client.close()));
      else received(i, revision, at);
    });
    call.on("error", (error: grpc.ServiceError) => {
      if (!(closing && error.code === grpc.status.CANCELLED)) unexpected(`bare subscriber ${i}: ${error.code} ${error.details}`);
    });
    call.on("end", () => unexpected(`bare subscriber ${i}: the stream ended`));
  });
}

async function open(message: Extract<ToWatchers, { type: "open" }>): Promise<void> {
  const { address, count, request, tls, watch = { kind: "cairn" } } = message;
  watchers = count;
  const each = (i: number): Promise<Close> => {
    switch (watch.kind) {
      case "cairn":
        return openCairn(address, i, request, tls);
      case "etcd":
        return openEtcd(address, i, watch.key);
      case "bare":
        return openBare(address, i, watch.method);
    }
  };
  // In batches, each connected before the next: thousands of handshakes at once from one busy process
  // would outlast a server's handshake timeout.
  for (let at = 0; at < count; at += OPEN_BATCH) {
    opened.push(...(await Promise.all(Array.from({ length: Math.min(OPEN_BATCH, count - at) }, (_, k) => each(at + k)))));
  }
  send({ type: "opened" });
}

function close(): void {
  closing = true;
  for (const stop of opened) stop();
  opened.length = 0;
  send({ type: "closed" });
  process.disconnect();
}

process.on("message", (message: ToWatchers) => {
  if (message.type === "open") {
    open(message).catch((error: Error) => {
      unexpected(`could not open the watchers: ${error.message}`);
      setTimeout(() => process.exit(1), 100);
    });
  }
  else if (message.type === "close") close();
});
process.on("disconnect", () => {
  if (!closing) process.exit(0);
});
