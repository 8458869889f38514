import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Logger } from "@mcp/runtime";
import { browserConfig } from "./browser-config.js";
import type { ConsoleConfig } from "./config.js";
import { staticFiles } from "./static-files.js";

/** What the console server needs: where to listen, the built app, and where the services are. */
export interface ConsoleServerOptions {
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  /** The Vite build (`console/dist`): must contain index.html. */
  readonly distDir: string;
  readonly services: ConsoleConfig["services"];
  /** Served in `/config.json` as `signIn` when set: the console then signs people in instead of asking for a key. */
  readonly signIn?: ConsoleConfig["signIn"];
  /** CONSOLE_TRACE_URL: the run page links a run's trace id to it. */
  readonly traceUrl?: string | undefined;
  readonly logger: Logger;
  /** How long `stop()` lets in-flight responses finish before closing their connections. */
  readonly graceMs?: number;
}

/** A listening console server. */
export interface RunningConsole {
  readonly port: number;
  /** `http://127.0.0.1:<port>` — where this machine reaches it. */
  readonly url: string;
  /** Stops accepting, lets in-flight responses finish (up to the grace period), closes. Idempotent. */
  stop(): Promise<void>;
}

/** Thrown when there is nothing to serve (no index.html in the build folder). */
export class ConsoleNotBuiltError extends Error {
  constructor(readonly distDir: string) {
    super(`the console is not built: ${join(distDir, "index.html")} does not exist`);
    this.name = "ConsoleNotBuiltError";
  }
}

function sendConfig(req: IncomingMessage, res: ServerResponse, options: ConsoleServerOptions): void {
  const body = JSON.stringify({
    ...browserConfig(options.services, req.headers.host, options.traceUrl),
    ...(options.signIn ? { signIn: options.signIn } : {}),
  });
  res.writeHead(200, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
    // Differs per start and per host name the browser used: never cache it.
    "Cache-Control": "no-store",
    Vary: "Host",
    "X-Content-Type-Options": "nosniff",
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

/**
 * Serves the built console: `GET /config.json` (where the browser app finds the services) and the
 * static files of `distDir` with single-page-app fallback. Only GET and HEAD are answered.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsole> {
  const { logger } = options;
  if (!existsSync(join(options.distDir, "index.html"))) throw new ConsoleNotBuiltError(options.distDir);
  const serveFile = staticFiles(options.distDir);
  const server = createServer((req, res) => {
    const started = performance.now();
    res.once("finish", () =>
      logger.debug(
        {
          method: req.method,
          path: req.url,
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        "request",
      ),
    );
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD", "Content-Type": "text/plain; charset=utf-8" });
      res.end("method not allowed\n");
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/config.json") sendConfig(req, res, options);
    else serveFile(req, res);
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  await new Promise<void>((listening, fail) => {
    server.once("error", fail);
    server.listen(options.port, options.host, () => {
      server.off("error", fail);
      listening();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ port, host: options.host, distDir: options.distDir }, "console listening");

  let stopping: Promise<void> | undefined;
  return {
    port,
    url,
    stop() {
      stopping ??= new Promise<void>((closed) => {
        server.close(() => closed());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), options.graceMs ?? 2_000).unref();
      }).then(() => logger.info("console stopped"));
      return stopping;
    },
  };
}
