import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { cors as connectCors } from "@connectrpc/connect";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

const ALLOW_HEADERS = [...connectCors.allowedHeaders, "Authorization", "X-Api-Key", "X-Request-Id"].join(
  ", ",
);
const EXPOSE_HEADERS = [...connectCors.exposedHeaders, "X-Request-Id"].join(", ");
const ALLOW_METHODS = connectCors.allowedMethods.join(", ");

/**
 * CORS for Connect-web and gRPC-web clients. Sets the response headers for allowed origins and
 * answers preflight requests itself; returns true when the request was fully handled (a preflight).
 */
export function applyCors(origins: readonly string[], req: Req, res: Res): boolean {
  const origin = req.headers.origin;
  if (typeof origin !== "string") return false;
  const anyOrigin = origins.includes("*");
  if (!anyOrigin && !origins.includes(origin)) return false;
  res.setHeader("Access-Control-Allow-Origin", anyOrigin ? "*" : origin);
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
  if (req.method === "OPTIONS" && req.headers["access-control-request-method"]) {
    res.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
    res.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
    res.setHeader("Access-Control-Max-Age", "7200");
    res.statusCode = 204;
    res.end();
    return true;
  }
  return false;
}
