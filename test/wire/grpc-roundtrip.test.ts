import * as grpc from "@grpc/grpc-js";
import { afterEach, describe, expect, it } from "vitest";
import type { AuthorizeCommandReply__Output } from "../../src/generated/cairn/v1/AuthorizeCommandReply.js";
import type { WatchEvent__Output } from "../../src/generated/cairn/v1/WatchEvent.js";
import { DIGEST_BYTES } from "../../src/registry/digest.js";
import { changeFromWire, changeToWire } from "../../src/wire/convert.js";
import {
  type CommandControlHandlers,
  type ReplicationHandlers,
  commandControlService,
  replicationService,
  v1,
} from "../../src/wire/proto-loader.js";
import { newHost } from "../../src/registry/model.js";

/** Cleanups run in reverse order after each test, whatever happened. */
const cleanups: (() => void | Promise<void>)[] = [];
function defer(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function startServer(add: (server: grpc.Server) => void): Promise<string> {
  const server = new grpc.Server();
  add(server);
  defer(() => server.forceShutdown());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    ),
  );
  return `127.0.0.1:${port}`;
}

describe("a real gRPC round trip", () => {
  it("calls CommandControl.Authorize on a grpc-js server", async () => {
    const seen: unknown[] = [];
    const handlers: CommandControlHandlers = {
      Authorize(call, callback) {
        seen.push(call.request);
        const allowed = call.request.user === "alice";
        callback(null, { allowed, reason: allowed ? "rule 1" : "no rule matched", served_by: "cc-1" });
      },
    };
    const address = await startServer((server) => server.addService(commandControlService, handlers));

    const client = new v1.CommandControl(address, grpc.credentials.createInsecure());
    defer(() => client.close());
    const authorize = (user: string) =>
      new Promise<AuthorizeCommandReply__Output>((resolve, reject) =>
        client.Authorize(
          { agent_host: "agent-4", user, command: "reboot" },
          { deadline: Date.now() + 5_000 },
          (err, reply) => (err ? reject(err) : resolve(reply!)),
        ),
      );

    expect(await authorize("alice")).toEqual({ allowed: true, reason: "rule 1", served_by: "cc-1" });
    expect(await authorize("mallory")).toEqual({ allowed: false, reason: "no rule matched", served_by: "cc-1" });
    expect(seen[0]).toEqual({ agent_host: "agent-4", user: "alice", command: "reboot" });
  });

  it("carries a status code back to the caller", async () => {
    const handlers: CommandControlHandlers = {
      Authorize(_call, callback) {
        callback({ code: grpc.status.PERMISSION_DENIED, details: "not you" });
      },
    };
    const address = await startServer((server) => server.addService(commandControlService, handlers));
    const client = new v1.CommandControl(address, grpc.credentials.createInsecure());
    defer(() => client.close());
    const err = await new Promise<grpc.ServiceError>((resolve, reject) =>
      client.Authorize({ user: "u", command: "c" }, (e, reply) => (e ? resolve(e) : reject(new Error(`got ${JSON.stringify(reply)}`)))),
    );
    expect(err.code).toBe(grpc.status.PERMISSION_DENIED);
    expect(err.details).toBe("not you");
  });

  it("streams changes from Replication.Watch", async () => {
    const change = {
      epoch: 1,
      revision: 7,
      digest: Buffer.alloc(DIGEST_BYTES, 3),
      ops: [{ kind: "put-host" as const, host: newHost("agent-1", "/", { status: "up" as const }) }],
      timeUnixMs: 1_700_000_000_000,
      cause: "liveness",
    };
    const handlers: Pick<ReplicationHandlers, "Watch"> = {
      Watch(call) {
        expect(call.request.from_revision).toBe(6);
        call.write({ progress: { epoch: 1, revision: 6 } });
        call.write({ change: changeToWire(change) });
        call.end();
      },
    };
    const address = await startServer((server) => server.addService(replicationService, handlers));
    const client = new v1.Replication(address, grpc.credentials.createInsecure());
    defer(() => client.close());

    const events: WatchEvent__Output[] = [];
    await new Promise<void>((resolve, reject) => {
      const stream = client.Watch({ host: "agent-9", from_revision: 6, epoch: 1 });
      stream.on("data", (event: WatchEvent__Output) => events.push(event));
      stream.on("error", reject);
      stream.on("end", resolve);
    });
    expect(events.map((e) => e.event)).toEqual(["progress", "change"]);
    const back = changeFromWire(events[1]!.change!);
    expect(back).toStrictEqual({ ...change, digest: back.digest });
    expect(Buffer.from(back.digest).equals(change.digest)).toBe(true);
  });
});
