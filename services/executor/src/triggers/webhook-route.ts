import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import type { HttpRoute, Logger } from "@mcp/runtime";
import type { Answer, Delivery } from "./deliveries.js";
import { SIGNATURE_HEADER } from "./signature.js";

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/** Where webhooks are served: `/hooks/<trigger name>`. */
export const HOOKS_PREFIX = "/hooks/";

/** The delivery id headers, first found wins. */
const DELIVERY_HEADERS = ["x-delivery-id", "x-github-delivery"] as const;

const header = (req: Req, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function send(res: Res, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}

const error = (reason: string, message: string) => ({ error: { reason, message } });

/**
 * The webhook route on the executor's port (beside the RPCs): `POST /hooks/<name>` with a body of at
 * most `maxBodyBytes` (413 beyond, read no further) is handed to `deliver` and its answer written as
 * JSON (`Retry-After` on 429). Any other method is 405. Requests outside `/hooks/` pass on to the RPCs.
 */
export function webhookRoute(
  deliver: (delivery: Delivery) => Promise<Answer>,
  options: { readonly maxBodyBytes: number; readonly logger: Logger },
): HttpRoute {
  const { maxBodyBytes, logger } = options;
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (!path.startsWith(HOOKS_PREFIX)) return false;
    let name: string;
    try {
      name = decodeURIComponent(path.slice(HOOKS_PREFIX.length));
    } catch {
      name = "";
    }
    if (req.method !== "POST") {
      send(res, 405, error("METHOD_NOT_ALLOWED", "webhooks take POST"), { Allow: "POST" });
      return true;
    }
    // HTTP/1.1: the connection closes once the answer is out, so the rest of the body is never read
    const tooLarge = () =>
      send(res, 413, error("BODY_TOO_LARGE", `the body is larger than ${maxBodyBytes} bytes`), {
        ...("httpVersionMajor" in req && req.httpVersionMajor === 1 ? { Connection: "close" } : {}),
      });
    const declared = Number(header(req, "content-length") ?? NaN);
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      tooLarge();
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on("data", (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => undefined);
    req.on("end", () => {
      if (refused) return;
      const delivery: Delivery = {
        triggerName: name,
        body: Buffer.concat(chunks),
        signature: header(req, SIGNATURE_HEADER),
        deliveryId: DELIVERY_HEADERS.map((h) => header(req, h)).find((v) => v !== undefined),
      };
      deliver(delivery).then(
        (answer) => {
          logger.info(
            {
              trigger: name,
              deliveryId: delivery.deliveryId,
              status: answer.status,
              ...("runId" in answer.body
                ? { runId: answer.body.runId }
                : { reason: answer.body.error.reason }),
            },
            "webhook delivery",
          );
          send(
            res,
            answer.status,
            answer.body,
            "retryAfterSeconds" in answer && answer.retryAfterSeconds !== undefined
              ? { "Retry-After": String(answer.retryAfterSeconds) }
              : {},
          );
        },
        (err: unknown) => {
          logger.error({ err, trigger: name }, "webhook delivery failed");
          send(res, 500, error("INTERNAL", "internal error; see the executor's log"));
        },
      );
    });
    return true;
  };
}
