/**
 * The Import call around its parse (a worker thread, seconds at 100,000
 * hosts): one parse at a time, the others waiting their turn, and a caller that gives up before its
 * import is applied has nothing written.
 */
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { formatFixture } from "../../src/fixture/format.js";
import { emptyRegistry, joinPath, newHost, type Registry } from "../../src/registry/model.js";
import { useDefer } from "../support/defer.js";
import { connect, startManager } from "../support/manager.js";

const defer = useDefer();

function fixture(hosts: number): string {
  const registry: Registry = emptyRegistry();
  for (let d = 0; d < 10; d++) registry.domains.set(joinPath("/", `d${d}`), { path: joinPath("/", `d${d}`) });
  for (let i = 0; i < hosts; i++) {
    const id = `host-${String(i).padStart(6, "0")}`;
    registry.hosts.set(id, newHost(id, `/d${i % 10}`));
  }
  return formatFixture(registry, "yaml");
}

describe("Import", () => {
  it("parses one file at a time: an import that comes meanwhile waits its turn, and both land, in order", async () => {
    const manager = await startManager(defer);
    const client = connect(defer, manager.address);
    const before = (await client.call("GetStatus", {})).revision;
    const text = fixture(3_000);
    const replies = await Promise.all([
      client.import(text, { format: "yaml", file_name: "one.yaml", replace: true }),
      client.import(text, { format: "yaml", file_name: "two.yaml", replace: true }),
    ]);
    // Whichever goes second replaces the first with the same hosts: that changes nothing, and adds no revision.
    expect(replies.map((r) => r.revision)).toEqual([before + 1, before + 1]);
    expect(replies.map((r) => r.changed).sort()).toEqual([false, true]);
  });

  it("writes nothing for a caller whose deadline passes while its file is parsed", async () => {
    const manager = await startManager(defer);
    const client = connect(defer, manager.address);
    const start = await client.call("GetStatus", {});
    const data = Buffer.from(fixture(20_000));
    const outcome = await new Promise<grpc.ServiceError | null>((resolve) => {
      // Too short for the worker to start and parse 20,000 hosts.
      const call = client.raw.Import({ deadline: Date.now() + 150 }, (error) => resolve(error));
      for (let at = 0; at < data.length; at += 64 * 1024) {
        const piece = data.subarray(at, at + 64 * 1024);
        call.write(at === 0 ? { format: "yaml", file_name: "late.yaml", data: piece } : { data: piece });
      }
      call.end();
    });
    expect(outcome?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
    // Parses take their turn, and writes land in order: had the late one landed, this would be a revision later.
    const reply = await client.import(fixture(5), { format: "yaml", file_name: "small.yaml" });
    expect(reply.revision).toBe(start.revision + 1);
  });
});
