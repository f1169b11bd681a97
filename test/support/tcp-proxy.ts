/**
 * A TCP proxy on loopback in front of a server, that a test can cut: every
 * connection through it destroyed, and new ones refused, until it is let
 * through again. What a flaky network does to a browser's event stream.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private cutOff = false;
  /** Connections accepted through the proxy so far (a reconnect adds one). */
  accepted = 0;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** A proxy to `target` (HOST:PORT) on 127.0.0.1, any free port. */
  static async start(target: string): Promise<TcpProxy> {
    const cut = target.lastIndexOf(":");
    const host = target.slice(0, cut);
    const port = Number(target.slice(cut + 1));
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.accept(client, host, port));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    proxy = new TcpProxy(server, (server.address() as { port: number }).port);
    return proxy;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Destroys every connection through it and refuses new ones until `restore`. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket, host: string, port: number): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    this.accepted++;
    const upstream = connect(port, host);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      // A reset on one side ends both; the error itself is the point of the test, not a failure.
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }
}
