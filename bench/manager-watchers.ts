/**
 * A child process of the manager bench (bench/manager.ts): opens N
 * Replication.Watch streams, each on its own gRPC channel with its own
 * subchannel pool (so its own TCP connection), and reports over IPC when
 * every one of its watchers has received a change, with each watcher's
 * receipt time as wall-clock milliseconds (performance.timeOrigin +
 * performance.now(), the same clock the parent stamps its sends with).
 *
 * Messages in:  { type: "open", address, count, request, tls? } | { type: "close" }
 * (with `tls`, every channel is mTLS with those files, the manager checked
 * as a manager/* identity, as an agent's feed checks it)
 * Messages out: { type: "opened" } | { type: "got", revision, times } |
 *               { type: "unexpected", message } | { type: "closed" }
 */
import { performance } from "node:perf_hooks";
import * as grpc from "@grpc/grpc-js";
import type { WatchEvent__Output } from "../src/generated/cairn/v1/WatchEvent.js";
import type { WatchRequest } from "../src/generated/cairn/v1/WatchRequest.js";
import { checkTlsFiles, type TlsFiles } from "../src/security/tls-files.js";
import { insecureTransport, tlsTransport } from "../src/security/transport.js";
import { v1, type ReplicationClient } from "../src/wire/proto-loader.js";

export type ToWatchers =
  | { type: "open"; address: string; count: number; request: WatchRequest; tls?: TlsFiles }
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

interface Open {
  client: ReplicationClient;
  call: grpc.ClientReadableStream<WatchEvent__Output>;
}

const opened: Open[] = [];
/** revision → receipt time per watcher (NaN until received), and how many have it. */
const pending = new Map<number, { times: Float64Array; got: number }>();
let closing = false;

function open(address: string, count: number, request: WatchRequest, tls: TlsFiles | undefined): void {
  const { credentials, options } = (tls ? tlsTransport(checkTlsFiles(tls)) : insecureTransport).channel({ kind: "manager" });
  for (let i = 0; i < count; i++) {
    const client = new v1.Replication(address, credentials, {
      ...options,
      "grpc.max_receive_message_length": -1,
      "grpc.use_local_subchannel_pool": 1,
    });
    const call = client.Watch({ ...request, host: `${request.host}-${process.pid}-${i}` }) as grpc.ClientReadableStream<WatchEvent__Output>;
    call.on("data", (event: WatchEvent__Output) => {
      const at = wallMs();
      if (event.event === "change") {
        const revision = event.change!.revision;
        let entry = pending.get(revision);
        if (!entry) pending.set(revision, (entry = { times: new Float64Array(count).fill(NaN), got: 0 }));
        if (Number.isNaN(entry.times[i]!)) {
          entry.times[i] = at;
          entry.got++;
        }
        if (entry.got === count) {
          pending.delete(revision);
          send({ type: "got", revision, times: Array.from(entry.times) });
        }
      } else if (event.event === "snapshot") {
        send({ type: "unexpected", message: `watcher ${i} got a snapshot chunk: it should have resumed from revision ${request.from_revision}` });
      }
      // progress: a keep-alive, ignored
    });
    call.on("error", (error: grpc.ServiceError) => {
      if (closing && error.code === grpc.status.CANCELLED) return;
      send({ type: "unexpected", message: `watcher ${i}: ${error.code} ${error.details}` });
    });
    call.on("end", () => {
      if (!closing) send({ type: "unexpected", message: `watcher ${i}: the stream ended` });
    });
    opened.push({ client, call });
  }
  send({ type: "opened" });
}

function close(): void {
  closing = true;
  for (const { client, call } of opened) {
    call.cancel();
    client.close();
  }
  opened.length = 0;
  send({ type: "closed" });
  process.disconnect();
}

process.on("message", (message: ToWatchers) => {
  if (message.type === "open") open(message.address, message.count, message.request, message.tls);
  else if (message.type === "close") close();
});
process.on("disconnect", () => {
  if (!closing) process.exit(0);
});
