import * as http from "node:http";
import * as http2 from "node:http2";
import * as net from "node:net";

type Handler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

/** A listening socket that hands HTTP/2 (prior knowledge) and HTTP/1.1 connections to one handler. */
export interface OnePortListener {
  readonly port: number;
  /** Stops accepting, lets in-flight requests finish for up to `graceMs`, then closes what is left. */
  close(graceMs: number): Promise<void>;
}

const PREFACE = Buffer.from("PRI * HTTP/2.0");

/**
 * Listens on one port for every protocol (see docs/adr/001): each new connection is peeked at; the
 * HTTP/2 preface goes to an `http2` server (gRPC, buf curl, grpc-js, Connect over h2c), anything else
 * to an `http` server (Connect and gRPC-Web over HTTP/1.1, browsers, curl).
 */
export async function listenOnePort(
  handler: Handler,
  options: { host: string; port: number },
): Promise<OnePortListener> {
  const h1 = http.createServer(handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on("session", (s) => {
    sessions.add(s);
    s.once("close", () => sessions.delete(s));
  });

  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const couldBeH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (couldBeH2 && head.length < PREFACE.length) return; // need more bytes to decide
      socket.off("data", onData);
      socket.pause();
      socket.unshift(head);
      if (couldBeH2) {
        // http2 reads the native handle itself and picks up the unshifted bytes; resuming the JS
        // stream here would compete with it for the data.
        h2.emit("connection", socket);
      } else {
        h1.emit("connection", socket);
        socket.resume();
      }
    };
    socket.on("data", onData);
    socket.on("error", () => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    port: address.port,
    async close(graceMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      h1.close();
      h1.closeIdleConnections();
      for (const s of sessions) s.close(); // GOAWAY: no new streams, in-flight ones finish
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) {
        h1.closeIdleConnections();
        await new Promise((r) => setTimeout(r, 25));
      }
      for (const s of sessions) s.destroy();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
