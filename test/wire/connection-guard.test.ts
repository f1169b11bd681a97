/**
 * Connections that a cairn server bounds and closes (src/wire/connection-guard.ts):
 * real grpc-js servers on port 0, insecure and mTLS, with raw TCP and TLS
 * peers that never speak, speak and then hang on, or come one too many.
 */
import { readFileSync } from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import type * as grpc from "@grpc/grpc-js";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { checkTlsFiles } from "../../src/security/tls-files.js";
import { tlsTransport, type ChannelSettings } from "../../src/security/transport.js";
import {
  defaultMaxConnections,
  openFilesLimit,
  overdue,
  MAX_DEFAULT_CONNECTIONS,
  RESERVED_FILE_DESCRIPTORS,
  type ConnectionLimits,
} from "../../src/wire/connection-guard.js";
import { bindServer, connectionGuardOf, listenersOf, newServer } from "../../src/wire/server.js";
import { serveStandardServices } from "../../src/wire/standard-services.js";
import { useDefer } from "../support/defer.js";
import { watchHealth } from "../support/standard-services.js";
import { useTempDirs } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** Short enough for a test, long enough that a peer doing its part on a loaded machine is not cut. */
const SHORT = { handshakeTimeoutMs: 400, closeLingerMs: 300, sweepIntervalMs: 50 } satisfies ConnectionLimits;

/** The client's HTTP/2 connection preface and an empty SETTINGS frame: what a peer says before anything else. */
const HTTP2_PREFACE = Buffer.concat([Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]);

interface Served {
  server: grpc.Server;
  port: number;
  listener: net.Server;
  /** Each warning and error the server logged, parsed. */
  lines: { msg: string; [key: string]: unknown }[];
  /** A raw peer (TCP; with `tls`, the TLS handshake done) that never closes its side on its own. */
  peer(options?: { tls?: boolean }): Promise<Peer>;
  /** A gRPC channel to the server. */
  channel: ChannelSettings | undefined;
  setHealth(status: "SERVING" | "NOT_SERVING"): void;
}

interface Peer {
  socket: net.Socket;
  /** When the server closed or cut it (`Date.now()`), once it did. */
  closedAt(): number | undefined;
  openedAt: number;
}

/** Real sockets the server holds now (net.Server.getConnections: the accepted ones, not closed yet). */
function held(listener: net.Server): Promise<number> {
  return new Promise((resolve, reject) => listener.getConnections((error, n) => (error ? reject(error) : resolve(n))));
}

async function serve(secure: boolean, limits: ConnectionLimits, options: grpc.ServerOptions = {}): Promise<Served> {
  const lines: Served["lines"] = [];
  const logger = pino({ level: "warn" }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  let credentials: grpc.ServerCredentials | undefined;
  let channel: ChannelSettings | undefined;
  let clientTls: tls.ConnectionOptions | undefined;
  let ready = () => Promise.resolve();
  if (secure) {
    const ca = await TestCa.make(tempDir());
    const serverTransport = tlsTransport(checkTlsFiles(await ca.files("manager/m1")));
    credentials = serverTransport.serverCredentials();
    ready = () => serverTransport.ready();
    channel = (await ca.transport("host/h1")).channel({ kind: "manager" });
    const files = await ca.files("host/h1");
    clientTls = {
      ca: readFileSync(files.ca),
      cert: readFileSync(files.cert),
      key: readFileSync(files.key),
      ALPNProtocols: ["h2"],
      servername: "cairn",
      checkServerIdentity: () => undefined,
    };
  }
  const server = newServer(options, { logger, ...limits });
  let status: "SERVING" | "NOT_SERVING" = "SERVING";
  const health = serveStandardServices(server, [], () => ({ status, reason: "a test" }));
  defer(() => server.forceShutdown());
  const port = await bindServer(server, "127.0.0.1:0", credentials);
  await ready();
  const listeners = listenersOf(server);
  expect(listeners, "grpc-js 1.14 keeps its http2 servers in Server.http2Servers: listenersOf (src/wire/server.ts) must follow it").toBeDefined();
  expect(listeners).toHaveLength(1);
  const peer = async (peerOptions: { tls?: boolean } = {}): Promise<Peer> => {
    let closedAt: number | undefined;
    const openedAt = Date.now();
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      // allowHalfOpen: a FIN from the server does not make this side close; only a cut (or our cleanup) does.
      const made: net.Socket = peerOptions.tls
        ? // Node honours allowHalfOpen here (_tls_wrap.js), though its types leave it out.
          tls.connect({ ...clientTls!, host: "127.0.0.1", port, allowHalfOpen: true } as tls.ConnectionOptions, () => resolve(made))
        : net.connect({ host: "127.0.0.1", port, allowHalfOpen: true }, () => resolve(made));
      made.once("error", reject);
    });
    socket.on("error", () => {});
    socket.resume();
    const mark = () => (closedAt ??= Date.now());
    socket.once("end", mark);
    socket.once("close", mark);
    defer(() => void socket.destroy());
    return { socket, openedAt, closedAt: () => closedAt };
  };
  return {
    server,
    port,
    listener: listeners![0]!,
    lines,
    peer,
    channel,
    setHealth(next) {
      status = next;
      health.refresh();
    },
  };
}

for (const secure of [false, true]) {
  describe(secure ? "an mTLS server" : "an insecure server", () => {
    it("finds the http2 server grpc-js listens with, and sets its connection limit (fails if grpc-js changes shape)", async () => {
      const served = await serve(secure, { maxConnections: 123 });
      expect(served.listener.maxConnections).toBe(123);
      expect(connectionGuardOf(served.server)?.maxConnections).toBe(123);
    });

    it("cuts TCP connections that never speak once the handshake timeout passes", async () => {
      const served = await serve(secure, SHORT);
      const peers = await Promise.all([served.peer(), served.peer(), served.peer()]);
      await until(async () => (await held(served.listener)) === 3, "the server to hold the 3 connections");
      await until(() => peers.every((p) => p.closedAt() !== undefined), "the server to cut the silent connections", 10_000);
      await until(async () => (await held(served.listener)) === 0 && connectionGuardOf(served.server)!.stats().open === 0, "the server's sockets to close");
      for (const p of peers) expect(p.closedAt()! - p.openedAt).toBeGreaterThanOrEqual(SHORT.handshakeTimeoutMs - 20);
      expect(connectionGuardOf(served.server)!.stats()).toMatchObject({ open: 0, handshakeTimeouts: 3 });
    });

    if (secure) {
      it("cuts a connection whose TLS handshake is done but that never sends the HTTP/2 preface", async () => {
        const served = await serve(secure, SHORT);
        const peer = await served.peer({ tls: true });
        await until(() => peer.closedAt(), "the server to cut the silent TLS connection", 10_000);
        await until(async () => (await held(served.listener)) === 0 && connectionGuardOf(served.server)!.stats().open === 0, "the server's socket to close");
        expect(peer.closedAt()! - peer.openedAt).toBeGreaterThanOrEqual(SHORT.handshakeTimeoutMs - 20);
        expect(connectionGuardOf(served.server)!.stats()).toMatchObject({ open: 0, handshakeTimeouts: 1 });
      });
    }

    it("destroys an idle connection that grpc-js closed when the peer never closes its side", async () => {
      const served = await serve(secure, { ...SHORT, handshakeTimeoutMs: 60_000 }, { "grpc.max_connection_idle_ms": 300 });
      const peer = await served.peer({ tls: secure });
      peer.socket.write(HTTP2_PREFACE);
      // grpc-js's GOAWAY and FIN come after 300 ms; this peer ignores them, and the guard cuts it 300 ms later.
      await until(() => connectionGuardOf(served.server)!.stats().lingerCuts === 1, "the guard to cut the lingering socket", 10_000);
      await until(async () => (await held(served.listener)) === 0 && connectionGuardOf(served.server)!.stats().open === 0, "the server's socket to close");
      expect(connectionGuardOf(served.server)!.stats()).toMatchObject({ open: 0, handshakeTimeouts: 0, lingerCuts: 1 });
    });

    it("refuses connections beyond the limit, with one line naming it and the flag, then a count", async () => {
      const served = await serve(secure, { maxConnections: 2, refusedReportIntervalMs: 500 });
      await Promise.all([served.peer(), served.peer()]);
      await until(async () => (await held(served.listener)) === 2, "the server to hold 2 connections");
      const refused = await Promise.all([served.peer(), served.peer(), served.peer()]);
      await until(() => refused.every((p) => p.closedAt() !== undefined), "the server to close the 3 connections over its limit");
      expect(await held(served.listener)).toBe(2);
      await until(() => served.lines.some((l) => l.msg.startsWith("refused")), "the count of refusals after the first");
      const limitLines = served.lines.filter((l) => l.msg.startsWith("connection limit reached"));
      expect(limitLines).toHaveLength(1);
      expect(limitLines[0]).toMatchObject({ limit: 2, flag: "--max-connections" });
      expect(limitLines[0]!.msg).toContain("holds 2 connections (set by --max-connections)");
      expect(served.lines.filter((l) => l.msg.startsWith("refused")).map((l) => l.msg)).toEqual([
        expect.stringMatching(/^refused 2 more connections over the limit of 2 \(--max-connections\) in the last \d+ s$/),
      ]);
      expect(connectionGuardOf(served.server)!.stats()).toMatchObject({ open: 2, refused: 3 });
    });

    it("keeps a client whose stream stays open, pinged, while idle and silent connections around it are cut", async () => {
      const served = await serve(secure, SHORT, { "grpc.max_connection_idle_ms": 300, "grpc.keepalive_time_ms": 100, "grpc.keepalive_timeout_ms": 1_000 });
      const watch = watchHealth(defer, `127.0.0.1:${served.port}`, "", served.channel);
      await until(() => watch.statuses.length === 1, "the stream's first status");
      // Beside it: one peer that never speaks, one that speaks and then idles.
      await served.peer();
      (await served.peer({ tls: secure })).socket.write(HTTP2_PREFACE);
      const guard = connectionGuardOf(served.server)!;
      // (A plain peer's session starts at accept: grpc-js may close the silent one for idleness before its handshake timeout.)
      await until(() => guard.stats().handshakeTimeouts + guard.stats().lingerCuts === 2, "the guard to cut both", 10_000);
      // By now the stream has outlived the idle timeout, the handshake timeout and several keepalive pings.
      served.setHealth("NOT_SERVING");
      await until(() => watch.statuses.length === 2, "the stream to carry a new status");
      expect(watch.statuses).toEqual(["SERVING", "NOT_SERVING"]);
      expect(watch.ended()).toBeUndefined();
      expect(guard.stats().open).toBe(1);
    });
  });
}

describe("the default connection limit", () => {
  it("is the open files a process may have less what the store and peers need, within bounds", () => {
    expect(defaultMaxConnections(20_000)).toBe(20_000 - RESERVED_FILE_DESCRIPTORS);
    expect(defaultMaxConnections(1_024)).toBe(512);
    expect(defaultMaxConnections(1_048_576)).toBe(MAX_DEFAULT_CONNECTIONS);
    expect(defaultMaxConnections(Infinity)).toBe(MAX_DEFAULT_CONNECTIONS);
    expect(defaultMaxConnections(undefined)).toBeGreaterThan(0);
  });

  it("reads this process's limit on open files where Linux tells it", () => {
    if (process.platform !== "linux") return;
    expect(openFilesLimit()).toBeGreaterThan(0);
  });
});

describe("what is overdue about a connection", () => {
  const limits = { handshakeTimeoutMs: 100, closeLingerMs: 50 };
  it("handshaking: cut once the handshake timeout has passed since accept", () => {
    expect(overdue({ phase: "handshaking", since: 1_000 }, 1_099, limits)).toBeUndefined();
    expect(overdue({ phase: "handshaking", since: 1_000 }, 1_100, limits)).toBe("handshake");
  });
  it("open: never, however long (keepalive and the idle timeout look after it)", () => {
    expect(overdue({ phase: "open", since: 0 }, 1e12, limits)).toBeUndefined();
  });
  it("closing: cut once the linger has passed since its session ended", () => {
    expect(overdue({ phase: "closing", since: 1_000 }, 1_049, limits)).toBeUndefined();
    expect(overdue({ phase: "closing", since: 1_000 }, 1_050, limits)).toBe("linger");
  });
});
