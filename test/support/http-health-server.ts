/**
 * A tiny HTTP server for tests of `http` package checks: 200 on /healthz,
 * 404 on anything else. Run as a child process (`node --import tsx`), so a
 * test can SIGSTOP it: the kernel still accepts its connections, but no
 * answer comes. Prints `listening on ADDR` as cairn's servers do; stops on
 * SIGTERM or SIGINT.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const HEALTH_PATH = "/healthz";

const server = createServer((request, response) => {
  response.writeHead(request.url === HEALTH_PATH ? 200 : 404, { "content-type": "text/plain" });
  response.end(request.url === HEALTH_PATH ? "ok\n" : "not found\n");
});

server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const { address, port } = server.address() as AddressInfo;
  process.stdout.write(`listening on ${address}:${port}\n`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
