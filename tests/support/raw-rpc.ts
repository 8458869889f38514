import * as http from "node:http";
import * as http2 from "node:http2";
import { Client } from "pg";

/**
 * RPCs sent as raw bytes over HTTP, so tests can send what no client would: garbage, cut frames,
 * wrong content types, JSON with unknown fields. Each returns the status as the protocol states it.
 */

/** What a call came back with, in every protocol's terms. */
export interface RawOutcome {
  /** HTTP status of the response. */
  readonly http: number;
  /** The RPC's code name as Connect spells it (`invalid_argument`, `ok`, …), when the response has one. */
  readonly code: string | undefined;
  readonly message: string;
}

const GRPC_CODES = [
  "ok",
  "canceled",
  "unknown",
  "invalid_argument",
  "deadline_exceeded",
  "not_found",
  "already_exists",
  "permission_denied",
  "resource_exhausted",
  "failed_precondition",
  "aborted",
  "out_of_range",
  "unimplemented",
  "internal",
  "unavailable",
  "data_loss",
  "unauthenticated",
];

/** A length-prefixed message frame (gRPC, gRPC-Web, Connect streaming). */
export function frame(payload: Uint8Array, flags = 0, length = payload.byteLength): Uint8Array {
  const out = new Uint8Array(5 + payload.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, length >>> 0);
  out.set(payload, 5);
  return out;
}

/** A gRPC call over HTTP/2 (prior knowledge); status from the trailers (or trailers-only headers). */
export async function grpcCall(
  url: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<RawOutcome> {
  const session = http2.connect(url);
  session.on("error", () => undefined);
  try {
    return await new Promise<RawOutcome>((resolve, reject) => {
      const req = session.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      const timer = setTimeout(() => {
        req.close(http2.constants.NGHTTP2_CANCEL);
        reject(new Error(`no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      let fields: http2.IncomingHttpHeaders = {};
      req.on("response", (h) => {
        fields = { ...fields, ...h };
      });
      req.on("trailers", (t: http2.IncomingHttpHeaders) => {
        fields = { ...fields, ...t };
      });
      req.on("data", () => undefined);
      req.on("error", (err: Error) => {
        clearTimeout(timer);
        reject(err);
      });
      // The answer is complete at the end of the response, even if the server did not read all we sent.
      const done = () => {
        clearTimeout(timer);
        const status = fields["grpc-status"];
        resolve({
          http: Number(fields[":status"] ?? 0),
          code: status === undefined ? undefined : (GRPC_CODES[Number(status)] ?? `code ${String(status)}`),
          message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
        });
        if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
      };
      req.on("end", done);
      req.on("close", done);
      req.end(body);
    });
  } finally {
    session.close();
  }
}

/** A POST over HTTP/1.1 with exactly these headers and bytes. */
export function post(
  url: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | string,
  timeoutMs = 10_000,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${path}`, { method: "POST", headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("error", reject);
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    // The server may answer (and close) before it has read a body it refuses.
    req.on("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(body);
  });
}

/** A Connect unary call: the code from the JSON error body, `ok` on HTTP 200. */
export async function connectUnary(
  url: string,
  path: string,
  contentType: string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<RawOutcome> {
  const res = await post(url, path, { "content-type": contentType, ...headers }, body);
  if (res.status === 200) return { http: 200, code: "ok", message: "" };
  try {
    const error = JSON.parse(res.body.toString("utf8")) as { code?: string; message?: string };
    return { http: res.status, code: error.code, message: error.message ?? "" };
  } catch {
    return { http: res.status, code: undefined, message: res.body.toString("utf8").slice(0, 200) };
  }
}

/** The messages of a length-prefixed response body. */
function frames(body: Buffer): { flags: number; data: Buffer }[] {
  const out: { flags: number; data: Buffer }[] = [];
  let at = 0;
  while (at + 5 <= body.length) {
    const length = body.readUInt32BE(at + 1);
    out.push({ flags: body[at]!, data: body.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return out;
}

/** A gRPC-Web call: the status from the trailer frame (or the headers of a trailers-only answer). */
export async function grpcWebCall(
  url: string,
  path: string,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawOutcome> {
  const res = await post(url, path, { "content-type": contentType, ...headers }, body);
  const trailer = frames(res.body).find((f) => (f.flags & 0x80) !== 0);
  const fields: Record<string, string> = {};
  for (const line of (trailer?.data.toString("utf8") ?? "").split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) fields[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  const status = fields["grpc-status"] ?? (res.headers["grpc-status"] as string | undefined);
  const message = fields["grpc-message"] ?? (res.headers["grpc-message"] as string | undefined) ?? "";
  return {
    http: res.status,
    code: status === undefined ? undefined : GRPC_CODES[Number(status)],
    message: decodeURIComponent(message),
  };
}

/** A Connect server-streaming call: the code from the end-of-stream frame, `ok` when it has no error. */
export async function connectStream(
  url: string,
  path: string,
  contentType: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<RawOutcome> {
  const res = await post(url, path, { "content-type": contentType, ...headers }, body);
  if (res.status !== 200)
    return { http: res.status, code: undefined, message: res.body.toString("utf8").slice(0, 200) };
  const end = frames(res.body).find((f) => (f.flags & 0x02) !== 0);
  if (!end) return { http: 200, code: undefined, message: "no end-of-stream frame" };
  const json = JSON.parse(end.data.toString("utf8") || "{}") as {
    error?: { code?: string; message?: string };
  };
  return { http: 200, code: json.error?.code ?? "ok", message: json.error?.message ?? "" };
}

/** Rows in every table of the database but the audit log (to prove a refused request wrote nothing). */
export async function rowCounts(databaseUrl: string): Promise<Record<string, number>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      "SELECT quote_ident(table_name) AS name FROM information_schema.tables " +
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables.rows) {
      // The audit log records every attempt at a write, refused ones too (docs/adr/022): a row there
      // is the platform noting the request, not the request writing anything.
      if (name === "audit_events") continue;
      const res = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${name}`);
      counts[name] = Number(res.rows[0]?.n ?? 0);
    }
    return counts;
  } finally {
    await client.end();
  }
}
