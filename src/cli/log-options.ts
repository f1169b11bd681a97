/**
 * How a server command logs (SPEC 15): `--log-format json|pretty` (default:
 * pretty when stderr is a terminal, JSON lines otherwise) and the level from
 * CAIRN_LOG_LEVEL, both checked before anything starts: a bad value is a
 * usage error (exit 2) in one line.
 */
import { Option, type Command } from "commander";
import type { LogFormat, LoggerOptions } from "../logger.js";

export const LOG_LEVEL_ENV = "CAIRN_LOG_LEVEL";
export const LOG_FORMATS = ["json", "pretty"] as const satisfies readonly LogFormat[];
/** pino's levels, most severe first; `silent` logs nothing. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export interface LogFlags {
  logFormat?: LogFormat;
}

/** `--log-format`, on a server's start command. */
export function withLogFormat(command: Command): Command {
  return command.addOption(
    new Option("--log-format <format>", "log lines as JSON, or as human lines (default: pretty when stderr is a terminal, else json)").choices(LOG_FORMATS),
  );
}

/**
 * The logger options of a start command: its `--log-format` and the level
 * from CAIRN_LOG_LEVEL. A level pino does not know is refused here with
 * commander's usage error (exit 2), not later by pino in its own words.
 */
export function logSettings(command: Command, flags: LogFlags, env: NodeJS.ProcessEnv = process.env): LoggerOptions {
  const level = env[LOG_LEVEL_ENV];
  if (level && !(LOG_LEVELS as readonly string[]).includes(level)) {
    command.error(`error: ${LOG_LEVEL_ENV}: "${level}" is not one of ${LOG_LEVELS.join(", ")}`, { exitCode: 2, code: "cairn.badLogLevel" });
  }
  return { ...(level && { level }), ...(flags.logFormat && { format: flags.logFormat }) };
}
