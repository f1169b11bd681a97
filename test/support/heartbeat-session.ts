/** A raw Replication.Session stream for tests of the manager's side. */
import * as grpc from "@grpc/grpc-js";
import type { HeartbeatReply__Output } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../../src/generated/cairn/v1/HeartbeatRequest.js";
import { v1 } from "../../src/wire/proto-loader.js";
import type { Defer } from "./defer.js";

/** One Session stream to `address`, its replies and how it ended, as they come. */
export function openSession(defer: Defer, address: string) {
  const client = new v1.Replication(address, grpc.credentials.createInsecure());
  defer(() => client.close());
  const stream = client.Session();
  const replies: HeartbeatReply__Output[] = [];
  let ended: { code: number; details: string } | undefined;
  stream.on("data", (reply: HeartbeatReply__Output) => replies.push(reply));
  stream.on("error", (error: grpc.ServiceError) => (ended = { code: error.code, details: error.details }));
  stream.on("status", (status: grpc.StatusObject) => (ended ??= { code: status.code, details: status.details }));
  defer(() => stream.cancel());
  return {
    send: (message: HeartbeatRequest) => stream.write(message),
    replies,
    ended: () => ended,
  };
}

