import type * as http from "node:http";
import type * as http2 from "node:http2";
import {
  Code,
  ConnectError,
  createConnectRouter,
  type ConnectRouter,
  type Interceptor,
} from "@connectrpc/connect";
import {
  compressionBrotli,
  compressionGzip,
  universalRequestFromNodeRequest,
  universalResponseToNodeResponse,
} from "@connectrpc/connect-node";
import type { UniversalHandler } from "@connectrpc/connect/protocol";
import type { Logger } from "pino";
import { gateHandler, type GateOptions } from "./gate.js";

type NodeRequest = http.IncomingMessage | http2.Http2ServerRequest;
type NodeResponse = http.ServerResponse | http2.Http2ServerResponse;

/** What the handler serves and how it reads requests. */
export interface NodeHandlerOptions {
  readonly routes: (router: ConnectRouter) => void;
  readonly interceptors: readonly Interceptor[];
  readonly gate: GateOptions;
  readonly logger: Logger;
}

/**
 * Responses smaller than this go uncompressed whatever the client accepts (connect-es compresses from
 * 1 KiB by default). Between services on a cluster network and on loopback, gzip costs more time on
 * both ends than it saves on the wire, and it is a good share of a small read's CPU: a ListRuns page of
 * 50 runs (~10 KB) spent ~13 % of its CPU in gzip and gunzip, and their per-call zlib state fed the GC
 * (docs/adr/019). Large answers (a FULL ListRuns page of runs with real inputs, GetRun of a big
 * for_each run) are still compressed for a client that accepts it.
 */
export const RESPONSE_COMPRESS_MIN_BYTES = 64 * 1024;

/**
 * `connectNodeAdapter`, with the request gate in front of every RPC: the router's handlers are
 * wrapped by {@link gateHandler}; JSON with unknown fields is refused by the decoder too (connect-es
 * ignores unknown fields by default); a request it cannot even parse the URL or authority of is a 400.
 */
export function createNodeHandler(
  options: NodeHandlerOptions,
): (req: NodeRequest, res: NodeResponse) => void {
  const router = createConnectRouter({
    interceptors: [...options.interceptors],
    acceptCompression: [compressionGzip, compressionBrotli],
    compressMinBytes: RESPONSE_COMPRESS_MIN_BYTES,
    jsonOptions: { ignoreUnknownFields: false },
    // The gate keeps messages to MAX_REQUEST_BYTES and its depth limit; the decoder's own limits are a
    // backstop above them, so that what the gate lets through always decodes.
    readMaxBytes: Math.min(options.gate.maxRequestBytes + 64 * 1024, 0xffffffff),
    binaryOptions: { recursionLimit: 4 * options.gate.limits.maxDepth + 32 },
  });
  options.routes(router);
  const paths = new Map<string, UniversalHandler>(
    router.handlers.map((h) => [h.requestPath, gateHandler(h, options.gate)]),
  );
  return (req, res) => {
    const handler = paths.get(req.url?.split("?", 2)[0] ?? "");
    if (!handler) {
      res.writeHead(404);
      res.end();
      return;
    }
    let uReq;
    try {
      uReq = universalRequestFromNodeRequest(req, res, undefined, undefined);
    } catch {
      res.writeHead(400);
      res.end();
      return;
    }
    handler(uReq)
      .then((uRes) => universalResponseToNodeResponse(uRes, res))
      .catch((reason: unknown) => {
        const code = ConnectError.from(reason).code;
        if (code === Code.Aborted || code === Code.Canceled) return; // the client went away
        options.logger.error(
          { err: reason, method: `${handler.service.typeName}/${handler.method.name}` },
          "handler failed",
        );
        if (!res.headersSent) {
          res.writeHead(500);
          res.end();
        }
      });
  };
}
