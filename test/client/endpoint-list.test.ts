/**
 * EndpointList moves to the next server only when the one tried was never
 * reached: a call that may have reached a server is never sent again.
 */
import * as net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { service as healthService } from "grpc-health-check";
import { describe, expect, it } from "vitest";
import { EndpointList } from "../../src/client/endpoint-list.js";
import { useDefer } from "../support/defer.js";

const defer = useDefer();
const check = healthService.Check!;

/**
 * A health server whose Check either answers SERVING or, once it holds the
 * call, has its connection cut (a TCP proxy in front of it drops both
 * sockets: the client sees UNAVAILABLE "Connection dropped", as on a
 * network failure).
 */
async function healthServer(behaviour: "answer" | "drop", received: string[], name: string): Promise<{ address: string }> {
  const server = new grpc.Server();
  const sockets = new Set<net.Socket>();
  server.addService(healthService, {
    Check: (_call: unknown, callback: grpc.sendUnaryData<{ status: string }>) => {
      received.push(name);
      if (behaviour === "answer") callback(null, { status: "SERVING" });
      else for (const socket of sockets) socket.destroy();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) => (error ? reject(error) : resolve(p))),
  );
  defer(() => server.forceShutdown());
  const proxy = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  defer(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  return { address: `127.0.0.1:${(proxy.address() as net.AddressInfo).port}` };
}

function checkOn(channel: grpc.Client): Promise<{ status: string }> {
  return new Promise((resolve, reject) =>
    channel.makeUnaryRequest(check.path, check.requestSerialize, check.responseDeserialize, { service: "" }, { deadline: Date.now() + 2_000 }, (error, reply) =>
      error ? reject(error) : resolve(reply as { status: string }),
    ),
  );
}

function endpoints(addresses: string[]): EndpointList {
  const list = new EndpointList(addresses, (address) => new grpc.Client(address, grpc.credentials.createInsecure()));
  defer(() => list.close());
  return list;
}

describe("EndpointList", () => {
  it("moves on from an address nothing listens on, and calls go to the one that answered from then on", async () => {
    const received: string[] = [];
    const alive = await healthServer("answer", received, "alive");
    const list = endpoints(["127.0.0.1:1", alive.address]);
    await expect(list.call(checkOn, "health server", () => "refused")).resolves.toEqual({ status: "SERVING" });
    expect(list.current).toBe(alive.address);
    expect(received).toEqual(["alive"]);
  });

  it("does not send a call again when the connection dropped after the server took it", async () => {
    const received: string[] = [];
    const dropping = await healthServer("drop", received, "dropping");
    const alive = await healthServer("answer", received, "alive");
    const list = endpoints([dropping.address, alive.address]);
    await expect(list.call(checkOn, "health server", () => "unreached")).rejects.toMatchObject({ code: grpc.status.UNAVAILABLE });
    expect(received).toEqual(["dropping"]);
  });

  it("names every address when none is reached", async () => {
    const list = endpoints(["127.0.0.1:1", "127.0.0.1:2"]);
    await expect(list.call(checkOn, "health server", (_e, address) => `nothing at ${address.split(":")[1]}`)).rejects.toThrow(
      "no health server answers at 127.0.0.1:1: nothing at 1; nor at 127.0.0.1:2: nothing at 2",
    );
  });
});
