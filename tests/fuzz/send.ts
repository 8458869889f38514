import * as http from "node:http";
import { fromJson } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, type Transport } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { connectStream, connectUnary, grpcCall, grpcWebCall, type RawOutcome } from "../support/raw-rpc";
import type { Request, Wire } from "./cases";
import type { Rpc } from "./rpcs";

/** How a call ended: the RPC code as Connect spells it (or none), the HTTP status when raw. */
export interface Outcome {
  readonly code: string | undefined;
  readonly http: number | undefined;
  readonly message: string;
  /** The call failed below the RPC layer (a reset, a refused connection). */
  readonly transportError?: string;
}

/** One connect-es transport per service URL and wire, reused across cases. */
export class Transports {
  private readonly cache = new Map<string, Transport>();

  get(url: string, wire: Wire): Transport {
    const key = `${url} ${wire}`;
    let transport = this.cache.get(key);
    if (!transport) {
      transport =
        wire === "grpc"
          ? createGrpcTransport({ baseUrl: url })
          : wire === "connect-json" || wire === "connect-proto"
            ? createConnectTransport({
                baseUrl: url,
                httpVersion: "1.1",
                useBinaryFormat: wire === "connect-proto",
              })
            : createGrpcWebTransport({
                baseUrl: url,
                httpVersion: "1.1",
                useBinaryFormat: wire === "grpc-web-proto",
              });
      this.cache.set(key, transport);
    }
    return transport;
  }
}

const codeName = (code: Code) => Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();

/** Sends `request` as a call of `rpc`; never throws. */
export async function send(
  rpc: Rpc,
  request: Request,
  transports: Transports,
  timeoutMs: number,
): Promise<Outcome> {
  try {
    if (request.type === "client")
      return await viaClient(rpc, request.wire, request.json, transports, timeoutMs);
    return fromRaw(await viaRaw(rpc, request, timeoutMs));
  } catch (err) {
    return { code: undefined, http: undefined, message: "", transportError: String(err) };
  }
}

async function viaClient(
  rpc: Rpc,
  wire: Wire,
  json: Parameters<typeof fromJson>[1],
  transports: Transports,
  timeoutMs: number,
): Promise<Outcome> {
  const client = createClient(rpc.service, transports.get(rpc.url, wire)) as unknown as Record<
    string,
    (message: unknown, options: { timeoutMs: number }) => unknown
  >;
  const message = fromJson(rpc.method.input, json);
  const call = client[rpc.method.localName]!;
  try {
    if (rpc.method.methodKind === "server_streaming") {
      for await (const _ of call(message, { timeoutMs }) as AsyncIterable<unknown>) {
        // read on
      }
    } else {
      await call(message, { timeoutMs });
    }
    return { code: "ok", http: undefined, message: "" };
  } catch (err) {
    const ce = ConnectError.from(err);
    return { code: codeName(ce.code), http: undefined, message: ce.rawMessage };
  }
}

async function viaRaw(
  rpc: Rpc,
  request: Extract<Request, { type: "raw" }>,
  timeoutMs: number,
): Promise<RawOutcome> {
  const path = `/${rpc.service.typeName}/${rpc.method.name}`;
  const headers = {
    ...request.headers,
    ...(request.contentType ? { "content-type": request.contentType } : {}),
  };
  if (request.httpMethod !== "POST")
    return plain(rpc.url, `${path}${request.query ? `?${request.query}` : ""}`, request, timeoutMs);
  switch (request.protocol) {
    case "grpc":
      return grpcCall(rpc.url, path, request.body, headers, timeoutMs);
    case "grpc-web":
      return grpcWebCall(rpc.url, path, request.contentType ?? "", request.body, request.headers);
    case "connect":
      if (!request.contentType) return plain(rpc.url, path, request, timeoutMs);
      return request.contentType.startsWith("application/connect+")
        ? connectStream(rpc.url, path, request.contentType, request.body, request.headers)
        : connectUnary(rpc.url, path, request.contentType, request.body, request.headers);
  }
}

/** Any other HTTP request (GET, PUT, no content type): the code from a JSON error body, if any. */
function plain(
  url: string,
  path: string,
  request: Extract<Request, { type: "raw" }>,
  timeoutMs: number,
): Promise<RawOutcome> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${path}`,
      {
        method: request.httpMethod,
        headers: {
          ...request.headers,
          ...(request.contentType ? { "content-type": request.contentType } : {}),
        },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let code: string | undefined = res.statusCode === 200 ? "ok" : undefined;
          let message = "";
          try {
            const body = JSON.parse(text) as { code?: string; message?: string };
            if (res.statusCode !== 200) code = body.code;
            message = body.message ?? "";
          } catch {
            message = text.slice(0, 200);
          }
          resolve({ http: res.statusCode ?? 0, code, message });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(request.httpMethod === "GET" ? undefined : request.body);
  });
}

function fromRaw(raw: RawOutcome): Outcome {
  return { code: raw.code, http: raw.http, message: raw.message };
}
