import { describe, expect, it } from "vitest";
import type { Position__Output } from "../../src/generated/cairn/v1/Position.js";
import { checkPromotion } from "../../src/registry-manager/promotion.js";
import { nextRole, reportedRole, type RoleEvent, type RoleState } from "../../src/registry-manager/role.js";

const STATES: RoleState[] = ["starting", "primary", "stepping-down", "backup", "promoting", "stopped"];
const EVENTS: RoleEvent[] = ["started-primary", "started-backup", "deposed", "stepped-down", "promote", "promoted", "promotion-failed", "stop"];

/** Every move the machine makes; any pair not listed is ignored. */
const MOVES: [RoleState, RoleEvent, RoleState][] = [
  ["starting", "started-primary", "primary"],
  ["starting", "started-backup", "backup"],
  ["primary", "deposed", "stepping-down"],
  ["stepping-down", "stepped-down", "backup"],
  ["backup", "promote", "promoting"],
  ["promoting", "promoted", "primary"],
  ["promoting", "promotion-failed", "backup"],
];

describe("the registry manager's role machine", () => {
  it.each(MOVES)("%s --%s--> %s", (from, event, to) => {
    expect(nextRole(from, event)).toBe(to);
  });

  it.each(STATES.filter((s) => s !== "stopped"))("%s --stop--> stopped", (from) => {
    expect(nextRole(from, "stop")).toBe("stopped");
  });

  it("ignores every other event in every state (a deposed backup stays a backup, a stopped manager stays stopped)", () => {
    for (const state of STATES) {
      for (const event of EVENTS) {
        const listed = MOVES.find(([f, e]) => f === state && e === event);
        const expected = listed?.[2] ?? (event === "stop" && state !== "stopped" ? "stopped" : undefined);
        expect(nextRole(state, event), `${state} --${event}-->`).toBe(expected);
      }
    }
  });

  it("reports primary only in the primary state: a manager that is starting, stepping down or promoting is not one yet", () => {
    expect(STATES.filter((s) => reportedRole(s) === "primary")).toEqual(["primary"]);
  });
});

describe("promotion checks", () => {
  const own = { clusterId: "c", epoch: 3, revision: 40, digest: Buffer.alloc(32) };
  const primary = { host: "m1", address: "127.0.0.1:1" };
  const peer = (address: string, host: string, epoch: number, revision: number, role: Position__Output["role"] = "MANAGER_ROLE_BACKUP") => ({
    address,
    position: { host, epoch, revision, role, digest: Buffer.alloc(32), primary_host: "", primary_address: "", cluster_id: "c" },
  });

  it("promotes to the next epoch when the primary does not answer and nobody is ahead", () => {
    const plan = checkPromotion(own, primary, [peer("127.0.0.1:3", "m3", 3, 39)], false);
    expect(plan.epoch).toBe(4);
    expect(plan.checked).toEqual(["the primary m1 does not answer", "m3 at (3, 39) is not ahead"]);
  });

  it("a forced promotion still reigns past every epoch it knows of", () => {
    expect(checkPromotion(own, primary, [peer("127.0.0.1:3", "m3", 7, 2)], true).epoch).toBe(8);
  });

  it("refuses while the primary answers, naming it, unless forced", () => {
    const peers = [peer(primary.address, "m1", 3, 41, "MANAGER_ROLE_PRIMARY")];
    expect(() => checkPromotion(own, primary, peers, false)).toThrow(/the primary m1 at 127.0.0.1:1 still answers/);
    expect(checkPromotion(own, primary, peers, true).checked[0]).toMatch(/promoted anyway \(--force\)$/);
  });

  it("refuses when another backup holds a later position, naming it, unless forced", () => {
    const peers = [peer("127.0.0.1:3", "m3", 3, 41)];
    expect(() => checkPromotion(own, primary, peers, false)).toThrow(/backup m3 at 127.0.0.1:3 holds a later position \(epoch 3, revision 41\)/);
    expect(checkPromotion(own, primary, peers, true).epoch).toBe(4);
  });
});
