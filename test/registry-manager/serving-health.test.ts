/**
 * managerHealth, one case at a time (SPEC 14): SERVING when the manager can
 * do its role's work, NOT_SERVING with the reason in words otherwise.
 */
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import { BackupTracker } from "../../src/registry-manager/backups.js";
import type { ElectionStatus } from "../../src/registry-manager/manager-control.js";
import type { RoleState } from "../../src/registry-manager/role.js";
import { healthFacts, managerHealth, type ManagerFacts } from "../../src/registry-manager/serving-health.js";

const PRIMARY = { host: "m1", address: "127.0.0.1:7000" };

function facts(overrides: Partial<ManagerFacts> = {}): ManagerFacts {
  return { state: "primary", epoch: 3, initialized: true, primary: PRIMARY, lost: undefined, required: 0, connectedBackups: 0, leaseRefusal: undefined, ...overrides };
}

describe("managerHealth", () => {
  it("a primary without --sync-backups is SERVING", () => {
    expect(managerHealth(facts())).toEqual({ status: "SERVING", reason: "primary at epoch 3" });
  });

  it("a primary with its sync backups connected is SERVING, and says how many", () => {
    expect(managerHealth(facts({ required: 1, connectedBackups: 1 }))).toEqual({ status: "SERVING", reason: "primary at epoch 3, 1 of 1 sync backups connected" });
    expect(managerHealth(facts({ required: 1, connectedBackups: 2 }))).toEqual({ status: "SERVING", reason: "primary at epoch 3, 2 backups connected (--sync-backups 1)" });
  });

  it("a primary below --sync-backups is NOT_SERVING: its writes are refused", () => {
    expect(managerHealth(facts({ required: 2, connectedBackups: 1 }))).toEqual({
      status: "NOT_SERVING",
      reason: "primary at epoch 3, 1 of 2 sync backups connected: writes are refused until 2 follow",
    });
  });

  it("a settled backup is SERVING (it serves reads), whether or not it knows a primary", () => {
    expect(managerHealth(facts({ state: "backup" }))).toEqual({ status: "SERVING", reason: "backup at epoch 3 of m1 at 127.0.0.1:7000: serves reads, writes go to the primary" });
    expect(managerHealth(facts({ state: "backup", primary: { host: "", address: "" } })).status).toBe("SERVING");
    // Its own --sync-backups is the primary's business, not its own.
    expect(managerHealth(facts({ state: "backup", required: 1, connectedBackups: 0 })).status).toBe("SERVING");
  });

  it("is NOT_SERVING while starting, and as a new backup until its first snapshot is in", () => {
    expect(managerHealth(facts({ state: "starting" }))).toEqual({ status: "NOT_SERVING", reason: "starting: the role on disk is being checked against the peers" });
    expect(managerHealth(facts({ state: "backup", initialized: false, primary: { host: "", address: "127.0.0.1:7000" } }))).toEqual({
      status: "NOT_SERVING",
      reason: "starting: a new backup waiting for its primary's first snapshot (127.0.0.1:7000)",
    });
  });

  it("is NOT_SERVING while changing role", () => {
    expect(managerHealth(facts({ state: "stepping-down" }))).toEqual({ status: "NOT_SERVING", reason: "fenced: deposed as primary at epoch 3, stepping down to a backup" });
    expect(managerHealth(facts({ state: "promoting" }))).toEqual({ status: "NOT_SERVING", reason: "promoting: becoming the primary after epoch 3" });
  });

  it("is NOT_SERVING when fenced: its disk lost acknowledged writes, or it cannot prove its etcd lease", () => {
    expect(managerHealth(facts({ lost: "m1 lost writes it had acknowledged" }))).toEqual({ status: "NOT_SERVING", reason: "fenced: m1 lost writes it had acknowledged" });
    expect(managerHealth(facts({ leaseRefusal: "m1 cannot prove its etcd lease" }))).toEqual({ status: "NOT_SERVING", reason: "fenced: m1 cannot prove its etcd lease" });
  });

  it("is NOT_SERVING once stopped, whatever else holds", () => {
    expect(managerHealth(facts({ state: "stopped", required: 0 }))).toEqual({ status: "NOT_SERVING", reason: "stopped: the registry manager is shutting down" });
  });

  it("every state has an answer", () => {
    const states: RoleState[] = ["starting", "primary", "stepping-down", "backup", "promoting", "stopped"];
    for (const state of states) expect(managerHealth(facts({ state })).reason).not.toBe("");
  });
});

describe("healthFacts", () => {
  it("reads the manager's public face: the lost-writes refusal, the connected backups, the lease refusal", () => {
    const backups = new BackupTracker(2);
    backups.opened("m2");
    const closed = backups.opened("m3");
    closed();
    const coordination = { leaseRefusal: "no lease" } as ElectionStatus;
    const subject = {
      backups,
      store: { epoch: 4, initialized: true },
      roleState: () => "primary" as const,
      primary: () => PRIMARY,
      refusal: () => new CairnError(Code.DATA_LOSS, "lost"),
      coordination: () => coordination,
    };
    expect(healthFacts(subject)).toEqual({
      state: "primary",
      epoch: 4,
      initialized: true,
      primary: PRIMARY,
      lost: "lost",
      required: 2,
      connectedBackups: 1,
      leaseRefusal: "no lease",
    });
  });
});
