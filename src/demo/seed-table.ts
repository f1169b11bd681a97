/**
 * The seed table of SPEC section 4 as the demo plays it: for each row, the
 * situation, the actions that make it real (processes stopped and started,
 * registry edits through the admin API), and the manager each asking agent
 * should end up with. Data only: `SeedScenario.play` carries the actions out.
 */

export const COMMAND_CONTROL = "command-control";
/** The host of the registry manager and of the root domain's command-control manager. */
export const FRAMEWORK_MANAGER = "framework-manager";
/** The hosts of the seed network, each with an agent. */
export const SEED_HOSTS = ["framework-manager", "agent-1", "agent-2", "agent-3", "agent-4"] as const;
/** The hosts that run a command-control manager in the seed network. */
export const SEED_MANAGERS = ["framework-manager", "agent-1", "agent-3"] as const;
/** The agents the table asks. */
export const ASKING_AGENTS = ["agent-1", "agent-2", "agent-3", "agent-4"] as const;
/** The host of the command-control manager of the new subdomain (row 5). */
export const NEW_MANAGER = "agent-5";
export const NEW_SUBDOMAIN = "/subdomain-2";

/** One thing a step does. Process actions act on the command-control manager of `host`. */
export type SeedAction =
  /** SIGKILL: a crash. */
  | { do: "kill-manager"; host: string }
  /** SIGTERM: a clean stop. */
  | { do: "stop-manager"; host: string }
  /** Starts it again on the port it had, so the registry needs no edit. */
  | { do: "restart-manager"; host: string }
  /** Starts a new one on a free port. */
  | { do: "start-manager"; host: string }
  | { do: "start-agent"; host: string; domain: string }
  | { do: "create-domain"; path: string }
  | { do: "register-host"; host: string; domain: string }
  /** Deploys the package at the port its running manager bound. */
  | { do: "deploy-package"; host: string; type: string }
  | { do: "remove-package"; host: string; type: string };

export interface SeedStep {
  /** The row number in SPEC section 4's table, from 1. */
  row: number;
  situation: string;
  /** Carried out in order; the switch times count from the end of the last. */
  actions: readonly SeedAction[];
  /** The first manager for [agent-1, agent-2] and for [agent-3, agent-4]. */
  expected: readonly [string, string];
}

/**
 * The rows, each applied on top of the previous one. "Down" here is the
 * manager process: each host's agent keeps running and keeps asking, which
 * is what the table has agent-3 do in row 2. Where a row both adds and takes
 * away managers, the additions come first, so the last action is the one the
 * agents must fail over from.
 */
export const SEED_STEPS: readonly SeedStep[] = [
  { row: 1, situation: "all up", actions: [], expected: ["agent-1", "agent-3"] },
  {
    row: 2,
    situation: "agent-3 down",
    actions: [{ do: "kill-manager", host: "agent-3" }],
    expected: ["agent-1", "agent-1"],
  },
  {
    row: 3,
    situation: "agent-1 and agent-3 down",
    actions: [{ do: "kill-manager", host: "agent-1" }],
    expected: [FRAMEWORK_MANAGER, FRAMEWORK_MANAGER],
  },
  {
    row: 4,
    situation: "agent-1 down, command-control removed from framework-manager, agent-3 up",
    actions: [
      { do: "restart-manager", host: "agent-3" },
      { do: "remove-package", host: FRAMEWORK_MANAGER, type: COMMAND_CONTROL },
      { do: "stop-manager", host: FRAMEWORK_MANAGER },
    ],
    expected: ["agent-3", "agent-3"],
  },
  {
    row: 5,
    situation: "as above, agent-3 down too, a new subdomain /subdomain-2 with a command-control manager",
    actions: [
      { do: "create-domain", path: NEW_SUBDOMAIN },
      { do: "register-host", host: NEW_MANAGER, domain: NEW_SUBDOMAIN },
      { do: "start-manager", host: NEW_MANAGER },
      { do: "deploy-package", host: NEW_MANAGER, type: COMMAND_CONTROL },
      { do: "start-agent", host: NEW_MANAGER, domain: NEW_SUBDOMAIN },
      { do: "kill-manager", host: "agent-3" },
    ],
    expected: [NEW_MANAGER, NEW_MANAGER],
  },
];

/** The manager `agent` should be served by in `step`. */
export function expectedManager(step: SeedStep, agent: string): string {
  return agent === "agent-1" || agent === "agent-2" ? step.expected[0] : step.expected[1];
}
