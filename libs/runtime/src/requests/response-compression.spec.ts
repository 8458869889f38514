import * as http2 from "node:http2";
import { gunzipSync } from "node:zlib";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  ExecutorService,
  ListRunsRequestSchema,
  ListRunsResponseSchema,
  type ListRunsRequest,
} from "@mcp/proto/executor";
import { pino } from "pino";
import { startServer, type RunningServer } from "../server";
import { RESPONSE_COMPRESS_MIN_BYTES } from "./node-handler";

/** A gRPC call over raw HTTP/2 that accepts gzip: the response's encoding header and its one frame. */
async function call(
  url: string,
  req: ListRunsRequest,
): Promise<{ encoding: string | undefined; flags: number; payload: Buffer }> {
  const client = http2.connect(url);
  try {
    return await new Promise((resolve, reject) => {
      const stream = client.request({
        ":method": "POST",
        ":path": "/mcp.executor.v1.ExecutorService/ListRuns",
        "content-type": "application/grpc",
        "grpc-accept-encoding": "gzip",
        te: "trailers",
      });
      let encoding: string | undefined;
      const chunks: Buffer[] = [];
      stream.on("response", (h) => (encoding = h["grpc-encoding"] as string | undefined));
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", reject);
      stream.on("end", () => {
        const body = Buffer.concat(chunks);
        resolve({ encoding, flags: body[0] ?? -1, payload: body.subarray(5, 5 + body.readUInt32BE(1)) });
      });
      const message = toBinary(ListRunsRequestSchema, req);
      const framed = Buffer.alloc(5 + message.byteLength);
      framed.writeUInt32BE(message.byteLength, 1);
      framed.set(message, 5);
      stream.end(framed);
    });
  } finally {
    client.close();
  }
}

describe("response compression", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "silent" }),
      services: [ExecutorService],
      routes(router) {
        router.service(ExecutorService, {
          // page_size runs of ~1 KB each: the answer's size is the test's to choose
          listRuns: (req) =>
            create(ListRunsResponseSchema, {
              runs: Array.from({ length: req.pageSize }, (_, i) => ({
                id: `${i}`,
                requestId: "r".repeat(1000),
              })),
            }),
        });
      },
    });
  });
  afterAll(() => server.close(100));

  it("sends answers under RESPONSE_COMPRESS_MIN_BYTES uncompressed (frame flag 0) to a client that accepts gzip", async () => {
    const res = await call(server.url, create(ListRunsRequestSchema, { pageSize: 50 }));
    expect(res.payload.byteLength).toBeGreaterThan(1024 * 40);
    expect(res.payload.byteLength).toBeLessThan(RESPONSE_COMPRESS_MIN_BYTES);
    expect(res.flags).toBe(0);
    expect(fromBinary(ListRunsResponseSchema, res.payload).runs).toHaveLength(50);
  });

  it("compresses larger answers with gzip for such a client", async () => {
    const res = await call(server.url, create(ListRunsRequestSchema, { pageSize: 80 }));
    expect(res.encoding).toBe("gzip");
    expect(res.flags).toBe(1);
    const plain = gunzipSync(res.payload);
    expect(plain.byteLength).toBeGreaterThanOrEqual(RESPONSE_COMPRESS_MIN_BYTES);
    expect(res.payload.byteLength).toBeLessThan(plain.byteLength / 10);
    expect(fromBinary(ListRunsResponseSchema, plain).runs).toHaveLength(80);
  });
});
