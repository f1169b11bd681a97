/**
 * The rules of a package check (SPEC 13), in one place: what a fixture, a
 * deploy request and the CLI accept. Each field has its own rule, so that a
 * fixture can say where a problem is; `checkProblems` applies them all to a
 * whole check, as a request brings it.
 */

import { formatDurationMs } from "./durations.js";
import { CHECK_KINDS, type CheckKind, type PackageCheck } from "./model.js";

/**
 * The longest interval or timeout. Well inside the wire's uint32 and a
 * timer's range; a check that runs less often than hourly no longer tells
 * anyone anything about health.
 */
export const MAX_CHECK_DURATION_MS = 3_600_000;
/** The most successes (rise) or failures (fall) a verdict may wait for. */
export const MAX_CHECK_COUNT = 1_000;
export const MAX_CHECK_PATH_LENGTH = 1_024;
export const MAX_CHECK_SERVICE_LENGTH = 255;
export const MAX_CHECK_ARGS = 64;
export const MAX_CHECK_ARG_LENGTH = 4_096;

/** The fields only one kind takes, and that kind. */
export const KIND_OF_FIELD = { path: "http", service: "grpc", command: "exec" } as const satisfies Record<string, CheckKind>;
export type KindField = keyof typeof KIND_OF_FIELD;

// Control characters (and, for a path, spaces) would change what the probe
// sends: an HTTP request line, a gRPC header, an argv for execve.
const CONTROL = /[\x00-\x1f\x7f]/;
const PATH_PATTERN = /^\/[^\s\x00-\x1f\x7f]*$/;

export function checkKindProblem(kind: string): string | undefined {
  return (CHECK_KINDS as readonly string[]).includes(kind) ? undefined : `check kind ${JSON.stringify(kind)} is not one of ${CHECK_KINDS.join(", ")}`;
}

export function checkDurationProblem(field: "interval" | "timeout", ms: number): string | undefined {
  return Number.isSafeInteger(ms) && ms >= 1 && ms <= MAX_CHECK_DURATION_MS
    ? undefined
    : `check ${field} ${Number.isFinite(ms) && ms >= 0 ? formatDurationMs(ms) : ms} must be from 1ms to ${formatDurationMs(MAX_CHECK_DURATION_MS)}`;
}

export function checkCountProblem(field: "rise" | "fall", n: number): string | undefined {
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_CHECK_COUNT ? undefined : `check ${field} ${n} must be an integer from 1 to ${MAX_CHECK_COUNT}`;
}

export function checkPathProblem(path: string): string | undefined {
  if (PATH_PATTERN.test(path) && path.length <= MAX_CHECK_PATH_LENGTH) return undefined;
  return `check path ${JSON.stringify(path)} must start with "/" and hold no spaces or control characters (at most ${MAX_CHECK_PATH_LENGTH} characters)`;
}

export function checkServiceProblem(service: string): string | undefined {
  if (!CONTROL.test(service) && service.length <= MAX_CHECK_SERVICE_LENGTH) return undefined;
  return `check service ${JSON.stringify(service)} must hold no control characters (at most ${MAX_CHECK_SERVICE_LENGTH} characters)`;
}

export function checkCommandProblem(command: readonly string[]): string | undefined {
  if (command.length === 0 || command[0] === "") return `check command must name a program to run (argv, no shell)`;
  if (command.length > MAX_CHECK_ARGS) return `check command has ${command.length} arguments, more than ${MAX_CHECK_ARGS}`;
  const bad = command.find((arg) => typeof arg !== "string" || arg.includes("\0") || arg.length > MAX_CHECK_ARG_LENGTH);
  if (bad !== undefined) return `check command argument ${JSON.stringify(bad)} must be a string without NUL, at most ${MAX_CHECK_ARG_LENGTH} characters`;
  return undefined;
}

/** A field given to a kind that does not take it. */
export function kindFieldProblem(kind: CheckKind, field: KindField): string | undefined {
  const owner = KIND_OF_FIELD[field];
  return kind === owner ? undefined : `check ${field} is only for ${owner} checks, not ${kind}`;
}

export const MISSING_COMMAND = `an exec check needs a command (argv, no shell)`;

/** Every problem of a whole check, as a request brings it; [] when it is valid. */
export function checkProblems(check: PackageCheck): string[] {
  const problems: (string | undefined)[] = [
    checkKindProblem(check.kind),
    checkDurationProblem("interval", check.intervalMs),
    checkDurationProblem("timeout", check.timeoutMs),
    checkCountProblem("rise", check.rise),
    checkCountProblem("fall", check.fall),
  ];
  if (check.path !== undefined) problems.push(kindFieldProblem(check.kind, "path") ?? checkPathProblem(check.path));
  if (check.service !== undefined) problems.push(kindFieldProblem(check.kind, "service") ?? checkServiceProblem(check.service));
  if (check.command !== undefined) problems.push(kindFieldProblem(check.kind, "command") ?? checkCommandProblem(check.command));
  else if (check.kind === "exec") problems.push(MISSING_COMMAND);
  return problems.filter((p): p is string => p !== undefined);
}

/**
 * A copy in the one shape records hold: fields in a fixed order, optional
 * ones only when set, the argv copied (records are never shared with a
 * caller that might edit them).
 */
export function canonicalCheck(check: PackageCheck): PackageCheck {
  const out: PackageCheck = { kind: check.kind, intervalMs: check.intervalMs, timeoutMs: check.timeoutMs, rise: check.rise, fall: check.fall };
  if (check.path !== undefined) out.path = check.path;
  if (check.service !== undefined) out.service = check.service;
  if (check.command !== undefined) out.command = [...check.command];
  return out;
}

/** Both absent, or equal field by field (absent is not the same as an explicit default check). */
export function sameCheck(a: PackageCheck | undefined, b: PackageCheck | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.kind === b.kind &&
    a.intervalMs === b.intervalMs &&
    a.timeoutMs === b.timeoutMs &&
    a.rise === b.rise &&
    a.fall === b.fall &&
    a.path === b.path &&
    a.service === b.service &&
    (a.command === undefined || b.command === undefined
      ? a.command === b.command
      : a.command.length === b.command.length && a.command.every((arg, i) => arg === b.command![i]))
  );
}
