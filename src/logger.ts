import pino, { type Logger } from "pino";

/**
 * JSON lines on stderr, one child logger per component. Stdout stays for
 * what the process tells a person or a parent process (`listening on ADDR`).
 */
export function createLogger(name: string, level = process.env.CAIRN_LOG_LEVEL ?? "info"): Logger {
  return pino({ name, level }, pino.destination({ fd: 2, sync: false }));
}

export const silentLogger: Logger = pino({ level: "silent" });

export type { Logger };
