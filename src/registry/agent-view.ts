import type { Liveness } from "./model.js";

/** One host's agent as the primary sees it (SPEC 14: `cairn agents`, the console's fleet view): a read model, here so that the console, below the manager, shares it. */
export interface AgentView {
  host: string;
  domain: string;
  liveness: Liveness;
  /** Milliseconds since this primary last heard the agent; undefined when it never has (this reign). */
  lastHeartbeatAgeMs: number | undefined;
  /** The replica revision the agent reported in its last heartbeat (0: never heard). */
  revision: number;
  /** The registry's committed revision minus `revision` (0 when never heard). */
  lag: number;
  /** The host id of the registry manager the agent watches, as it reported it ("" when unknown). */
  watching: string;
}
