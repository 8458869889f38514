import * as http2 from "node:http2";
import { gzipSync } from "node:zlib";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { UnauthenticatedError } from "@mcp/errors";
import {
  ExecutorService,
  GetRunResponseSchema,
  WatchRunResponseSchema,
  type WatchRunRequest,
} from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import {
  CreateMcpRequestSchema,
  CreateMcpResponseSchema,
  GetMcpStatsResponseSchema,
  RegistryService,
} from "@mcp/proto/registry";
import { pino } from "pino";
import { validationTable } from "../interceptors/validation";
import { startServer, type RunningServer } from "../server";

const logger = pino({ level: "silent" });
const MAX = 64 * 1024;

/** One gRPC call over raw HTTP/2, so the test can send bytes no client would. */
async function rawGrpc(
  url: string,
  path: string,
  body: Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: string | undefined; message: string }> {
  const client = http2.connect(url);
  try {
    return await new Promise((resolve, reject) => {
      const req = client.request({
        ":method": "POST",
        ":path": path,
        "content-type": "application/grpc",
        te: "trailers",
        ...headers,
      });
      let fields: http2.IncomingHttpHeaders = {};
      req.on("response", (h) => {
        fields = { ...fields, ...h };
      });
      req.on("trailers", (t: http2.IncomingHttpHeaders) => {
        fields = { ...fields, ...t };
      });
      req.on("data", () => undefined);
      req.on("error", reject);
      req.on("end", () =>
        resolve({
          status: fields["grpc-status"] as string | undefined,
          message: decodeURIComponent(String(fields["grpc-message"] ?? "")),
        }),
      );
      req.end(body);
    });
  } finally {
    client.close();
  }
}

function frame(payload: Uint8Array, flags = 0, length = payload.byteLength): Uint8Array {
  const out = new Uint8Array(5 + payload.byteLength);
  out[0] = flags;
  new DataView(out.buffer).setUint32(1, length);
  out.set(payload, 5);
  return out;
}

describe("the request gate", () => {
  let server: RunningServer;
  const calls: string[] = [];

  beforeAll(async () => {
    server = await startServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      logger,
      maxRequestBytes: MAX,
      services: [RegistryService, ExecutorService],
      validation: validationTable([
        [
          ExecutorService.method.watchRun.input,
          (m: WatchRunRequest) => (m.id ? [] : [{ field: "id", description: "is required" }]),
        ],
      ]),
      // Stands in for authentication: validation must answer first.
      interceptors: [
        (next) => async (req) => {
          if (req.header.get("x-deny")) throw new UnauthenticatedError("denied");
          return next(req);
        },
      ],
      routes(router) {
        router.service(RegistryService, {
          createMcp(req) {
            calls.push(`createMcp ${req.name}`);
            return create(CreateMcpResponseSchema, {});
          },
          getMcpStats() {
            calls.push("getMcpStats");
            return create(GetMcpStatsResponseSchema, { totalMcps: 1n });
          },
        });
        router.service(ExecutorService, {
          getRun() {
            return create(GetRunResponseSchema, {});
          },
          async *watchRun(req) {
            calls.push(`watchRun ${req.id}`);
            yield create(WatchRunResponseSchema, {});
          },
        });
      },
    });
  });

  afterAll(() => server.close(100));
  beforeEach(() => (calls.length = 0));

  const path = (method: string) => `/mcp.registry.v1.RegistryService/${method}`;
  const post = (
    method: string,
    contentType: string,
    body: string | Uint8Array,
    headers: Record<string, string> = {},
  ) =>
    fetch(`${server.url}${path(method)}`, {
      method: "POST",
      headers: { "content-type": contentType, ...headers },
      body,
    });

  describe("Connect", () => {
    it("refuses misspelt JSON fields with INVALID_ARGUMENT naming each, in google.rpc.BadRequest", async () => {
      const res = await post(
        "CreateMcp",
        "application/json",
        JSON.stringify({ name: "x", descripton: "d", tag: ["t"] }),
      );
      expect(res.status).toBe(400);
      const err = ConnectError.from(await connectError(res));
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.rawMessage).toContain(
        'descripton: is not a field of mcp.registry.v1.CreateMcpRequest; did you mean "description"?',
      );
      expect(calls).toEqual([]);
    });

    it("refuses JSON sent as application/proto with INVALID_ARGUMENT, saying it looks like JSON", async () => {
      const res = await post("CreateMcp", "application/proto", JSON.stringify({ name: "x" }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("invalid_argument");
      expect(body.message).toContain("the body looks like JSON: send it with content-type application/json");
    });

    it("refuses JSON that is not JSON and binary that is not protobuf", async () => {
      for (const [type, body] of [
        ["application/json", "{nope"],
        ["application/proto", new Uint8Array([0xff, 0xff, 0xff, 0xff])],
      ] as const) {
        const res = await post("CreateMcp", type, body);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { code: string }).code).toBe("invalid_argument");
      }
    });

    it("takes gzip bodies, and refuses one that does not decompress", async () => {
      const json = JSON.stringify({ name: "zipped" });
      const ok = await post("CreateMcp", "application/json", gzipSync(json), { "content-encoding": "gzip" });
      expect(ok.status).toBe(200);
      expect(calls).toEqual(["createMcp zipped"]);
      const bad = await post("CreateMcp", "application/json", gzipSync(json).subarray(0, 10), {
        "content-encoding": "gzip",
      });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { message: string }).message).toContain(
        "the body does not decompress as gzip",
      );
    });

    it("refuses a body over MAX_REQUEST_BYTES, saying so", async () => {
      const res = await post("CreateMcp", "application/json", JSON.stringify({ name: "x".repeat(MAX) }));
      expect(res.status).toBe(400);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).toBe("invalid_argument");
      expect(body.message).toMatch(
        /^the request is \d+ bytes; at most 65536 bytes are accepted \(MAX_REQUEST_BYTES\)/,
      );
    });

    it("checks GET requests too: garbage is INVALID_ARGUMENT, a valid one is answered", async () => {
      const get = (query: string) => fetch(`${server.url}${path("GetMcpStats")}?${query}`);
      const garbage = await get("encoding=proto&base64=1&message=%2F%2F%2F%2F");
      expect(garbage.status).toBe(400);
      const notBase64 = await get("encoding=proto&base64=1&message=*");
      expect(notBase64.status).toBe(400);
      const unknown = await get(`encoding=json&message=${encodeURIComponent('{"nope":1}')}`);
      expect(unknown.status).toBe(400);
      const ok = await get("encoding=json&message=%7B%7D");
      expect(ok.status).toBe(200);
      expect(calls).toEqual(["getMcpStats"]);
    });

    it("refuses a bad WatchRun over Connect streaming JSON before the handler", async () => {
      const client = createClient(
        ExecutorService,
        createConnectTransport({ baseUrl: server.url, httpVersion: "1.1" }),
      );
      const err = await drain(client.watchRun({ id: "not-a-uuid" }));
      expect(err?.code).toBe(Code.InvalidArgument);
      expect(err?.rawMessage).toBe("id: must be a UUID");
      expect(calls).toEqual([]);
    });
  });

  describe("gRPC", () => {
    const call = (body: Uint8Array, headers?: Record<string, string>) =>
      rawGrpc(server.url, path("CreateMcp"), body, headers);
    const valid = toBinary(CreateMcpRequestSchema, create(CreateMcpRequestSchema, { name: "ok" }));

    it.each([
      ["bytes that are not protobuf", frame(new Uint8Array([0xff, 0xff, 0xff])), "it ends inside a varint"],
      ["a frame cut short", frame(new Uint8Array([0x0a]), 0, 10), "the body ends inside a message frame"],
      ["no message", new Uint8Array(0), "the request carries no message"],
      ["two messages", new Uint8Array([...frame(valid), ...frame(valid)]), "more than one message"],
      [
        "a frame flagged compressed without an encoding",
        frame(valid, 1),
        "flagged compressed, but the request names no compression",
      ],
      ["a frame with trailer flags", frame(valid, 0x80), "a message frame has flags 0x80"],
      [
        "a frame announcing 2 GB",
        frame(new Uint8Array(0), 0, 2 ** 31),
        "the request is 2147483648 bytes; at most 65536",
      ],
    ])("answers INVALID_ARGUMENT (3) to %s", async (_what, body, message) => {
      const res = await call(body);
      expect(res.status).toBe("3");
      expect(res.message).toContain(message);
      expect(calls).toEqual([]);
    });

    it("decompresses gzip frames itself", async () => {
      const res = await call(frame(gzipSync(valid), 1), { "grpc-encoding": "gzip" });
      expect(res.status).toBe("0");
      expect(calls).toEqual(["createMcp ok"]);
    });

    it("validates WatchRun (server streaming) like any unary call, before the handler", async () => {
      const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: server.url }));
      expect((await drain(client.watchRun({})))?.rawMessage).toBe("id: is required");
      expect((await drain(client.watchRun({ id: "x\u0000" })))?.rawMessage).toBe(
        "id: must not contain U+0000 (NUL); id: must be a UUID",
      );
      expect(await drain(client.watchRun({ id: "7c3e0a52-9d4b-4f5e-8f00-1d2c3b4a5e6f" }))).toBeUndefined();
      expect(calls).toEqual(["watchRun 7c3e0a52-9d4b-4f5e-8f00-1d2c3b4a5e6f"]);
    });

    it("validates before authentication, so garbage never costs a key lookup", async () => {
      const client = createClient(RegistryService, createGrpcTransport({ baseUrl: server.url }));
      const err = await client
        .createMcp({ name: "a\u0000" }, { headers: { "x-deny": "1" } })
        .catch((e: unknown) => e);
      expect(ConnectError.from(err).code).toBe(Code.InvalidArgument);
      const denied = await client
        .createMcp({ name: "a" }, { headers: { "x-deny": "1" } })
        .catch((e: unknown) => e);
      expect(ConnectError.from(denied).code).toBe(Code.Unauthenticated);
    });
  });

  describe("gRPC-Web", () => {
    it("refuses unknown JSON fields with INVALID_ARGUMENT naming the field", async () => {
      const body = frame(new TextEncoder().encode(JSON.stringify({ name: "x", timeout: 3 })));
      const res = await post("CreateMcp", "application/grpc-web+json", body);
      const text = Buffer.from(await res.arrayBuffer()).toString("latin1");
      expect(text).toMatch(/grpc-status: ?3\r\n/);
      expect(decodeURIComponent(text)).toContain(
        "timeout: is not a field of mcp.registry.v1.CreateMcpRequest",
      );
      expect(calls).toEqual([]);
    });

    it("answers a valid call over the binary codec", async () => {
      const client = createClient(
        RegistryService,
        createGrpcWebTransport({ baseUrl: server.url, httpVersion: "1.1" }),
      );
      await expect(client.createMcp({ name: "web" })).resolves.toBeDefined();
      const err = ConnectError.from(
        await client.createMcp({ name: "web\u0000" }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      );
      expect(err.code).toBe(Code.InvalidArgument);
      expect(err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations[0]?.field).toBe("name");
    });
  });
});

/** Reads a server stream to its end; returns the error it ended with, if any. */
async function drain(stream: AsyncIterable<unknown>): Promise<ConnectError | undefined> {
  try {
    for await (const _ of stream) {
      // read on
    }
    return undefined;
  } catch (err) {
    return ConnectError.from(err);
  }
}

/** The ConnectError a Connect unary error response carries. */
async function connectError(res: Response): Promise<ConnectError> {
  const body = (await res.json()) as { code: string; message: string };
  const code = Object.entries(Code).find(([name]) => name.toLowerCase() === body.code.replace(/_/g, ""))?.[1];
  return new ConnectError(body.message, (code as Code | undefined) ?? Code.Unknown);
}
