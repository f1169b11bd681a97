/**
 * The agent's side of Replication.Session (src/client/heartbeat-sessions.ts)
 * against real grpc-js servers on port 0: whole heartbeats answered in
 * order and pulses sent on the same stream; a manager that never answers
 * is given up at the clock's deadline; one that does not know Session gets
 * Heartbeat calls instead.
 */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { HeartbeatSessions } from "../../src/client/heartbeat-sessions.js";
import { Peers } from "../../src/client/peers.js";
import { systemClock } from "../../src/clock.js";
import { Code } from "../../src/errors.js";
import type { HeartbeatReply } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest__Output } from "../../src/generated/cairn/v1/HeartbeatRequest.js";
import { replicationService, type ReplicationHandlers } from "../../src/wire/proto-loader.js";
import { bindServer, newServer } from "../../src/wire/server.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";
import { until } from "../support/until.js";

const defer = useDefer();
const unimplemented: grpc.ServerErrorResponse = { name: "unimplemented", message: "", code: grpc.status.UNIMPLEMENTED };

/** A Replication server with only the given handlers (the rest answer UNIMPLEMENTED); its address. */
async function serve(handlers: Partial<ReplicationHandlers>): Promise<string> {
  const server = newServer();
  const rest: ReplicationHandlers = {
    Watch: (call) => call.emit("error", unimplemented),
    Heartbeat: (_call, callback) => callback(unimplemented),
    Session: (call) => call.emit("error", unimplemented),
    Pulses: (call) => call.emit("error", unimplemented),
    Relay: (_call, callback) => callback(unimplemented),
    Ack: (_call, callback) => callback(unimplemented),
    GetPosition: (_call, callback) => callback(unimplemented),
    Announce: (_call, callback) => callback(unimplemented),
  };
  server.addService(replicationService, { ...rest, ...handlers } as ReplicationHandlers);
  const port = await bindServer(server, "127.0.0.1:0");
  defer(() => void server.forceShutdown());
  return `127.0.0.1:${port}`;
}

function sessions(clock = systemClock, timeoutMs = 2_000) {
  const peers = new Peers({ service: replicationService, clock, timeoutMs });
  const link = new HeartbeatSessions(peers, replicationService, clock, timeoutMs);
  defer(() => (link.close(), peers.close()));
  return link;
}

const reply = (fields: Partial<HeartbeatReply>): HeartbeatReply => ({ recorded: true, interval_ms: 2_000, ...fields });

describe("HeartbeatSessions", () => {
  it("sends whole heartbeats and pulses on one stream, each whole one answered in order, pulses never", async () => {
    const received: HeartbeatRequest__Output[] = [];
    let streams = 0;
    const address = await serve({
      Session: (call) => {
        streams++;
        call.on("data", (message: HeartbeatRequest__Output) => {
          received.push(message);
          if (!message.pulse) call.write(reply({ epoch: received.length }));
        });
      },
    });
    const link = sessions();
    expect(link.pulse(address, "a", 1)).toBe(false);
    expect(await link.send(address, { host: "a", revision: 1 })).toMatchObject({ recorded: true, epoch: 1 });
    expect(link.pulse(address, "a", 2)).toBe(true);
    expect(link.pulse("127.0.0.1:1", "a", 2)).toBe(false);
    expect(await link.send(address, { host: "a", revision: 3 })).toMatchObject({ epoch: 3 });
    expect(received.map((m) => [m.host, m.revision, m.pulse])).toEqual([
      ["a", 1, false],
      ["a", 2, true],
      ["a", 3, false],
    ]);
    expect(streams).toBe(1);
  });

  it("closes the session when an unasked reply says the manager is no primary: the next beat is a whole heartbeat", async () => {
    const address = await serve({
      Session: (call) =>
        call.on("data", (message: HeartbeatRequest__Output) => {
          if (!message.pulse) call.write(reply({}));
          else call.write(reply({ recorded: false, primary_address: "127.0.0.1:9" }));
        }),
    });
    const link = sessions();
    await link.send(address, { host: "a" });
    expect(link.pulse(address, "a", 2)).toBe(true);
    await until(() => !link.pulse(address, "a", 3), "the session closed");
  });

  it("gives up a whole heartbeat with no answer at the clock's deadline, and opens a new session for the next", async () => {
    let streams = 0;
    const address = await serve({
      Session: (call) => {
        streams++;
        // The first session never answers; the next ones do.
        if (streams > 1) call.on("data", () => call.write(reply({})));
      },
    });
    const clock = new FakeClock();
    const link = sessions(clock, 1_000);
    const silent = link.send(address, { host: "a" });
    await until(() => streams === 1, "the first session open");
    clock.advance(1_000);
    await expect(silent).rejects.toMatchObject({ code: Code.DEADLINE_EXCEEDED });
    expect(link.pulse(address, "a", 1)).toBe(false);
    expect(await link.send(address, { host: "a" })).toMatchObject({ recorded: true });
    expect(streams).toBe(2);
  });

  it("sends Heartbeat calls to a manager that does not know sessions, from then on", async () => {
    const calls: HeartbeatRequest__Output[] = [];
    const address = await serve({
      Heartbeat: (call, callback) => {
        calls.push(call.request);
        callback(null, reply({ interval_ms: 1_000 }));
      },
    });
    const link = sessions();
    expect(await link.send(address, { host: "a", revision: 1 })).toMatchObject({ recorded: true, interval_ms: 1_000 });
    expect(await link.send(address, { host: "a", revision: 2 })).toMatchObject({ recorded: true });
    expect(calls.map((c) => c.revision)).toEqual([1, 2]);
    expect(link.pulse(address, "a", 3)).toBe(false);
  });
});
