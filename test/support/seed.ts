/**
 * The seed scenario of SPEC section 4: five situations, each an edit of the
 * seed registry, and which manager each agent is routed to first.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseFixture } from "../../src/fixture/parse.js";
import { newHost, newPackage, type Registry } from "../../src/registry/model.js";

export const SEED_FILE = fileURLToPath(new URL("../../fixtures/table-10-1.yaml", import.meta.url));
export const SEED_AGENTS = ["agent-1", "agent-2", "agent-3", "agent-4"] as const;
export const NEW_SUBDOMAIN_MANAGER = "agent-5";

export function loadSeed(): Registry {
  return parseFixture(readFileSync(SEED_FILE, "utf8"), SEED_FILE);
}

export interface SeedRow {
  situation: string;
  /** Hosts marked down in this situation (what `--down` says offline). */
  down: string[];
  /** Registry edits other than liveness. */
  edit(registry: Registry): void;
  /** First manager for [agent-1, agent-2] and for [agent-3, agent-4]. */
  expected: [string, string];
}

function removeFrameworkCommandControl(registry: Registry): void {
  const host = registry.hosts.get("framework-manager")!;
  registry.hosts.set(host.id, { ...host, packages: host.packages.filter((p) => p.type !== "command-control") });
}

export const SEED_ROWS: SeedRow[] = [
  { situation: "all up", down: [], edit: () => {}, expected: ["agent-1", "agent-3"] },
  { situation: "agent-3 down", down: ["agent-3"], edit: () => {}, expected: ["agent-1", "agent-1"] },
  {
    situation: "agent-1 and agent-3 down",
    down: ["agent-1", "agent-3"],
    edit: () => {},
    expected: ["framework-manager", "framework-manager"],
  },
  {
    situation: "agent-1 down, command-control removed from framework-manager, agent-3 up",
    down: ["agent-1"],
    edit: removeFrameworkCommandControl,
    expected: ["agent-3", "agent-3"],
  },
  {
    situation: "as above, agent-3 down too, a new subdomain /subdomain-2 with a command-control manager",
    down: ["agent-1", "agent-3"],
    edit: (registry) => {
      removeFrameworkCommandControl(registry);
      registry.domains.set("/subdomain-2", { path: "/subdomain-2" });
      registry.hosts.set(
        NEW_SUBDOMAIN_MANAGER,
        newHost(NEW_SUBDOMAIN_MANAGER, "/subdomain-2", { packages: [newPackage("command-control", 7651)] }),
      );
    },
    expected: [NEW_SUBDOMAIN_MANAGER, NEW_SUBDOMAIN_MANAGER],
  },
];

export function expectedFor(row: SeedRow, agent: string): string {
  return agent === "agent-1" || agent === "agent-2" ? row.expected[0] : row.expected[1];
}

/** The seed registry as the row describes it, liveness included. */
export function seedRegistryFor(row: SeedRow): Registry {
  const registry = loadSeed();
  row.edit(registry);
  for (const id of row.down) registry.hosts.set(id, { ...registry.hosts.get(id)!, status: "down" });
  return registry;
}
