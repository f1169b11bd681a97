/**
 * The `--http` server itself (src/http/http-server.ts), in this process with
 * routes of its own: what it answers when no route does, a route that throws,
 * the loopback rule, and with TLS who may reach which route and a replaced
 * certificate served without a restart.
 */
import { describe, expect, it } from "vitest";
import pino from "pino";
import { Writable } from "node:stream";
import { Code } from "../../src/errors.js";
import { findRoute, HttpServer } from "../../src/http/http-server.js";
import type { HttpContext, HttpRoute } from "../../src/http/route.js";
import { serverSecurity } from "../../src/security/server-security.js";
import { silentLogger } from "../../src/logger.js";
import { useDefer } from "../support/defer.js";
import { httpGet } from "../support/http-get.js";
import { useTempDirs } from "../support/temp-dir.js";
import { TestCa } from "../support/tls.js";
import { until } from "../support/until.js";

const defer = useDefer();
const tempDir = useTempDirs();

/** Routes that answer who called them, one that throws, one that rejects. */
function testRoutes(seen: HttpContext[] = []): HttpRoute[] {
  const says = (text: string): HttpRoute["handle"] => (_request, response, context) => {
    seen.push(context);
    response.end(`${text} ${context.caller?.text ?? "nobody"}\n`);
  };
  return [
    { method: "GET", path: "/open", open: true, handle: says("open") },
    { method: "GET", path: "/closed", handle: says("closed") },
    { method: "POST", path: "/closed", handle: says("posted") },
    { method: "GET", path: "/assets/", prefix: true, handle: says("asset") },
    {
      method: "GET",
      path: "/throws",
      handle: () => {
        throw new Error("the route broke\nand this second line is not shown");
      },
    },
    { method: "GET", path: "/rejects", handle: async () => Promise.reject(new Error("it rejected")) },
  ];
}

/** A logger whose lines the test reads. */
function capturedLogger(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines: () => lines };
}

async function startInsecure(routes: HttpRoute[], logger = silentLogger): Promise<HttpServer> {
  const security = serverSecurity({}, "127.0.0.1:0", "manager/m1", "m1", silentLogger);
  const server = await HttpServer.start({ listen: "127.0.0.1:0", routes, security, logger });
  defer(() => server.close());
  return server;
}

describe("the HTTP server", () => {
  it("answers 404 for an unknown path, 405 with Allow for a wrong method, HEAD as GET", async () => {
    const server = await startInsecure(testRoutes());
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await httpGet(`${server.url}/nothing`)).toMatchObject({ status: 404, body: "no such path: /nothing\n" });
    // A path, never a host: `//open` is not `/open` on another server.
    expect(await httpGet(`${server.url}//open`)).toMatchObject({ status: 404, body: "no such path: //open\n" });
    const wrong = await httpGet(`${server.url}/open`, { method: "DELETE" });
    expect(wrong).toMatchObject({ status: 405, body: "/open takes GET, not DELETE\n" });
    expect(wrong.headers.allow).toBe("GET");
    expect(await httpGet(`${server.url}/closed`, { method: "POST" })).toMatchObject({ status: 200, body: "posted nobody\n" });
    expect(await httpGet(`${server.url}/assets/app.js?v=1`)).toMatchObject({ status: 200, body: "asset nobody\n" });
    expect(await httpGet(`${server.url}/open`, { method: "HEAD" })).toMatchObject({ status: 200, body: "" });
  });

  it("turns a route's throw or rejection into a 500 of one line and a log line, and keeps serving", async () => {
    const { logger, lines } = capturedLogger();
    const server = await startInsecure(testRoutes(), logger);
    expect(await httpGet(`${server.url}/throws`)).toMatchObject({ status: 500, body: "internal error: the route broke\n" });
    expect(await httpGet(`${server.url}/rejects`)).toMatchObject({ status: 500, body: "internal error: it rejected\n" });
    expect(await httpGet(`${server.url}/open`)).toMatchObject({ status: 200 });
    const failures = lines().filter((line) => line.msg === "HTTP route failed");
    expect(failures.map((line) => line.path)).toEqual(["/throws", "/rejects"]);
  });

  it("matches exact paths before prefixes, and the longest prefix first", () => {
    const handle = () => {};
    const routes: HttpRoute[] = [
      { method: "GET", path: "/", prefix: true, handle },
      { method: "GET", path: "/api/", prefix: true, handle },
      { method: "GET", path: "/api/hosts", handle },
    ];
    const pathOf = (path: string) => {
      const found = findRoute(routes, "GET", path);
      return "route" in found ? found.route.path : found.status;
    };
    expect([pathOf("/api/hosts"), pathOf("/api/x"), pathOf("/x"), pathOf("/")]).toEqual(["/api/hosts", "/api/", "/", "/"]);
    expect(findRoute([], "GET", "/")).toMatchObject({ status: 404 });
  });

  it("without TLS listens on loopback only, unless insecure", async () => {
    const security = serverSecurity({}, "127.0.0.1:0", "manager/m1", "m1", silentLogger);
    await expect(HttpServer.start({ listen: "0.0.0.0:0", routes: [], security, logger: silentLogger })).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
      message: "--http 0.0.0.0:0 is not a loopback address: give --ca, --cert and --key to serve it with mTLS, or --insecure to serve it without",
    });
    const server = await HttpServer.start({ listen: "0.0.0.0:0", routes: [], security, insecure: true, logger: silentLogger });
    await server.close();
  });

  it("says why it cannot listen", async () => {
    const first = await startInsecure([]);
    const taken = first.url.replace("http://", "");
    const security = serverSecurity({}, "127.0.0.1:0", "manager/m1", "m1", silentLogger);
    await expect(HttpServer.start({ listen: taken, routes: [], security, logger: silentLogger })).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
      message: expect.stringMatching(new RegExp(`^cannot listen on --http ${taken}: .*EADDRINUSE`)),
    });
  });
});

describe("the HTTP server with TLS", () => {
  async function startSecure(ca: TestCa, seen: HttpContext[]) {
    const files = await ca.files("manager/m1");
    const security = serverSecurity({ tls: files }, "127.0.0.1:0", "manager/m1", "m1", silentLogger);
    defer(() => security.close());
    await security.transport.ready();
    const server = await HttpServer.start({ listen: "127.0.0.1:0", routes: testRoutes(seen), security, logger: silentLogger });
    defer(() => server.close());
    return server;
  }

  it("serves HTTPS; a closed route needs a client certificate of the CA, an open one does not", async () => {
    const ca = await TestCa.make(tempDir());
    const seen: HttpContext[] = [];
    const server = await startSecure(ca, seen);
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const trust = { ca: ca.caFile };

    expect(await httpGet(`${server.url}/open`, { tls: trust })).toMatchObject({ status: 200, body: "open nobody\n" });
    const refused = await httpGet(`${server.url}/closed`, { tls: trust });
    expect(refused.status).toBe(401);
    expect(refused.body).toBe("/closed needs a client certificate of this server's CA (any cairn identity, e.g. viewer/NAME): no client certificate was presented\n");

    const viewer = await ca.files("viewer/vera");
    expect(await httpGet(`${server.url}/closed`, { tls: { ...trust, ...viewer } })).toMatchObject({ status: 200, body: "closed viewer/vera\n" });
    expect(seen.at(-1)).toMatchObject({ secure: true, caller: { kind: "viewer", name: "vera" } });
    expect(seen.at(-1)!.url.href).toBe(`${server.url}/closed`);

    // A certificate of another CA proves nothing here.
    const other = await TestCa.make(tempDir());
    const stranger = await other.files("admin/eve");
    const foreign = await httpGet(`${server.url}/closed`, { tls: { ...trust, cert: stranger.cert, key: stranger.key } });
    expect(foreign.status).toBe(401);
    expect(foreign.body).toMatch(/: the client certificate is not one of this server's CA \(/);
    expect(await httpGet(`${server.url}/open`, { tls: { ...trust, cert: stranger.cert, key: stranger.key } })).toMatchObject({ status: 200, body: "open nobody\n" });
  });

  it("serves a replaced certificate to new connections without a restart", async () => {
    const ca = await TestCa.make(tempDir());
    const server = await startSecure(ca, []);
    const trust = { ca: ca.caFile };
    const before = (await httpGet(`${server.url}/open`, { tls: trust })).serverCertificate!.serialNumber;
    await ca.files("manager/m1", { fresh: true });
    await until(async () => (await httpGet(`${server.url}/open`, { tls: trust })).serverCertificate!.serialNumber !== before, "the new certificate served", 10_000, 200);
  });
});
