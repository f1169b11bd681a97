import { describe, expect, it } from "vitest";
import { parseCoordinator } from "../../src/coordination/coordinator-address.js";
import type { Facts } from "../../src/coordination/etcd-coordinator.js";
import { LeaseValidity } from "../../src/coordination/lease-validity.js";
import { BackupTracker } from "../../src/registry-manager/backups.js";
import { ineligibility } from "../../src/registry-manager/eligibility.js";
import { FakeClock } from "../support/fake-clock.js";

const nobody: Facts = { holder: undefined, epoch: 7, sync: undefined, switchover: undefined, mods: { epoch: "1", sync: "0", switchover: "0" }, revision: 9 };
const facts = (more: Partial<Facts>): Facts => ({ ...nobody, ...more });

describe("--coordinator", () => {
  it("takes etcd://HOST:PORT[,HOST:PORT…] and refuses anything else with the form it wants", () => {
    expect(parseCoordinator("etcd://127.0.0.1:2379,etcd-2:2380").hosts).toEqual(["http://127.0.0.1:2379", "http://etcd-2:2380"]);
    for (const bad of ["127.0.0.1:2379", "etcd://127.0.0.1", "etcd://:2379", "etcd://h:0", "etcd://h:70000", "etcd://h:1,"]) {
      expect(() => parseCoordinator(bad)).toThrow(/give etcd:\/\/HOST:PORT\[,HOST:PORT…\]$/);
    }
  });
});

describe("who may campaign", () => {
  it("nobody while the key is held, nobody but the target during a switchover", () => {
    expect(ineligibility("m2", facts({ holder: { host: "m1", address: "a", epoch: 3 } }), 1, false)).toBe("m1 holds the primary key (epoch 3)");
    const switchover = facts({ switchover: { from: "m1", to: "m3" }, sync: { epoch: 3, primary: "m1", required: 1, backups: ["m2", "m3"] } });
    expect(ineligibility("m2", switchover, 1, false)).toBe("a switchover to m3 is under way");
    expect(ineligibility("m3", switchover, 1, false)).toBeUndefined();
  });

  it("with --sync-backups K ≥ 1 only the managers of the sync record; before there is one, the manager that was primary", () => {
    const sync = facts({ sync: { epoch: 3, primary: "m1", required: 1, backups: ["m2"] } });
    expect(ineligibility("m1", sync, 1, false)).toBeUndefined();
    expect(ineligibility("m2", sync, 1, false)).toBeUndefined();
    expect(ineligibility("m3", sync, 1, true)).toMatch(/^it may lack acknowledged writes: only m1, m2 hold every one/);
    expect(ineligibility("m1", nobody, 1, true)).toBeUndefined();
    expect(ineligibility("m2", nobody, 1, false)).toBe("no sync record in etcd yet, and this manager was not the primary");
  });

  it("with --sync-backups 0 anyone: nothing was promised beyond the primary's disk; what the last primary promised decides", () => {
    expect(ineligibility("m3", facts({ sync: { epoch: 3, primary: "m1", required: 0, backups: [] } }), 1, false)).toBeUndefined();
    expect(ineligibility("m3", facts({ sync: { epoch: 3, primary: "m1", required: 1, backups: [] } }), 0, false)).toMatch(/^it may lack acknowledged writes/);
  });
});

describe("LeaseValidity", () => {
  it("proves the lease a TTL from when each keepalive was sent, however late the answer", () => {
    const clock = new FakeClock(0);
    const lease = new LeaseValidity(() => clock.now());
    lease.proved(0, 5);
    expect(lease.remainingMs()).toBe(5_000);
    clock.advance(4_000); // an answer to a keepalive sent at 1 s, arriving at 4 s
    lease.proved(1_000, 5);
    expect(lease.remainingMs()).toBe(2_000);
    expect(lease.provenFor(1_000)).toBe(true);
    clock.advance(1_001);
    expect(lease.provenFor(1_000)).toBe(false);
  });

  it("proves nothing once lost, and never moves back for an older answer", () => {
    const clock = new FakeClock(0);
    const lease = new LeaseValidity(() => clock.now());
    lease.proved(2_000, 5);
    lease.proved(1_000, 5);
    expect(lease.remainingMs()).toBe(7_000);
    lease.proved(3_000, 0); // an expired lease's answer proves nothing
    expect(lease.remainingMs()).toBe(7_000);
    lease.lost();
    expect(lease.provenFor(0)).toBe(false);
  });
});

describe("BackupTracker with named backups (a coordinator's sync record)", () => {
  it("commits what every named backup holds, and nothing while fewer than K are named", () => {
    const tracker = new BackupTracker(1);
    const points: number[] = [];
    tracker.onCommitPoint((revision) => points.push(revision));
    tracker.designate([]);
    tracker.opened("m2");
    tracker.opened("m3");
    tracker.acked("m3", 10);
    expect(points).toEqual([]);
    tracker.designate(["m2"]);
    tracker.acked("m3", 12);
    expect(points).toEqual([]);
    tracker.acked("m2", 11);
    expect(points).toEqual([11]);
    tracker.designate(["m2", "m3"]);
    tracker.acked("m2", 13);
    expect(points).toEqual([11, 12]);
    expect(tracker.describe(13, 500)).toMatch(/^revision 13 is on the primary's disk but held by 1 of the in-sync backups it waits for \(m2, m3\)/);
  });
});
