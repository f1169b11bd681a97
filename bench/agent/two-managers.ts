/**
 * The fleet of the agent bench's failover and hang phases: a registry
 * manager, two Command Control managers (cc-a in the agent's domain /site,
 * tier `domain`, preferred; cc-b in the root, tier `ancestor`, the
 * fallback) and one `cairn agent start` in /site.
 */
import { emptyRegistry, newHost, newPackage } from "../../src/registry/model.js";
import type { Cleanup } from "../lib/cairn-process.js";
import { importRegistry, portOf, startAgentNode, startCommandControlNode, startManagerNode } from "../lib/fleet.js";
import { CC, type NodeArgs } from "./shared.js";

export const AGENT_HOST = "bench-agent";

export async function twoManagerFleet(cleanup: Cleanup, nodeArgs: NodeArgs, fileName: string) {
  const manager = await startManagerNode(cleanup, { host: "framework-manager", nodeArgs: nodeArgs.manager });
  const [preferred, fallback] = await Promise.all([startCommandControlNode(cleanup, "cc-a"), startCommandControlNode(cleanup, "cc-b")]);
  const registry = emptyRegistry();
  registry.domains.set("/site", { path: "/site" });
  registry.types.set(CC, { name: CC, policy: "ordered" });
  registry.hosts.set("cc-a", newHost("cc-a", "/site", { packages: [newPackage(CC, portOf(preferred.address))] }));
  registry.hosts.set("cc-b", newHost("cc-b", "/", { packages: [newPackage(CC, portOf(fallback.address))] }));
  registry.hosts.set(AGENT_HOST, newHost(AGENT_HOST, "/site"));
  await importRegistry(manager.client, registry, fileName);
  const agent = await startAgentNode(cleanup, { host: AGENT_HOST, managers: [manager.address], nodeArgs: nodeArgs.agent });
  return { manager, preferred, fallback, agent };
}
