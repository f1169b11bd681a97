import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  PROTO_DIR,
  PROTO_FILES,
  agentService,
  commandControlService,
  packageDefinition,
  registryService,
  replicationService,
  v1,
} from "../../src/wire/proto-loader.js";

/** Method name -> [client streams, server streams]. */
type Shape = Record<string, [boolean, boolean]>;

function shapeOf(service: Record<string, { requestStream: boolean; responseStream: boolean }>): Shape {
  return Object.fromEntries(
    Object.entries(service).map(([name, m]) => [name, [m.requestStream, m.responseStream] as [boolean, boolean]]),
  );
}

const unary: [boolean, boolean] = [false, false];

describe("proto loader", () => {
  it("finds the proto folder at the package root", () => {
    for (const file of PROTO_FILES) expect(existsSync(join(PROTO_DIR, file)), file).toBe(true);
  });

  it("loads the Registry service with every admin method", () => {
    expect(shapeOf(registryService)).toEqual({
      CreateDomain: unary,
      DeleteDomain: unary,
      MoveDomain: unary,
      ListDomains: unary,
      RegisterHost: unary,
      MoveHost: unary,
      RemoveHost: unary,
      SetMaintenance: unary,
      SetLabels: unary,
      DeployPackage: unary,
      WithdrawPackage: unary,
      RestorePackage: unary,
      RemovePackage: unary,
      SetTypePolicy: unary,
      GetTree: unary,
      GetHost: unary,
      ListHosts: unary,
      ListAgents: unary,
      Resolve: unary,
      Export: [false, true],
      Import: [true, false],
      GetStatus: unary,
      PromoteManager: unary,
    });
    expect(registryService.CreateDomain.path).toBe("/cairn.v1.Registry/CreateDomain");
  });

  it("loads the Replication service", () => {
    expect(shapeOf(replicationService)).toEqual({
      Watch: [false, true],
      Heartbeat: unary,
      Session: [true, true],
      Pulses: [true, true],
      Relay: unary,
      Ack: unary,
      GetPosition: unary,
      Announce: unary,
    });
    expect(replicationService.Watch.path).toBe("/cairn.v1.Replication/Watch");
  });

  it("loads the Agent service", () => {
    expect(shapeOf(agentService)).toEqual({
      Resolve: unary,
      WatchRoute: [false, true],
      Status: unary,
      Authorize: unary,
    });
    expect(agentService.Authorize.path).toBe("/cairn.v1.Agent/Authorize");
  });

  it("loads the CommandControl service", () => {
    expect(shapeOf(commandControlService)).toEqual({ Authorize: unary });
    expect(commandControlService.Authorize.path).toBe("/cairn.v1.CommandControl/Authorize");
  });

  it("exposes client constructors and enums under cairn.v1", () => {
    expect(typeof v1.Registry).toBe("function");
    expect(typeof v1.Replication).toBe("function");
    expect(typeof v1.Agent).toBe("function");
    expect(typeof v1.CommandControl).toBe("function");
    expect(packageDefinition["cairn.v1.Liveness"]).toBeDefined();
    expect(packageDefinition["cairn.v1.Op"]).toBeDefined();
  });

  it("decodes with the generator's options: numbers for 64-bit, enum names, defaults, oneof names", () => {
    const watch = replicationService.Watch;
    const event = watch.responseDeserialize(
      watch.responseSerialize({ change: { epoch: 3, revision: 2 ** 40, ops: [{ delete_host: "h" }] } }),
    );
    expect(event.event).toBe("change");
    expect(event.change?.revision).toBe(2 ** 40);
    expect(event.change?.cause).toBe("");
    expect(event.change?.ops[0]).toEqual({ op: "delete_host", delete_host: "h" });
    const host = registryService.GetHost.responseDeserialize(
      registryService.GetHost.responseSerialize({ host: { id: "h" } }),
    ).host;
    expect(host?.status).toBe("LIVENESS_UNSPECIFIED");
    expect(host?.labels).toEqual({});
    expect(host?.packages).toEqual([]);
  });

  it("leaves proto3 optional fields absent when unset", () => {
    const deploy = registryService.DeployPackage;
    const plain = deploy.requestDeserialize(deploy.requestSerialize({ host: "h", type: "t", port: 1 }));
    expect(plain.expected_revision).toBeUndefined();
    expect(plain.priority).toBeUndefined();
    const set = deploy.requestDeserialize(
      deploy.requestSerialize({ host: "h", type: "t", port: 1, priority: 0, expected_revision: 0 }),
    );
    expect(set.priority).toBe(0);
    expect(set.expected_revision).toBe(0);
  });
});
