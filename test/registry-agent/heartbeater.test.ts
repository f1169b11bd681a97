import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { HeartbeatReply__Output } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest } from "../../src/generated/cairn/v1/HeartbeatRequest.js";
import type { PackageHealthReport } from "../../src/registry-agent/health-checker.js";
import type { HeartbeatLink } from "../../src/client/heartbeat-sessions.js";
import { AVOID_FAILED_RELAY_MS, CONFIRM_EVERY_MS, Heartbeater, type HeartbeatReplica } from "../../src/registry-agent/heartbeater.js";
import { emptyRegistry, endpointOf, newHost, newPackage, REGISTRY_TYPE, type HostRecord, type Position } from "../../src/registry/model.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { packageHealthToWire } from "../../src/wire/convert.js";
import { FakeClock } from "../support/fake-clock.js";

const AGENT = "agent-1";
const INTERVAL_MS = 1_000;
/** The registry managers of the test registry: a backup preferred by the route, and the primary behind it. */
const BACKUP = endpointOf("127.0.0.1", 7400);
const PRIMARY = endpointOf("127.0.0.1", 7401);
const SEED_A = "seed-a:7400";
const SEED_B = "seed-b:7400";

/**
 * A registry holding the agent's host (with one package, `web`) and two
 * registry managers: m1, a backup, first in the agent's registry route, and
 * m2, the primary. `primary: false` makes m2 a backup too.
 */
function registry(options: { agentRegistered?: boolean; primary?: boolean } = {}) {
  const r = emptyRegistry();
  if (options.agentRegistered ?? true) r.hosts.set(AGENT, newHost(AGENT, "/", { address: "10.0.0.1", packages: [newPackage("web", 8080)] }));
  r.hosts.set("m1", newHost("m1", "/", { packages: [newPackage(REGISTRY_TYPE, 7400, { priority: 0, role: "backup" })] }));
  const m2Role = (options.primary ?? true) ? "primary" : "backup";
  r.hosts.set("m2", newHost("m2", "/", { packages: [newPackage(REGISTRY_TYPE, 7401, { priority: 1, role: m2Role })] }));
  return RouteIndex.build(r);
}

/** The replica as the heartbeater sees it: real routes, a fixed position, and the epochs it was told about. */
class FakeReplica implements HeartbeatReplica {
  readonly epochsSaw: number[] = [];
  seenEpoch = 3;
  position: Position = { clusterId: "c", epoch: 3, revision: 42, digest: Buffer.alloc(32) };
  constructor(readonly routes: RouteIndex) {}
  sawEpoch(epoch: number): void {
    this.epochsSaw.push(epoch);
  }
}

type ManagerBehaviour = Partial<HeartbeatReply__Output> | "down";

function reply(fields: Partial<HeartbeatReply__Output>): HeartbeatReply__Output {
  return { epoch: 0, primary_host: "", primary_address: "", interval_ms: 0, down_after_ms: 0, recorded: false, cluster_id: "", relay_host: "", relay_address: "", ...fields };
}

/**
 * A Heartbeater on a fake clock whose sends go to `managers` (what each
 * address answers; an address not listed is down) and whose package checks
 * answer `health`. Every send and every warning logged is recorded.
 */
function setUp(
  options: {
    routes?: RouteIndex;
    managers?: Record<string, ManagerBehaviour>;
    fallbacks?: string[];
    health?: PackageHealthReport[];
    /** What the agent says it watches; no `watching` option when absent. */
    watching?: string;
    send?: (address: string, request: HeartbeatRequest) => Promise<HeartbeatReply__Output>;
  } = {},
) {
  const clock = new FakeClock();
  const replica = new FakeReplica(options.routes ?? registry());
  const sent: { address: string; request: HeartbeatRequest }[] = [];
  const checked: HostRecord[] = [];
  const warnings: { msg: string; component?: string; err?: { message: string } }[] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
  const managers = options.managers ?? {};
  const heartbeater = new Heartbeater({
    hostId: AGENT,
    domain: "/edge",
    address: "10.0.0.1",
    replica,
    fallbacks: () => options.fallbacks ?? [SEED_A, SEED_B],
    intervalMs: INTERVAL_MS,
    send: async (address, request) => {
      sent.push({ address, request });
      if (options.send) return options.send(address, request);
      const behaviour = managers[address] ?? "down";
      if (behaviour === "down") throw new Error(`${address} is down`);
      return reply(behaviour);
    },
    ...(options.watching !== undefined && { watching: () => options.watching! }),
    checkPackages: async (host) => {
      checked.push(host);
      return options.health ?? host.packages.map((p) => ({ type: p.type, health: "healthy" as const }));
    },
    clock,
    logger,
  });
  const sentTo = () => sent.map((s) => s.address);
  return { clock, replica, heartbeater, sent, sentTo, checked, warnings };
}

/** Lets a beat that a fired timer started run to its end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe("Heartbeater", () => {
  it("sends to the primaries of the replica's registry route first, then to the fallbacks, each address once", async () => {
    // The primary is also among the fallbacks (the watched manager): it is tried once, first.
    const { heartbeater, sentTo } = setUp({ fallbacks: [SEED_A, PRIMARY, SEED_B] });
    await heartbeater.beat();
    // m1 comes first in the route but is a backup: only a primary is picked from the route.
    expect(sentTo()).toEqual([PRIMARY, SEED_A, SEED_B]);
  });

  it("sends first contact to the fallbacks when this host is not in the registry yet, with no package checked", async () => {
    const { heartbeater, sent, sentTo, checked } = setUp({ routes: registry({ agentRegistered: false }) });
    await heartbeater.beat();
    expect(sentTo()).toEqual([SEED_A, SEED_B]);
    expect(checked).toEqual([]);
    expect(sent[0]!.request.packages).toEqual([]);
  });

  it("reports this host, the health of its packages, the epoch it has seen, the replica's revision and the manager it watches", async () => {
    const { heartbeater, sent, checked } = setUp({ managers: { [PRIMARY]: { recorded: true } }, health: [{ type: "web", health: "unhealthy" }], watching: "m1" });
    await heartbeater.beat();
    expect(checked.map((h) => h.id)).toEqual([AGENT]);
    expect(sent[0]!.request).toEqual({
      host: AGENT,
      epoch: 3,
      packages: [{ type: "web", health: packageHealthToWire("unhealthy") }],
      address: "10.0.0.1",
      domain: "/edge",
      revision: 42,
      watching: "m1",
    });
  });

  it("says it watches no manager when it is given no way to tell", async () => {
    const { heartbeater, sent } = setUp({ managers: { [PRIMARY]: { recorded: true } } });
    await heartbeater.beat();
    expect(sent[0]!.request.watching).toBe("");
  });

  it("a recorded reply sets lastRecorded to the clock's now, tells the replica the reply's epoch and ends the beat", async () => {
    const { clock, replica, heartbeater, sentTo } = setUp({ managers: { [PRIMARY]: { recorded: true, epoch: 5 } } });
    clock.advance(12_345);
    expect(heartbeater.lastRecorded).toBeUndefined();
    await heartbeater.beat();
    expect(heartbeater.lastRecorded).toBe(clock.now());
    expect(replica.epochsSaw).toEqual([5]);
    expect(sentTo()).toEqual([PRIMARY]);
  });

  it("follows a backup's not-recorded reply to the primary it names, once", async () => {
    const { clock, heartbeater, sentTo } = setUp({
      routes: registry({ primary: false }),
      managers: { [SEED_A]: { recorded: false, primary_address: "10.0.0.9:7400" }, "10.0.0.9:7400": { recorded: true } },
    });
    await heartbeater.beat();
    expect(sentTo()).toEqual([SEED_A, "10.0.0.9:7400"]);
    expect(heartbeater.lastRecorded).toBe(clock.now());
  });

  it("moves on to the next target when the primary a backup named does not record either", async () => {
    const { heartbeater, sentTo } = setUp({
      routes: registry({ primary: false }),
      managers: { [SEED_A]: { recorded: false, primary_address: "10.0.0.9:7400" }, "10.0.0.9:7400": { recorded: false }, [SEED_B]: { recorded: true } },
    });
    await heartbeater.beat();
    expect(sentTo()).toEqual([SEED_A, "10.0.0.9:7400", SEED_B]);
    expect(heartbeater.lastRecorded).toBeDefined();
  });

  it("sends the next beat to the primary a backup named before the fallbacks", async () => {
    const { clock, heartbeater, sentTo } = setUp({
      routes: registry({ primary: false }),
      managers: { [SEED_A]: { recorded: false, primary_address: "10.0.0.9:7400" }, "10.0.0.9:7400": { recorded: true } },
    });
    await heartbeater.beat();
    clock.advance(INTERVAL_MS);
    await settle();
    expect(sentTo()).toEqual([SEED_A, "10.0.0.9:7400", "10.0.0.9:7400"]);
  });

  it("waits interval_ms from a reply before the next beat", async () => {
    const { clock, heartbeater, sentTo } = setUp({ managers: { [PRIMARY]: { recorded: true, interval_ms: 3_000 } } });
    await heartbeater.beat();
    clock.advance(2_999);
    await settle();
    expect(sentTo()).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(sentTo()).toHaveLength(2);
  });

  it("keeps its interval when a reply carries no interval_ms", async () => {
    const { clock, heartbeater, sentTo } = setUp({ managers: { [PRIMARY]: { recorded: true, interval_ms: 0 } } });
    await heartbeater.beat();
    clock.advance(INTERVAL_MS);
    await settle();
    expect(sentTo()).toHaveLength(2);
  });

  it("logs a beat that no target took and still schedules the next one", async () => {
    const { clock, heartbeater, sentTo, warnings } = setUp();
    await heartbeater.beat();
    expect(sentTo()).toEqual([PRIMARY, SEED_A, SEED_B]);
    expect(warnings).toMatchObject([{ msg: "no registry manager took the heartbeat", component: "heartbeat", err: { message: `${SEED_B} is down` } }]);
    expect(heartbeater.lastRecorded).toBeUndefined();

    clock.advance(INTERVAL_MS);
    await settle();
    expect(sentTo()).toEqual([PRIMARY, SEED_A, SEED_B, PRIMARY, SEED_A, SEED_B]);
  });

  it("logs that no registry manager is known when it has no target at all, and tries again at the next interval", async () => {
    const { clock, heartbeater, sentTo, warnings } = setUp({ routes: registry({ agentRegistered: false }), fallbacks: [] });
    await heartbeater.beat();
    expect(sentTo()).toEqual([]);
    expect(warnings).toMatchObject([{ msg: "no registry manager took the heartbeat", err: { message: "no registry manager known" } }]);
    clock.advance(INTERVAL_MS);
    await settle();
    expect(warnings).toHaveLength(2);
  });

  it("stop() cancels the next beat", async () => {
    const { clock, heartbeater, sentTo } = setUp({ managers: { [PRIMARY]: { recorded: true } } });
    await heartbeater.beat();
    heartbeater.stop();
    clock.advance(INTERVAL_MS * 10);
    await settle();
    expect(sentTo()).toEqual([PRIMARY]);
  });

  it("stop() during a beat keeps the next beat from being scheduled", async () => {
    let answer!: (reply: HeartbeatReply__Output) => void;
    const { clock, heartbeater, sentTo } = setUp({ send: () => new Promise((resolve) => (answer = resolve)) });
    heartbeater.start();
    await settle();
    expect(sentTo()).toEqual([PRIMARY]);
    heartbeater.stop();
    answer(reply({ recorded: true }));
    await settle();
    clock.advance(INTERVAL_MS * 10);
    await settle();
    expect(sentTo()).toEqual([PRIMARY]);
  });
});

/**
 * A link with sessions: whole heartbeats are answered by `managers` as
 * above, and a pulse goes only to the address whose session is open (the
 * last one that recorded a whole heartbeat, until `drop`).
 */
class FakeSessions implements HeartbeatLink {
  readonly wholes: { address: string; request: HeartbeatRequest }[] = [];
  readonly pulses: { address: string; host: string; revision: number }[] = [];
  private open: string | undefined;
  constructor(private readonly managers: Record<string, ManagerBehaviour>) {}
  async send(address: string, request: HeartbeatRequest): Promise<HeartbeatReply__Output> {
    this.wholes.push({ address, request });
    const behaviour = this.managers[address] ?? "down";
    if (behaviour === "down") throw new Error(`${address} is down`);
    if (behaviour.recorded) this.open = address;
    return reply(behaviour);
  }
  pulse(address: string, host: string, revision: number): boolean {
    if (address !== this.open) return false;
    this.pulses.push({ address, host, revision });
    return true;
  }
  /** What each relay answers a pulse: relayed or not, or "silent" (it rejects, as on a timeout). */
  readonly relays: Record<string, boolean | "silent"> = {};
  readonly relayed: { address: string; host: string; revision: number }[] = [];
  readonly idled: string[] = [];
  async relayPulse(address: string, host: string, revision: number): Promise<boolean> {
    const answer = this.relays[address] ?? "silent";
    if (answer === "silent") throw new Error(`no answer from relay ${address}`);
    if (answer) this.relayed.push({ address, host, revision });
    return answer;
  }
  idle(address: string): void {
    this.idled.push(address);
    if (this.open === address) this.open = undefined;
  }
  drop(): void {
    this.open = undefined;
  }
  close(): void {
    this.open = undefined;
  }
}

describe("Heartbeater in a session", () => {
  function sessionSetUp(health: { current: PackageHealthReport[] }, primary: Partial<HeartbeatReply__Output> = {}) {
    const clock = new FakeClock();
    const replica = new FakeReplica(registry());
    const link = new FakeSessions({ [PRIMARY]: { recorded: true, interval_ms: 2_000, ...primary } });
    let watching = "m1";
    const heartbeater = new Heartbeater({
      hostId: AGENT,
      domain: "/edge",
      address: "10.0.0.1",
      replica,
      fallbacks: () => [SEED_A],
      intervalMs: INTERVAL_MS,
      link,
      watching: () => watching,
      checkPackages: async () => health.current,
      clock,
      logger: pino({ level: "silent" }),
    });
    return { clock, replica, link, heartbeater, watch: (id: string) => (watching = id) };
  }
  const healthy: PackageHealthReport[] = [{ type: "web", health: "healthy" }];

  it("pulses while nothing it would say has changed, at the interval the primary gave, with the replica's revision", async () => {
    const { clock, replica, link, heartbeater } = sessionSetUp({ current: healthy });
    await heartbeater.beat();
    expect(link.wholes.map((w) => w.address)).toEqual([PRIMARY]);
    replica.position = { ...replica.position, revision: 43 };
    clock.advance(2_000);
    await settle();
    clock.advance(2_000);
    await settle();
    expect(link.pulses).toEqual([
      { address: PRIMARY, host: AGENT, revision: 43 },
      { address: PRIMARY, host: AGENT, revision: 43 },
    ]);
    expect(link.wholes).toHaveLength(1);
    expect(heartbeater.lastRecorded).toBe(clock.now());
  });

  it("sends a whole heartbeat when its health, watched manager or seen epoch change, or when the session is gone", async () => {
    const health = { current: healthy };
    const { clock, replica, link, heartbeater, watch } = sessionSetUp(health);
    await heartbeater.beat();
    health.current = [{ type: "web", health: "unhealthy" }];
    heartbeater.beatSoon();
    await settle();
    expect(link.wholes.at(-1)!.request.packages).toEqual([{ type: "web", health: packageHealthToWire("unhealthy") }]);
    watch("m2");
    clock.advance(2_000);
    await settle();
    expect(link.wholes.at(-1)!.request.watching).toBe("m2");
    replica.seenEpoch = 4;
    clock.advance(2_000);
    await settle();
    expect(link.wholes.at(-1)!.request.epoch).toBe(4);
    link.drop();
    clock.advance(2_000);
    await settle();
    expect(link.wholes).toHaveLength(5);
    expect(link.pulses).toEqual([]);
    clock.advance(2_000);
    await settle();
    expect(link.pulses).toHaveLength(1);
  });

  it(`sends a whole heartbeat at least every ${CONFIRM_EVERY_MS} ms, whose answer proves the session still reaches the primary`, async () => {
    const { clock, link, heartbeater } = sessionSetUp({ current: healthy });
    await heartbeater.beat();
    for (let elapsed = 0; elapsed < CONFIRM_EVERY_MS; elapsed += 2_000) {
      clock.advance(2_000);
      await settle();
    }
    expect(link.wholes).toHaveLength(2);
    expect(link.pulses).toHaveLength(CONFIRM_EVERY_MS / 2_000 - 1);
  });

  const RELAY = "10.9.9.9:7000";
  const relayNamed = { relay_host: "m2", relay_address: RELAY };

  it("pulses the relay the primary named at once and then on, each pulse answered, lets the primary's connection go and sends it no confirming heartbeat", async () => {
    const { clock, replica, link, heartbeater } = sessionSetUp({ current: healthy }, relayNamed);
    link.relays[RELAY] = true;
    await heartbeater.beat();
    // The first pulse goes in the beat of the whole heartbeat: the primary judges the host by the relay from then.
    expect(link.relayed).toHaveLength(1);
    expect(link.idled).toEqual([PRIMARY]);
    replica.position = { ...replica.position, revision: 44 };
    for (let elapsed = 0; elapsed < CONFIRM_EVERY_MS + 10_000; elapsed += 2_000) {
      clock.advance(2_000);
      await settle();
    }
    expect(link.wholes).toHaveLength(1);
    expect(link.pulses).toEqual([]);
    expect(link.relayed).toHaveLength(1 + (CONFIRM_EVERY_MS + 10_000) / 2_000);
    expect(link.relayed.at(-1)).toEqual({ address: RELAY, host: AGENT, revision: 44 });
    expect(heartbeater.lastRecorded).toBe(clock.now());
  });

  it("sends its heartbeat whole to the primary at once when the relay cannot vouch for it, and pulses the primary until a whole heartbeat names a relay that takes its first pulse", async () => {
    const { clock, link, heartbeater } = sessionSetUp({ current: healthy }, relayNamed);
    link.relays[RELAY] = true;
    await heartbeater.beat();
    link.relays[RELAY] = false;
    clock.advance(2_000);
    await settle();
    // The pulse that was refused is followed by a whole heartbeat in the same beat: the host is not silent for it.
    expect(link.wholes.map((w) => w.address)).toEqual([PRIMARY, PRIMARY]);
    expect(heartbeater.lastRecorded).toBe(clock.now());
    expect(link.idled).toEqual([PRIMARY]);
    // Its reply named the relay again, which refused the first pulse too: the pulses go to the primary's session,
    // the first at once.
    expect(link.pulses).toHaveLength(1);
    link.relays[RELAY] = true;
    clock.advance(2_000);
    await settle();
    expect(link.pulses).toHaveLength(2);
    expect(link.relayed).toHaveLength(1);
    for (let elapsed = 0; elapsed < CONFIRM_EVERY_MS; elapsed += 2_000) {
      clock.advance(2_000);
      await settle();
    }
    // The confirming whole heartbeat names it again, and it takes the pulse: the relay is pulsed from then.
    expect(link.wholes).toHaveLength(3);
    expect(link.relayed.length).toBeGreaterThan(1);
    expect(link.idled).toEqual([PRIMARY, PRIMARY]);
  });

  it(`pulses the primary when the named relay does not answer, and takes that relay again only after ${AVOID_FAILED_RELAY_MS} ms`, async () => {
    const { clock, link, heartbeater } = sessionSetUp({ current: healthy }, relayNamed);
    link.relays[RELAY] = "silent";
    await heartbeater.beat();
    expect(link.wholes.map((w) => w.address)).toEqual([PRIMARY]);
    expect(link.idled).toEqual([]);
    // The time the relay took is made up for at once, in the session.
    expect(link.pulses).toHaveLength(1);
    link.relays[RELAY] = true;
    clock.advance(2_000);
    await settle();
    expect(link.pulses).toHaveLength(2);
    expect(heartbeater.lastRecorded).toBe(clock.now());
    // Until the relay's time out, every pulse goes to the primary's session.
    for (let elapsed = 2_000; elapsed < AVOID_FAILED_RELAY_MS - 2_000; elapsed += 2_000) {
      clock.advance(2_000);
      await settle();
    }
    expect(link.wholes).toHaveLength(1);
    expect(link.relayed).toEqual([]);
    // The confirming whole heartbeat comes with the relay's time out: its naming is taken again.
    clock.advance(2_000);
    await settle();
    expect(link.wholes).toHaveLength(2);
    expect(link.relayed.length).toBeGreaterThan(0);
  });
});
