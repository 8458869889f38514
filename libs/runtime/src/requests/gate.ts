import type { JsonValue } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { base64Decode } from "@bufbuild/protobuf/wire";
import { Code, type ConnectError } from "@connectrpc/connect";
import {
  createAsyncIterable,
  type UniversalHandler,
  type UniversalServerRequest,
  type UniversalServerResponse,
} from "@connectrpc/connect/protocol";
import {
  codeToHttpStatus,
  errorToJsonBytes,
  parseContentType as parseConnectContentType,
} from "@connectrpc/connect/protocol-connect";
import { parseContentType as parseGrpcContentType } from "@connectrpc/connect/protocol-grpc";
import { parseContentType as parseGrpcWebContentType } from "@connectrpc/connect/protocol-grpc-web";
import type { Logger } from "pino";
import { checkMessage, envelopedBody, readUnaryBody, type BodyCheck } from "./bodies.js";
import { compressionNamed, decompress } from "./decompress.js";
import { Refusals } from "./refusal.js";
import type { ShapeLimits } from "./scan-result.js";
import { errorMessage } from "@mcp/errors";

/** How the request gate reads bodies. */
export interface GateOptions {
  /** MAX_REQUEST_BYTES: the largest request message (after decompression). */
  readonly maxRequestBytes: number;
  readonly limits: ShapeLimits;
  /** ErrorInfo domain of the refusals. */
  readonly domain: string;
  readonly logger: Logger;
}

/** How a request travels, as the handler connect-es would pick for it sees it. */
type Route =
  | { readonly kind: "unary"; readonly json: boolean }
  | { readonly kind: "enveloped"; readonly json: boolean; readonly compressionHeader: string }
  | { readonly kind: "get" }
  | { readonly kind: "other" };

/**
 * Puts the request gate in front of one RPC's handler: before connect-es decodes anything, the body
 * is read (never more than MAX_REQUEST_BYTES per message), decompressed, and scanned against the
 * request's schema (docs/adr/009): malformed bytes, JSON that is not JSON or has unknown fields or
 * wrong types, JSON sent as binary, bad frames, and requests over the size, field-count or depth
 * limits are refused with INVALID_ARGUMENT naming the field, formatted by connect-es for the
 * protocol in use. Only what passes reaches the decoder, so decoding stays cheap and never fails.
 * Requests connect-es would not route (unsupported media types, methods) pass through untouched.
 */
export function gateHandler(handler: UniversalHandler, options: GateOptions): UniversalHandler {
  const refusals = new Refusals(options.domain, options.maxRequestBytes);
  const method = `${handler.service.typeName}/${handler.method.name}`;
  const single = handler.method.methodKind === "unary" || handler.method.methodKind === "server_streaming";
  const check = (json: boolean): BodyCheck => ({
    input: handler.method.input,
    json,
    limits: options.limits,
    refusals,
    onRefuse: (err) =>
      options.logger.info({ method, code: Code[err.code], error: err.rawMessage }, "request refused"),
  });

  const gated = async (req: UniversalServerRequest): Promise<UniversalServerResponse> => {
    const route = routeOf(handler, req);
    const body = req.body;
    if (route.kind === "other" || !isByteStream(body)) return handler(req);
    if (route.kind === "get") {
      const refusal = await checkGet(req, check(false), refusals);
      if (!refusal) return handler(req);
      check(false).onRefuse(refusal);
      return connectErrorResponse(refusal);
    }
    if (route.kind === "unary") {
      const declared = req.header.get("content-length");
      const compression = compressionNamed(req.header.get("content-encoding"));
      // connect-es checks a declared length against its own limit, and decompresses by this header:
      // the gate does both itself and hands on the plain message.
      req.header.delete("content-length");
      if (compression) req.header.delete("content-encoding");
      const unary = check(route.json);
      try {
        const bytes = await readUnaryBody(body, unary, {
          declaredLength: declared === null ? undefined : Number(declared),
          compression,
        });
        if (!route.json) return handler({ ...req, body: createAsyncIterable([bytes]) });
        // Parsed here, in a turn of its own, so connect-es only maps the parsed value to the message.
        await new Promise((resolve) => setImmediate(resolve));
        return handler({ ...req, body: parseJson(bytes, refusals) });
      } catch (err) {
        if (!refusals.isRefusal(err)) throw err;
        unary.onRefuse(err);
        return connectErrorResponse(err);
      }
    }
    return handler({
      ...req,
      body: envelopedBody(body, check(route.json), {
        compression: compressionNamed(req.header.get(route.compressionHeader)),
        single,
      }),
    });
  };
  return Object.assign(gated, {
    service: handler.service,
    method: handler.method,
    requestPath: handler.requestPath,
    protocolNames: handler.protocolNames,
    allowedMethods: handler.allowedMethods,
    supportedContentType: handler.supportedContentType,
  });
}

/** Which of connect-es's protocol handlers would take the request (mirroring its negotiation). */
function routeOf(handler: UniversalHandler, req: UniversalServerRequest): Route {
  const contentType = req.header.get("content-type") ?? "";
  const streaming = handler.method.methodKind !== "unary";
  if (req.method === "GET") {
    const cacheable = handler.method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
    return cacheable && !streaming ? { kind: "get" } : { kind: "other" };
  }
  if (req.method !== "POST") return { kind: "other" };
  const grpc = parseGrpcContentType(contentType);
  if (grpc) return { kind: "enveloped", json: !grpc.binary, compressionHeader: "grpc-encoding" };
  const grpcWeb = parseGrpcWebContentType(contentType);
  if (grpcWeb) {
    return grpcWeb.text
      ? { kind: "other" }
      : { kind: "enveloped", json: !grpcWeb.binary, compressionHeader: "grpc-encoding" };
  }
  const connect = parseConnectContentType(contentType);
  if (!connect || connect.stream !== streaming) return { kind: "other" };
  return connect.stream
    ? { kind: "enveloped", json: !connect.binary, compressionHeader: "connect-content-encoding" }
    : { kind: "unary", json: !connect.binary };
}

/** A Connect GET request carries its message in the query: check it the same way. */
async function checkGet(
  req: UniversalServerRequest,
  check: BodyCheck,
  refusals: Refusals,
): Promise<ConnectError | undefined> {
  const query = new URL(req.url).searchParams;
  const encoding = query.get("encoding");
  if (encoding !== "json" && encoding !== "proto") return undefined; // connect-es: unsupported media type
  const requested = query.get("compression");
  const compression = compressionNamed(requested);
  if (requested && requested !== "identity" && !compression) return undefined; // connect-es: unimplemented
  try {
    const text = query.get("message") ?? "";
    let bytes: Uint8Array;
    if (query.get("base64") === "1") {
      try {
        bytes = base64Decode(text);
      } catch {
        return refusals.request("the message query parameter is not base64");
      }
    } else {
      bytes = new TextEncoder().encode(text);
    }
    if (bytes.byteLength > refusals.maxRequestBytes) return refusals.tooLarge(bytes.byteLength);
    if (compression) bytes = await decompress(bytes, compression, refusals);
    checkMessage(bytes, { ...check, json: encoding === "json" });
    return undefined;
  } catch (err) {
    if (refusals.isRefusal(err)) return err;
    throw err;
  }
}

/** The JSON of a body the scanner accepted (so it parses; a failure is still the caller's). */
function parseJson(bytes: Uint8Array, refusals: Refusals): JsonValue {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as JsonValue;
  } catch (err) {
    throw refusals.request(`the body is not valid JSON: ${errorMessage(err)}`);
  }
}

/** A Connect unary error response, as connect-es writes one. */
function connectErrorResponse(err: ConnectError): UniversalServerResponse {
  return {
    status: codeToHttpStatus(err.code),
    header: new Headers({ "content-type": "application/json" }),
    body: createAsyncIterable([errorToJsonBytes(err, {})]),
  };
}

function isByteStream(body: UniversalServerRequest["body"]): body is AsyncIterable<Uint8Array> {
  return typeof body === "object" && body !== null && Symbol.asyncIterator in body;
}
