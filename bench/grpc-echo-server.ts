/**
 * A bare grpc-js server with one unary method that answers its request's
 * bytes: the manager bench's reference for the unary calls per second this
 * machine's loopback and grpc-js manage, with the same client layout as the
 * writers, before any registry work, on a server made as cairn's are
 * (newServer). Prints `listening on ADDR` like `cairn manager start`; stops
 * on SIGTERM.
 */
import * as grpc from "@grpc/grpc-js";
import { newServer } from "../src/wire/server.js";

/** The method's path; bench/manager-writers.ts calls it. */
const ECHO_METHOD = "/bench.Echo/Echo";

const identity = (b: Buffer) => b;
const service: grpc.ServiceDefinition = {
  Echo: {
    path: ECHO_METHOD,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

const server = newServer();
server.addService(service, {
  Echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, call.request),
});
server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  console.log(`listening on 127.0.0.1:${port}`);
});
process.once("SIGTERM", () => server.tryShutdown(() => process.exit(0)));
