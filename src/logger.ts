import pino, { type DestinationStream, type Logger } from "pino";
import { isColorSupported, prettyFactory } from "pino-pretty";

/** How a server's log lines read: JSON lines (for machines), or one human line each. */
export type LogFormat = "json" | "pretty";

export interface LoggerOptions {
  /** A pino level name (the CLI checks it first); default `info`. */
  level?: string;
  /** Default: `pretty` when stderr is a terminal, `json` otherwise. */
  format?: LogFormat;
}

/** The time of a pretty line, as the JSON lines' `time` means it: UTC, to the millisecond. */
const PRETTY_TIME = "UTC:yyyy-mm-dd'T'HH:MM:ss.l'Z'";

/**
 * Log lines on stderr, one child logger per component. Stdout stays for
 * what the process tells a person or a parent process (`listening on ADDR`).
 *
 * Pretty lines are formatted in this process, line by line, and written to
 * the same destination as JSON lines: no worker thread (pino's transports)
 * that a crash would take down with the lines it had not written yet. The
 * destination is flushed at exit by pino.
 */
export function createLogger(name: string, options: LoggerOptions = {}): Logger {
  const destination = pino.destination({ fd: 2, sync: false });
  const format = options.format ?? (process.stderr.isTTY ? "pretty" : "json");
  return pino({ name, level: options.level ?? "info" }, format === "pretty" ? prettyLines(destination) : destination);
}

/** Each JSON line pino writes, as one human line: `[time] LEVEL (name): host component: message {the other keys}`. */
function prettyLines(destination: DestinationStream): DestinationStream {
  const prettify = prettyFactory({
    colorize: process.stderr.isTTY === true && isColorSupported,
    translateTime: PRETTY_TIME,
    ignore: "pid,hostname,host,component",
    messageFormat: "{if host}{host} {end}{if component}{component}: {end}{msg}",
    singleLine: true,
  });
  return { write: (line: string) => destination.write(prettify(line)) };
}

export const silentLogger: Logger = pino({ level: "silent" });

export type { Logger };
