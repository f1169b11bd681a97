import { describe, expect, it } from "vitest";
import { denial, ruleOf, RULES, type Rule } from "../../src/security/authorization.js";
import { parseIdentity, type Identity } from "../../src/security/identity.js";

function identity(text: string): Identity {
  const parsed = parseIdentity(text);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

const SERVER_HOST = "agent-1";
const callers = ["admin/ops", "viewer/eve", "manager/m1", "host/agent-1", "host/agent-2", "service/command-control/agent-1"];

/** Who may call under each rule, for a request about (and asked by) agent-1, on agent-1's agent. */
const allowed: Record<Rule, string[]> = {
  admin: ["admin/ops"],
  any: callers,
  managers: ["manager/m1"],
  "own-host": ["host/agent-1"],
  "own-manager": [],
  "asking-agent": ["host/agent-1"],
  "agent-service": ["admin/ops", "viewer/eve", "host/agent-1"],
};

describe("the authorization table (SPEC 11)", () => {
  it.each(Object.entries(allowed))("%s allows exactly its identities", (rule, who) => {
    const request = { host: "agent-1", agent_host: "agent-1" };
    const verdicts = callers.filter((caller) => denial(rule as Rule, identity(caller), request, SERVER_HOST) === undefined);
    expect(verdicts).toEqual(who);
  });

  it("Heartbeat: a manager reports for its own host, and nobody for another one", () => {
    expect(denial("own-host", identity("manager/m1"), { host: "m1" }, SERVER_HOST)).toBeUndefined();
    expect(denial("own-host", identity("host/agent-1"), { host: "agent-2" }, SERVER_HOST)).toBe(
      "host/agent-2 or manager/agent-2 only: it reports for another host",
    );
    expect(denial("own-host", identity("manager/m1"), { host: "agent-2" }, SERVER_HOST)).toContain("another host");
    expect(denial("own-host", identity("admin/ops"), { host: "agent-1" }, SERVER_HOST)).toContain("of the host it reports for only");
  });

  it("Ack: a manager speaks for its own host only", () => {
    expect(denial("own-manager", identity("manager/m1"), { host: "m1" }, SERVER_HOST)).toBeUndefined();
    expect(denial("own-manager", identity("manager/m1"), { host: "m2" }, SERVER_HOST)).toBe("manager/m2 only: it speaks for another manager");
    expect(denial("own-manager", identity("host/m1"), { host: "m1" }, SERVER_HOST)).toBe("manager/* only");
    expect(denial("own-host", identity("host/agent-1"), { host: "" }, SERVER_HOST)).toBe("the request names no host");
  });

  it("Authorize on command-control: only as the agent named in the request", () => {
    expect(denial("asking-agent", identity("host/agent-2"), { agent_host: "agent-1" }, SERVER_HOST)).toBe(
      "host/agent-1 only: it asks as another agent",
    );
    expect(denial("asking-agent", identity("manager/m1"), { agent_host: "m1" }, SERVER_HOST)).toBe("host/ID of the asking agent only");
  });

  it("a client without a cairn identity may call nothing, not even reads", () => {
    for (const rule of Object.keys(allowed) as Rule[]) {
      expect(denial(rule, undefined, { host: "agent-1" }, SERVER_HOST)).toBe("it presents no cairn identity");
    }
  });

  it("maps method paths to the table's rows, and knows no other method", () => {
    expect(ruleOf("/cairn.v1.Registry/PromoteManager")).toBe("admin");
    expect(ruleOf("/cairn.v1.Registry/Import")).toBe("admin");
    expect(ruleOf("/cairn.v1.Registry/Export")).toBe("any");
    expect(ruleOf("/cairn.v1.Replication/Heartbeat")).toBe("own-host");
    expect(ruleOf("/cairn.v1.Replication/Announce")).toBe("managers");
    expect(ruleOf("/cairn.v1.CommandControl/Authorize")).toBe("asking-agent");
    expect(ruleOf("/cairn.v1.Agent/Status")).toBe("agent-service");
    expect(ruleOf("/cairn.v1.Registry/DropEverything")).toBeUndefined();
    expect(ruleOf("/cairn.v1.Registry/constructor")).toBeUndefined();
    expect(ruleOf("/constructor/Export")).toBeUndefined();
    // The standard health service (SPEC 13, 14), open to any identity of the CA as reads are.
    expect(ruleOf("/grpc.health.v1.Health/Check")).toBe("any");
    expect(ruleOf("/grpc.health.v1.Health/Watch")).toBe("any");
    expect(ruleOf("/grpc.health.v1.Health/List")).toBeUndefined();
    // Server reflection (SPEC 14): the schema only, open to any identity of the CA.
    expect(ruleOf("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")).toBe("any");
    expect(ruleOf("/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")).toBe("any");
  });

  it("every Registry mutation is admin-only and every read open to the CA", () => {
    const reads = ["ListDomains", "GetTree", "GetHost", "ListHosts", "ListAgents", "Resolve", "Export", "GetStatus"];
    for (const [method, rule] of Object.entries(RULES["cairn.v1.Registry"])) {
      expect([method, rule]).toEqual([method, reads.includes(method) ? "any" : "admin"]);
    }
  });
});
