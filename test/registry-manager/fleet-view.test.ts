/**
 * The fleet view (SPEC 14, `cairn agents`): what the primary keeps of each
 * heartbeat, the pure `agentViews` over the registry, its wire form, and
 * the manager's `agents()` and ListAgents in a running manager.
 */
import { describe, expect, it } from "vitest";
import { agentViews } from "../../src/registry-manager/fleet-view.js";
import { agentViewFromWire, agentViewToWire } from "../../src/registry-manager/fleet-view-wire.js";
import { LivenessTracker } from "../../src/registry-manager/liveness.js";
import { emptyRegistry, newHost } from "../../src/registry/model.js";
import { Code } from "../../src/errors.js";
import { useDefer } from "../support/defer.js";
import { FakeClock } from "../support/fake-clock.js";
import { connect, heartbeatClient, MANAGER_HOST, startManager } from "../support/manager.js";
import { until } from "../support/until.js";

const defer = useDefer();
const DOWN_AFTER = 3_000;

/** Hosts out of id order, in three domains; `m1` is the primary's own. */
function fleet() {
  const registry = emptyRegistry();
  for (const path of ["/emea", "/emea/paris"]) registry.domains.set(path, { path });
  registry.hosts.set("c", newHost("c", "/emea/paris", { status: "down" }));
  registry.hosts.set("a", newHost("a", "/", { status: "up" }));
  registry.hosts.set("m1", newHost("m1", "/", { status: "up" }));
  registry.hosts.set("b", newHost("b", "/emea", { status: "unknown" }));
  return registry;
}

describe("LivenessTracker keeps each host's last report", () => {
  it("the revision and watched manager of the last heartbeat, updated in place, and nothing for a host never heard", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    expect(tracker.lastHeartbeat("a")).toBeUndefined();
    tracker.heard("a", 1_000, 7, "m1");
    const first = tracker.lastHeartbeat("a");
    expect(first).toEqual({ at: 1_000, revision: 7, watching: "m1", via: "" });
    tracker.heard("a", 2_000, 9, "m2");
    // The same record: a steady heartbeat allocates nothing.
    expect(tracker.lastHeartbeat("a")).toBe(first);
    expect(first).toEqual({ at: 2_000, revision: 9, watching: "m2", via: "" });
    // Still what liveness goes by.
    expect(tracker.isOverdue("a", 2_000 + DOWN_AFTER - 1)).toBe(false);
    expect(tracker.isOverdue("a", 2_000 + DOWN_AFTER)).toBe(true);
    tracker.forget("a");
    expect(tracker.lastHeartbeat("a")).toBeUndefined();
  });
});

describe("agentViews", () => {
  it("lists every host by id: heard ones with age, revision, lag and manager; the others never heard; the primary's own as itself", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    tracker.heard("a", 9_700, 40, "m1");
    tracker.heard("c", 1_000, 12, "m2");
    expect(agentViews(fleet(), tracker, 42, 10_000, "m1")).toEqual([
      { host: "a", domain: "/", liveness: "up", lastHeartbeatAgeMs: 300, revision: 40, lag: 2, watching: "m1" },
      { host: "b", domain: "/emea", liveness: "unknown", lastHeartbeatAgeMs: undefined, revision: 0, lag: 0, watching: "" },
      { host: "c", domain: "/emea/paris", liveness: "down", lastHeartbeatAgeMs: 9_000, revision: 12, lag: 30, watching: "m2" },
      { host: "m1", domain: "/", liveness: "up", lastHeartbeatAgeMs: 0, revision: 42, lag: 0, watching: "m1" },
    ]);
  });

  it("takes an agent of the primary's host id at its word, and never makes a lag or an age negative", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    // Ahead of the committed revision (a backup's disk, with --sync-backups), heard "after" now (clocks).
    tracker.heard("m1", 10_500, 45, "m2");
    const views = agentViews(fleet(), tracker, 42, 10_000, "m1");
    expect(views.find((v) => v.host === "m1")).toEqual({ host: "m1", domain: "/", liveness: "up", lastHeartbeatAgeMs: 0, revision: 45, lag: 0, watching: "m2" });
  });

  it("keeps a domain's hosts, with --recursive those of its subdomains too; the root recursive is everyone", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    const hosts = (filter: { domain?: string; recursive?: boolean }) => agentViews(fleet(), tracker, 1, 0, "m1", filter).map((v) => v.host);
    expect(hosts({ domain: "/emea" })).toEqual(["b"]);
    expect(hosts({ domain: "/emea", recursive: true })).toEqual(["b", "c"]);
    expect(hosts({ domain: "/" })).toEqual(["a", "m1"]);
    expect(hosts({ domain: "/", recursive: true })).toEqual(["a", "b", "c", "m1"]);
    expect(hosts({ domain: "" })).toEqual(["a", "b", "c", "m1"]);
  });

  it("goes over the wire and back unchanged, an agent never heard without an age", () => {
    const tracker = new LivenessTracker(DOWN_AFTER, 0);
    tracker.heard("a", 9_700, 40, "m1");
    const views = agentViews(fleet(), tracker, 42, 10_000, "m1");
    const wire = views.map(agentViewToWire);
    expect(wire.find((w) => w.host === "b")).not.toHaveProperty("last_heartbeat_age_ms");
    expect(wire.find((w) => w.host === "a")).toMatchObject({ liveness: "LIVENESS_UP", last_heartbeat_age_ms: 300 });
    const decoded = wire.map((w) => agentViewFromWire({ last_heartbeat_age_ms: undefined, ...w } as Parameters<typeof agentViewFromWire>[0]));
    expect(decoded).toEqual(views);
  });
});


describe("the fleet view of a running manager", () => {
  it("agents() and ListAgents show what each heartbeat reported, its age on the manager's (fake) clock, and the lag behind the registry", async () => {
    const clock = new FakeClock();
    const manager = await startManager(defer, { clock, downAfterMs: DOWN_AFTER });
    const heartbeat = heartbeatClient(defer, manager.address);
    const client = connect(defer, manager.address);
    await client.call("CreateDomain", { path: "/emea" });
    await heartbeat({ host: "agent-1", revision: 1, watching: MANAGER_HOST });
    await heartbeat({ host: "agent-2", domain: "/emea", revision: 2, watching: "m-emea" });
    await client.call("RegisterHost", { id: "silent", domain: "/emea" });
    const head = manager.store.position.revision;
    clock.advance(1_200);

    expect(manager.agents()).toEqual([
      { host: "agent-1", domain: "/", liveness: "up", lastHeartbeatAgeMs: 1_200, revision: 1, lag: head - 1, watching: MANAGER_HOST },
      { host: "agent-2", domain: "/emea", liveness: "up", lastHeartbeatAgeMs: 1_200, revision: 2, lag: head - 2, watching: "m-emea" },
      { host: MANAGER_HOST, domain: "/", liveness: "up", lastHeartbeatAgeMs: 0, revision: head, lag: 0, watching: MANAGER_HOST },
      { host: "silent", domain: "/emea", liveness: "unknown", lastHeartbeatAgeMs: undefined, revision: 0, lag: 0, watching: "" },
    ]);

    // The next heartbeat replaces what the last one said; a change of liveness is a revision.
    await heartbeat({ host: "agent-2", domain: "/emea", revision: head, watching: MANAGER_HOST });
    const reply = await client.call("ListAgents", { domain: "/emea" });
    expect(reply.revision).toBe(manager.store.position.revision);
    expect(reply.agents).toEqual([
      { host: "agent-2", domain: "/emea", liveness: "LIVENESS_UP", last_heartbeat_age_ms: 0, _last_heartbeat_age_ms: "last_heartbeat_age_ms", revision: head, lag: 0, watching: MANAGER_HOST },
      { host: "silent", domain: "/emea", liveness: "LIVENESS_UNKNOWN", revision: 0, lag: 0, watching: "" },
    ]);
    expect((await client.rejection("ListAgents", { domain: "/nowhere" })).code).toBe(Code.NOT_FOUND);
    expect((await client.rejection("ListAgents", { domain: "emea" })).code).toBe(Code.INVALID_ARGUMENT);

    // Silent past --down-after: down, and its age keeps growing.
    clock.advance(DOWN_AFTER + 500);
    const down = await until(() => manager.agents().find((a) => a.host === "agent-1" && a.liveness === "down"), "agent-1 down");
    expect(down.lastHeartbeatAgeMs).toBe(1_200 + DOWN_AFTER + 500);
  });

  it("a backup refuses, naming the primary, for the client to follow; the primary lists the backup's host, watching the primary", async () => {
    const primary = await startManager(defer, { hostId: "m1", downAfterMs: DOWN_AFTER });
    const backup = await startManager(defer, { hostId: "m2", join: primary.address, bootstrap: false, downAfterMs: DOWN_AFTER });
    expect(() => backup.agents()).toThrow(`m2 is a backup registry manager; the primary is m1 at ${primary.address}`);
    const refusal = await connect(defer, backup.address).rejection("ListAgents", {});
    expect(refusal.code).toBe(Code.FAILED_PRECONDITION);
    expect(refusal.metadata.get("cairn-redirect")[0]?.toString()).toBe(primary.address);
    // Its first heartbeats come before it knows the primary's host id (--join gives an address) and before it has
    // the changes that register it.
    const m2 = await until(() => primary.agents().find((a) => a.host === "m2" && a.watching === "m1" && a.lag === 0), "m2 heard, watching m1, caught up");
    expect(m2.liveness).toBe("up");
    expect(m2.lastHeartbeatAgeMs).toBeLessThan(DOWN_AFTER);
  });
});
