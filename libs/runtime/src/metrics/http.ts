import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { Registry } from "prom-client";
import { errorMessage } from "@mcp/errors";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/**
 * Answers `GET /metrics` (HTTP/1.1 or HTTP/2) with the registry in the Prometheus text format;
 * returns false for any other request. Open like health: it carries no secrets.
 */
export function serveMetrics(registry: Registry, req: Req, res: Res): boolean {
  const path = (req.url ?? "").split("?")[0];
  if (path !== "/metrics" || (req.method !== "GET" && req.method !== "HEAD")) return false;
  const head = req.method === "HEAD";
  registry.metrics().then(
    (body) => {
      res.statusCode = 200;
      res.setHeader("Content-Type", registry.contentType);
      if (head) res.end();
      else res.end(body);
    },
    (err: unknown) => {
      res.statusCode = 500;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.end(`metrics collection failed: ${errorMessage(err)}\n`);
    },
  );
  return true;
}
