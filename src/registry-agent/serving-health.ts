/**
 * Whether a registry agent can do its work (SPEC 14), as grpc.health.v1
 * and /healthz say: it answers Resolve, routes and Authorize from its
 * replica, so it serves once the replica holds a registry (read from its
 * disk, or a manager's snapshot), and not before. A replica that is only
 * behind still serves: routing from the last registry known is what an
 * agent does while its managers are away.
 */
import type { ServingHealth } from "../wire/serving-health.js";
import type { ReplicaState } from "./replica.js";

export interface AgentFacts {
  replica: ReplicaState;
  revision: number;
  epoch: number;
}

export function agentHealth({ replica, revision, epoch }: AgentFacts): ServingHealth {
  switch (replica) {
    case "verified":
      return { status: "SERVING", reason: `routes from its replica at revision ${revision} (epoch ${epoch})` };
    case "rebuilding":
      return { status: "NOT_SERVING", reason: "starting: the replica on disk was damaged and discarded; waiting for a registry manager's snapshot" };
    case "empty":
      return { status: "NOT_SERVING", reason: "starting: no registry yet; waiting for a registry manager's snapshot" };
  }
}
