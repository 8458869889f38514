import * as net from "node:net";

/**
 * A TCP forwarder from a port on 127.0.0.1 to `targetHost:targetPort`, for tests that cut a
 * dependency off and bring it back. {@link stop} is an outage: it closes the listener and destroys
 * every open connection on both sides; {@link start} afterwards listens again on the same port.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private boundPort: number | undefined;

  constructor(
    readonly targetHost: string,
    readonly targetPort: number,
  ) {}

  /** The port it listens on (kept across stop/start); throws before the first start. */
  get port(): number {
    if (this.boundPort === undefined) throw new Error("the proxy has not been started yet");
    return this.boundPort;
  }

  /**
   * Listens on `port` (0 = any free port). Without an argument, reuses the port of the previous
   * start, so clients configured with it reconnect after an outage.
   */
  async start(port: number = this.boundPort ?? 0): Promise<number> {
    if (this.server) throw new Error(`the proxy is already listening on port ${this.boundPort}`);
    const server = net.createServer((client) => this.forward(client));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
    return this.boundPort;
  }

  /** Stops listening and destroys every open client and upstream socket. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private forward(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, this.targetHost);
    this.sockets.add(client);
    this.sockets.add(upstream);
    const teardown = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    for (const socket of [client, upstream]) {
      socket.on("error", teardown);
      socket.on("close", teardown);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
