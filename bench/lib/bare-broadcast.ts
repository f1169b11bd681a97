/**
 * The wire of the bare grpc-js broadcast (bench/scale-broadcast-server.ts):
 * its two methods, with raw Buffers for messages, and the client calls the
 * scale bench makes to it.
 */
import * as grpc from "@grpc/grpc-js";

/** The subscribe method's path: a server stream; its first message is revision 0 (subscribed). */
export const SUBSCRIBE_METHOD = "/bench.Broadcast/Subscribe";
/** The broadcast method's path: request = the message size (uint32 LE); reply = the revision (uint32 LE). */
export const PUBLISH_METHOD = "/bench.Broadcast/Publish";

const identity = (b: Buffer) => b;

function method(path: string, responseStream: boolean): grpc.MethodDefinition<Buffer, Buffer> {
  return {
    path,
    requestStream: false,
    responseStream,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  };
}

export const broadcastService: grpc.ServiceDefinition = {
  Subscribe: method(SUBSCRIBE_METHOD, true),
  Publish: method(PUBLISH_METHOD, false),
};

/** One broadcast of a `size`-byte message; resolves with its revision once the server answered. */
export function publish(client: grpc.Client, size: number): Promise<number> {
  const request = Buffer.alloc(4);
  request.writeUInt32LE(size, 0);
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(PUBLISH_METHOD, identity, identity, request, { deadline: Date.now() + 10_000 }, (error, reply) =>
      error ? reject(error) : resolve(reply!.readUInt32LE(0)),
    ),
  );
}
