/**
 * The package check options of `cairn package deploy` (SPEC 13):
 * `--check tcp|grpc|http|exec` and the fields of the check. Any field
 * option without `--check` means `--check tcp`; an option that belongs to
 * another kind than the check's, or an exec check without a command, is a
 * usage error (exit 2), as is a value the registry would refuse, so that
 * nothing out of the wire's range is sent.
 */
import { Option, type Command } from "commander";
import { KIND_OF_FIELD, checkProblems } from "../registry/checks.js";
import { formatDurationMs } from "../registry/durations.js";
import { CHECK_KINDS, DEFAULT_CHECK, DEFAULT_CHECK_PATH, type CheckKind, type PackageCheck } from "../registry/model.js";
import { parseDuration, parseUint32 } from "./durations.js";

export interface CheckFlags {
  check?: CheckKind;
  /** Milliseconds. */
  checkInterval?: number;
  /** Milliseconds. */
  checkTimeout?: number;
  rise?: number;
  fall?: number;
  checkPath?: string;
  checkService?: string;
  checkCommand?: string;
}

/** The option of each kind-specific field, and the one kind it is for. */
const KIND_OPTIONS = [
  ["checkPath", "--check-path", KIND_OF_FIELD.path],
  ["checkService", "--check-service", KIND_OF_FIELD.service],
  ["checkCommand", "--check-command", KIND_OF_FIELD.command],
] as const satisfies readonly (readonly [keyof CheckFlags, string, CheckKind])[];

const FIELD_FLAGS = ["checkInterval", "checkTimeout", "rise", "fall", "checkPath", "checkService", "checkCommand"] as const satisfies readonly (keyof CheckFlags)[];

export function addCheckOptions(command: Command): Command {
  const d = DEFAULT_CHECK;
  return command
    .addOption(
      new Option("--check <kind>", "how the host's agent checks it: tcp (the default), grpc (SERVING), http (2xx) or exec (exit 0)").choices(CHECK_KINDS),
    )
    .option("--check-interval <duration>", `time between checks (default ${formatDurationMs(d.intervalMs)})`, parseDuration)
    .option("--check-timeout <duration>", `how long one check may take (default ${formatDurationMs(d.timeoutMs)})`, parseDuration)
    .option("--rise <n>", `successes in a row that make it healthy (default ${d.rise})`, parseUint32)
    .option("--fall <n>", `failures in a row that make it unhealthy (default ${d.fall})`, parseUint32)
    .option("--check-path <path>", `http: the path asked (default ${DEFAULT_CHECK_PATH})`)
    .option("--check-service <name>", `grpc: the grpc.health.v1 service asked (default "", the whole server)`)
    .option("--check-command <argv>", "exec: the command, split on whitespace into argv (no shell, no quoting)");
}

/** `--check-command "/bin/check --port 7601"` → argv. No shell and no quoting: an argument cannot hold a space. */
export function splitCommand(text: string): string[] {
  return text.split(/\s+/).filter((arg) => arg.length > 0);
}

/**
 * The check the options say: undefined when none is given (the package
 * gets the default check), else the check or the usage problem with it.
 */
export function checkFromFlags(flags: CheckFlags): { check: PackageCheck } | { problem: string } | undefined {
  if (flags.check === undefined && FIELD_FLAGS.every((f) => flags[f] === undefined)) return undefined;
  const kind = flags.check ?? "tcp";
  for (const [flag, option, owner] of KIND_OPTIONS) {
    if (flags[flag] !== undefined && kind !== owner) {
      return { problem: `${option} is only for --check ${owner}${flags.check === undefined ? " (without --check the check is tcp)" : `, not ${kind}`}` };
    }
  }
  if (kind === "exec" && flags.checkCommand === undefined) return { problem: "--check exec needs --check-command" };
  const check: PackageCheck = {
    kind,
    intervalMs: flags.checkInterval ?? DEFAULT_CHECK.intervalMs,
    timeoutMs: flags.checkTimeout ?? DEFAULT_CHECK.timeoutMs,
    rise: flags.rise ?? DEFAULT_CHECK.rise,
    fall: flags.fall ?? DEFAULT_CHECK.fall,
  };
  if (flags.checkPath !== undefined) check.path = flags.checkPath;
  if (flags.checkService !== undefined) check.service = flags.checkService;
  if (flags.checkCommand !== undefined) check.command = splitCommand(flags.checkCommand);
  const [problem] = checkProblems(check);
  return problem === undefined ? { check } : { problem };
}
