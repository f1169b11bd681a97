/** agentHealth: an agent serves once its replica holds a registry (SPEC 14). */
import { describe, expect, it } from "vitest";
import { agentHealth } from "../../src/registry-agent/serving-health.js";

describe("agentHealth", () => {
  it("SERVING from a verified replica, with its revision", () => {
    expect(agentHealth({ replica: "verified", revision: 12, epoch: 2 })).toEqual({ status: "SERVING", reason: "routes from its replica at revision 12 (epoch 2)" });
  });

  it("NOT_SERVING with nothing yet, or while rebuilding a damaged replica", () => {
    expect(agentHealth({ replica: "empty", revision: 0, epoch: 0 })).toEqual({ status: "NOT_SERVING", reason: "starting: no registry yet; waiting for a registry manager's snapshot" });
    expect(agentHealth({ replica: "rebuilding", revision: 0, epoch: 0 }).status).toBe("NOT_SERVING");
  });
});
