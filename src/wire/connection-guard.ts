/**
 * What a connection may cost a cairn gRPC server before it is of use and
 * after it has ended. Issue 17 measured a manager that accepted and kept
 * 20,000 TCP connections that never spoke (one file descriptor and about
 * 15 KiB of RSS each). Here:
 *
 * - the gRPC options a server gets: keepalive pings that find a dead peer,
 *   and an idle timeout for a connection with no call (`SERVER_CONNECTION_OPTIONS`);
 * - a deadline from accept to the client's HTTP/2 SETTINGS, its TLS
 *   handshake included: a peer that has not spoken by then is cut;
 * - a bounded close: grpc-js closes an idle session gracefully (GOAWAY,
 *   then a FIN), and Node keeps the socket until the peer closes its side,
 *   which a peer that ignores the FIN never does (nor does a dead one whose
 *   send buffer is full, after a keepalive timeout); the socket is destroyed
 *   `closeLingerMs` after the guard sees its session ended (within
 *   `OPEN_SWEEP_EVERY` sweeps, 10 s);
 * - a limit on the connections a listener holds (net.Server.maxConnections:
 *   Node closes the ones beyond it at accept), with one log line the first
 *   time it is reached and a count at most once a `refusedReportIntervalMs`.
 */
import { readFileSync } from "node:fs";
import type { Http2Session } from "node:http2";
import type * as net from "node:net";
import type { Logger } from "pino";
import { systemClock, type Clock, type Timer } from "../clock.js";

/**
 * A server pings each connection this long after its last ping was answered.
 * A ping costs the server about 18 µs of CPU: at 20,000 connections, 333
 * pings a second, 6 ms of CPU a second (0.6 % of a core).
 */
export const KEEPALIVE_TIME_MS = 60_000;
/** A ping unanswered this long ends its connection: a dead or stopped peer is cut within 80 s. */
export const KEEPALIVE_TIMEOUT_MS = 20_000;
/**
 * A connection with no call for this long is closed (GOAWAY). grpc-js counts
 * from the session's start and from the end of its last call; a call in
 * flight (an agent's watch stream) keeps it open however long it lasts.
 */
export const MAX_CONNECTION_IDLE_MS = 180_000;
/**
 * From accept to the client's HTTP/2 SETTINGS, TLS handshake included.
 * Node's own TLS handshake timeout is 120 s of inactivity (grpc-js passes no
 * `handshakeTimeout`), and a plain connection that never sends the preface
 * has none. Room for a burst of handshakes queued behind each other: the
 * scale bench's 2,000 channels opened at once from one busy process
 * outlasted 15 s, and a fleet reconnecting after a restart is such a burst.
 */
export const HANDSHAKE_TIMEOUT_MS = 30_000;
/** After a connection's session ended, how long the peer has to close its side before the socket is destroyed. */
export const CLOSE_LINGER_MS = 5_000;
/** How often the guard looks at the deadlines of connections handshaking or closing (a deadline is met within this much). */
export const SWEEP_INTERVAL_MS = 1_000;
/**
 * Open connections are looked at every this many sweeps, for a session that
 * grpc-js ended. A look costs 0.15 to 0.5 µs a connection (measured at
 * 5,000 on this shared machine): at 20,000, at most 10 ms every 10 s, 0.1 %
 * of a core.
 */
export const OPEN_SWEEP_EVERY = 10;
/** The least time between two log lines about refused connections. */
export const REFUSED_REPORT_INTERVAL_MS = 60_000;
/**
 * File descriptors kept for what else a process opens: LevelDB's table
 * files (classic-level's `maxOpenFiles`, 1,000), its logs, channels to
 * peers and etcd, the HTTP endpoint, watched certificates, stdio.
 */
export const RESERVED_FILE_DESCRIPTORS = 1_500;
/**
 * The default limit where the process may open more files than this: room
 * for 100,000 agents with two connections each and the managers, CLIs and
 * watchers beside them; about 3.6 GiB of RSS if all were idle.
 */
export const MAX_DEFAULT_CONNECTIONS = 250_000;
/** The default limit where the process's limit on open files cannot be read (not Linux). */
export const FALLBACK_MAX_CONNECTIONS = 10_000;

/** The gRPC options of a cairn server that keepalive and idleness come from (grpc-js server.ts reads them per session). */
export const SERVER_CONNECTION_OPTIONS = {
  "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
  "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
  "grpc.max_connection_idle_ms": MAX_CONNECTION_IDLE_MS,
} as const;

/** How a server's connections are bounded; every field has a default. */
export interface ConnectionLimits {
  /**
   * Connections one listener holds at most; more are closed at accept
   * (`--max-connections`). Default: `defaultMaxConnections()`.
   */
  maxConnections?: number;
  /** From accept to the client's HTTP/2 SETTINGS (default `HANDSHAKE_TIMEOUT_MS`). */
  handshakeTimeoutMs?: number;
  /** From a session's end to its socket's destruction (default `CLOSE_LINGER_MS`). */
  closeLingerMs?: number;
  /** Default `SWEEP_INTERVAL_MS`; open connections are looked at every `OPEN_SWEEP_EVERY` sweeps. */
  sweepIntervalMs?: number;
  /** Default `REFUSED_REPORT_INTERVAL_MS`. */
  refusedReportIntervalMs?: number;
  /** Where the limit's lines go; none when undefined. */
  logger?: Logger;
  clock?: Clock;
}

/** What a guard has done, for tests and metrics. */
export interface ConnectionCounts {
  /** Connections its listeners hold now. */
  open: number;
  /** Refused at accept, over the limit. */
  refused: number;
  /** Cut for not reaching HTTP/2 SETTINGS within the handshake timeout. */
  handshakeTimeouts: number;
  /** Destroyed after their session ended and the peer kept its side open. */
  lingerCuts: number;
}

/**
 * The process's soft limit on open files (Node raises it to the hard limit
 * at start; Infinity when unlimited), or undefined where it cannot be read.
 */
export function openFilesLimit(): number | undefined {
  try {
    const soft = /^Max open files\s+(\d+|unlimited)\s/m.exec(readFileSync("/proc/self/limits", "utf8"))?.[1];
    if (soft === undefined) return undefined;
    return soft === "unlimited" ? Infinity : Number(soft);
  } catch {
    return undefined;
  }
}

/**
 * The default connection limit: the open files the process may have less
 * `RESERVED_FILE_DESCRIPTORS` (at least half of them), at most
 * `MAX_DEFAULT_CONNECTIONS`. A server that ran out of descriptors would
 * fail its store's writes, not only its accepts.
 */
export function defaultMaxConnections(openFiles = openFilesLimit()): number {
  if (openFiles === undefined) return FALLBACK_MAX_CONNECTIONS;
  return Math.min(MAX_DEFAULT_CONNECTIONS, Math.max(Math.floor(openFiles / 2), openFiles - RESERVED_FILE_DESCRIPTORS));
}

/**
 * Where a connection is. `handshaking`: accepted, the client's HTTP/2
 * SETTINGS not seen yet (under TLS, the handshake too). `open`: speaking
 * HTTP/2; grpc-js's keepalive and idle timeout look after it. `closing`:
 * its session has ended, and the socket waits for the peer's side.
 */
type Phase = "handshaking" | "open" | "closing";

/** One accepted TCP connection. */
interface Connection {
  /** The accepted socket; under TLS, the one the TLS socket wraps (destroying it closes both). */
  readonly socket: net.Socket;
  phase: Phase;
  /** When `phase` began, on the guard's clock. */
  since: number;
  session: Http2Session | undefined;
}

/** What is overdue about `connection` at `now`: the cut it gets, or undefined. */
export function overdue(
  connection: { phase: Phase; since: number; session?: { destroyed: boolean } | undefined },
  now: number,
  limits: { handshakeTimeoutMs: number; closeLingerMs: number },
): "handshake" | "linger" | undefined {
  if (connection.phase === "handshaking") return now - connection.since >= limits.handshakeTimeoutMs ? "handshake" : undefined;
  if (connection.phase === "closing") return now - connection.since >= limits.closeLingerMs ? "linger" : undefined;
  return undefined;
}

/** The `host:port` of a socket's peer, which names one connection of a listener; undefined for a closed or local one. */
function peerKey(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string | undefined {
  return socket.remoteAddress !== undefined && socket.remotePort !== undefined ? `${socket.remoteAddress}:${socket.remotePort}` : undefined;
}

/**
 * Bounds the connections of one gRPC server's listeners (the http2 servers
 * that grpc-js makes for its bound ports: `watch` each once it listens).
 */
export class ConnectionGuard {
  readonly maxConnections: number;
  private readonly handshakeTimeoutMs: number;
  private readonly closeLingerMs: number;
  private readonly sweepIntervalMs: number;
  private readonly refusedReportIntervalMs: number;
  private readonly logger: Logger | undefined;
  private readonly clock: Clock;
  /** Where the limit came from, for its log line. */
  private readonly limitOrigin: string;
  /** Each watched listener's connections, by their peer's `host:port` (unique among one listener's open connections). */
  private readonly listeners = new Map<net.Server, Map<string, Connection>>();
  /** The connections with a deadline: those `handshaking` or `closing` (of every listener). */
  private readonly pending = new Set<Connection>();
  private sweepTimer: Timer | undefined;
  private sweeps = 0;
  private readonly counts = { refused: 0, handshakeTimeouts: 0, lingerCuts: 0 };
  /** Refusals since the last line about them; the first refusal has a line of its own. */
  private unreported = 0;
  private limitLogged = false;
  private unguardedLogged = false;
  private reportedAt = 0;
  private reportTimer: Timer | undefined;

  constructor(limits: ConnectionLimits = {}) {
    const openFiles = limits.maxConnections === undefined ? openFilesLimit() : undefined;
    this.maxConnections = limits.maxConnections ?? defaultMaxConnections(openFiles);
    if (!Number.isSafeInteger(this.maxConnections) || this.maxConnections < 1) {
      throw new RangeError(`maxConnections must be a whole number of at least 1, not ${this.maxConnections}`);
    }
    this.limitOrigin =
      limits.maxConnections !== undefined
        ? "set by --max-connections"
        : openFiles === undefined
          ? `the default where the process's limit on open files is unknown; --max-connections N changes it`
          : `the default for a process that may open ${openFiles === Infinity ? "unlimited" : openFiles} files; --max-connections N changes it`;
    this.handshakeTimeoutMs = limits.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
    this.closeLingerMs = limits.closeLingerMs ?? CLOSE_LINGER_MS;
    this.sweepIntervalMs = limits.sweepIntervalMs ?? SWEEP_INTERVAL_MS;
    this.refusedReportIntervalMs = limits.refusedReportIntervalMs ?? REFUSED_REPORT_INTERVAL_MS;
    this.logger = limits.logger;
    this.clock = limits.clock ?? systemClock;
  }

  /** Guards `listener` (an http2 server, plain or TLS) from now on; a listener watched before is left as it is. */
  watch(listener: net.Server): void {
    if (this.listeners.has(listener)) return;
    const connections = new Map<string, Connection>();
    this.listeners.set(listener, connections);
    listener.maxConnections = this.maxConnections;
    listener.on("drop", (peer?: { remoteAddress?: string; remotePort?: number }) => this.refused(peer));
    // Prepended: a plain http2 server makes the connection's session in its own 'connection' listener, which runs first otherwise.
    listener.prependListener("connection", (socket: net.Socket) => {
      const key = peerKey(socket);
      if (key === undefined || socket.destroyed) return;
      const connection: Connection = { socket, phase: "handshaking", since: this.clock.now(), session: undefined };
      connections.set(key, connection);
      this.pending.add(connection);
      socket.once("close", () => {
        connections.delete(key);
        this.pending.delete(connection);
      });
    });
    // Plain: at accept. TLS: once the handshake is done. `session.socket` stands for the TLS socket there, whose peer is the TCP one's.
    listener.on("session", (session: Http2Session) => {
      const key = peerKey(session.socket);
      const connection = key === undefined ? undefined : connections.get(key);
      if (!connection) return;
      connection.session = session;
      session.once("remoteSettings", () => {
        if (connection.phase !== "handshaking") return;
        connection.phase = "open";
        connection.since = this.clock.now();
        this.pending.delete(connection);
      });
    });
    listener.once("close", () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopSweeping();
    });
    this.sweepTimer ??= this.clock.setTimeout(() => this.sweep(), this.sweepIntervalMs);
  }

  /** Says, once, that this server's connections are not bounded (its listeners could not be reached), and why. */
  unguarded(reason: string): void {
    if (this.unguardedLogged) return;
    this.unguardedLogged = true;
    this.logger?.error(`connections are not bounded (no --max-connections, handshake timeout or close linger): ${reason}`);
  }

  stats(): ConnectionCounts {
    let open = 0;
    for (const connections of this.listeners.values()) open += connections.size;
    return { open, ...this.counts };
  }

  /**
   * Cuts what is overdue, and moves a connection whose session grpc-js ended
   * (idle, keepalive, shutdown) to `closing`: its socket only waits for the
   * peer now. Runs every `sweepIntervalMs` while a listener is watched.
   */
  private sweep(): void {
    this.sweepTimer = undefined;
    const now = this.clock.now();
    this.sweeps += 1;
    if (this.sweeps % OPEN_SWEEP_EVERY === 0) {
      for (const connections of this.listeners.values()) {
        for (const connection of connections.values()) if (connection.phase === "open" && connection.session?.destroyed) this.closing(connection, now);
      }
    }
    const limits = { handshakeTimeoutMs: this.handshakeTimeoutMs, closeLingerMs: this.closeLingerMs };
    for (const connection of this.pending) {
      // A session ended before its client spoke (the idle timeout is shorter, or the server is stopping).
      if (connection.phase === "handshaking" && connection.session?.destroyed) {
        this.closing(connection, now);
        continue;
      }
      const cut = overdue(connection, now, limits);
      if (cut === undefined) continue;
      if (cut === "handshake") this.counts.handshakeTimeouts += 1;
      else this.counts.lingerCuts += 1;
      this.pending.delete(connection);
      connection.socket.destroy();
    }
    if (this.listeners.size > 0) this.sweepTimer = this.clock.setTimeout(() => this.sweep(), this.sweepIntervalMs);
  }

  private closing(connection: Connection, now: number): void {
    connection.phase = "closing";
    connection.since = now;
    this.pending.add(connection);
  }

  private stopSweeping(): void {
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    this.reportTimer?.cancel();
    this.reportTimer = undefined;
    this.reportRefused();
  }

  private refused(peer: { remoteAddress?: string; remotePort?: number } | undefined): void {
    this.counts.refused += 1;
    if (!this.limitLogged) {
      this.limitLogged = true;
      this.reportedAt = this.clock.now();
      this.logger?.warn(
        { limit: this.maxConnections, flag: "--max-connections", peer: peer ? peerKey(peer) : undefined },
        `connection limit reached: this server holds ${this.maxConnections} connections (${this.limitOrigin}) and refuses new ones until some close`,
      );
      return;
    }
    this.unreported += 1;
    this.reportTimer ??= this.clock.setTimeout(
      () => {
        this.reportTimer = undefined;
        this.reportRefused();
      },
      Math.max(0, this.reportedAt + this.refusedReportIntervalMs - this.clock.now()),
    );
  }

  private reportRefused(): void {
    if (this.unreported === 0) return;
    const seconds = Math.round((this.clock.now() - this.reportedAt) / 1_000);
    this.logger?.warn(
      { refused: this.unreported, total: this.counts.refused, limit: this.maxConnections, flag: "--max-connections" },
      `refused ${this.unreported} more connections over the limit of ${this.maxConnections} (--max-connections) in the last ${seconds} s`,
    );
    this.unreported = 0;
    this.reportedAt = this.clock.now();
  }
}
