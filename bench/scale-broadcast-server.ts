/**
 * A bare grpc-js broadcast, the scale bench's floor for change fan-out: a
 * server made as cairn's are (newServer) with one server-streaming method
 * that keeps every subscriber's stream open, and one unary method that
 * broadcasts: it answers first, then (on the next turn of the event loop)
 * writes ONE buffer, made once for the change, to every stream. The buffer has the size the request asks for
 * (cairn's change message, measured by the bench) and carries the change's
 * revision in its first 4 bytes, which is all a subscriber reads of it
 * (bench/manager-watchers.ts, `bare`). A new subscriber is sent revision 0
 * at once, so that it knows it is subscribed. Wire: bench/lib/bare-broadcast.ts.
 *
 * Prints `listening on ADDR` like `cairn manager start`; stops on SIGTERM.
 */
import * as grpc from "@grpc/grpc-js";
import { newServer } from "../src/wire/server.js";
import { broadcastService } from "./lib/bare-broadcast.js";

const subscribers = new Set<grpc.ServerWritableStream<Buffer, Buffer>>();
let revision = 0;
const hello = Buffer.alloc(4);
const server = newServer();
server.addService(broadcastService, {
  Subscribe: (call: grpc.ServerWritableStream<Buffer, Buffer>) => {
    subscribers.add(call);
    const gone = () => subscribers.delete(call);
    call.on("cancelled", gone);
    call.on("error", gone);
    call.write(hello);
  },
  Publish: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
    const size = Math.max(4, call.request.length >= 4 ? call.request.readUInt32LE(0) : 4);
    const message = Buffer.alloc(size);
    message.writeUInt32LE(++revision, 0);
    const reply = Buffer.alloc(4);
    reply.writeUInt32LE(revision, 0);
    callback(null, reply);
    // A turn later, as a plain server would: the reply's trailers still leave after this broadcast (cairn waits a
    // turn more, src/replication/watch-server.ts afterReplies), so this peer's acknowledgement waits behind it.
    setImmediate(() => {
      for (const subscriber of subscribers) subscriber.write(message);
    });
  },
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`listening on 127.0.0.1:${port}`);
});
process.once("SIGTERM", () => {
  for (const subscriber of subscribers) subscriber.end();
  server.tryShutdown(() => process.exit(0));
});
