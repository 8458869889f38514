import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { NotFoundError, type FieldViolation } from "@mcp/errors";
import { errorDetails, health, reflectionV1, reflectionV1alpha } from "@mcp/proto/grpc";
import {
  RegistryService,
  GetMcpStatsResponseSchema,
  type CreateMcpRequest,
  CreateMcpRequestSchema,
} from "@mcp/proto/registry";
import { pino } from "pino";
import { validationTable } from "./interceptors/validation.js";
import { startServer, type RunningServer } from "./server.js";
import { reasonOf } from "./errors.js";

const logger = pino({ level: "silent" });

/** The names of the file descriptors in a reflection answer, in the order they were sent. */
function fileNames(answer: { case: string | undefined; value?: unknown }): string[] {
  if (answer.case !== "fileDescriptorResponse")
    throw new Error(`expected file descriptors, got ${answer.case}`);
  const { fileDescriptorProto } = answer.value as { fileDescriptorProto: Uint8Array[] };
  return fileDescriptorProto.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
}

describe("startServer", () => {
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      logger,
      services: [RegistryService],
      validation: validationTable([
        [
          CreateMcpRequestSchema,
          (m: CreateMcpRequest): FieldViolation[] =>
            m.name ? [] : [{ field: "name", description: "is required" }],
        ],
      ]),
      routes(router) {
        router.service(RegistryService, {
          getMcp(req) {
            throw new NotFoundError("mcp", req.mcp.value ?? "");
          },
          getMcpStats() {
            return create(GetMcpStatsResponseSchema, { totalMcps: 7n });
          },
          createMcp() {
            throw new Error("secret internals");
          },
        });
      },
    });
  });

  afterAll(() => server.close(100));

  const grpc = <T extends Parameters<typeof createClient>[0]>(service: T): Client<T> =>
    createClient<T>(service, createGrpcTransport({ baseUrl: server.url }));

  it("answers gRPC over HTTP/2", async () => {
    const res = await grpc(RegistryService).getMcpStats({});
    expect(res.totalMcps).toBe(7n);
  });

  it("answers Connect JSON over HTTP/1.1 on the same port", async () => {
    const res = await fetch(`${server.url}/mcp.registry.v1.RegistryService/GetMcpStats`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ totalMcps: "7" });
    expect(res.headers.get("x-request-id")).toBeTruthy();
  });

  it("maps domain errors to their gRPC code with an ErrorInfo reason", async () => {
    const err = await grpc(RegistryService)
      .getMcp({ mcp: { case: "name", value: "nope" } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.NotFound);
    expect((err as ConnectError).rawMessage).toBe('mcp "nope" not found');
    expect(reasonOf(err as ConnectError)).toBe("MCP_NOT_FOUND");
  });

  it("rejects invalid requests in the validation interceptor with every field violation", async () => {
    const err = (await grpc(RegistryService)
      .createMcp({})
      .catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.InvalidArgument);
    expect(err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual([
      "name",
    ]);
  });

  it("hides unexpected errors behind INTERNAL", async () => {
    const err = (await grpc(RegistryService)
      .createMcp({ name: "x" })
      .catch((e: unknown) => e)) as ConnectError;
    expect(err.code).toBe(Code.Internal);
    expect(err.rawMessage).not.toContain("secret");
  });

  it("serves grpc.health.v1 with SERVING for the server and each service, NOT_FOUND for others", async () => {
    const h = grpc(health.Health);
    expect((await h.check({})).status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
    expect((await h.check({ service: "mcp.registry.v1.RegistryService" })).status).toBe(
      health.HealthCheckResponse_ServingStatus.SERVING,
    );
    await expect(h.check({ service: "nope.Service" })).rejects.toMatchObject({ code: Code.NotFound });
  });

  it.each([
    ["v1", reflectionV1],
    ["v1alpha", reflectionV1alpha],
  ] as const)("serves server reflection %s: services and file descriptors", async (_v, pkg) => {
    const client = grpc(pkg.ServerReflection);
    async function* requests() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
      yield {
        messageRequest: { case: "fileContainingSymbol" as const, value: "mcp.registry.v1.RegistryService" },
      };
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "mcp.registry.v1.Nope" } };
      // already sent on this stream: the requested file alone (it is always included)
      yield { messageRequest: { case: "fileContainingSymbol" as const, value: "mcp.registry.v1.Mcp" } };
    }
    const answers = [];
    for await (const res of client.serverReflectionInfo(requests())) answers.push(res);
    expect(answers).toHaveLength(4);
    const list = answers[0]!.messageResponse;
    expect(list.case).toBe("listServicesResponse");
    expect(list.case === "listServicesResponse" && list.value.service.map((s) => s.name)).toEqual([
      "grpc.health.v1.Health",
      "grpc.reflection.v1.ServerReflection",
      "grpc.reflection.v1alpha.ServerReflection",
      "mcp.registry.v1.RegistryService",
    ]);
    // The requested file FIRST (grpc-go's order; older grpcurl releases take the first descriptor as
    // the answer), then its imports breadth-first, each once per stream.
    expect(fileNames(answers[1]!.messageResponse)).toEqual([
      "mcp/registry/v1/registry_service.proto",
      "google/protobuf/field_mask.proto",
      "google/protobuf/struct.proto",
      "mcp/registry/v1/mcp.proto",
      "google/protobuf/timestamp.proto",
    ]);
    expect(answers[2]!.messageResponse.case).toBe("errorResponse");
    expect(fileNames(answers[3]!.messageResponse)).toEqual(["mcp/registry/v1/mcp.proto"]);
  });

  it("answers CORS preflight requests for browser clients", async () => {
    const res = await fetch(`${server.url}/mcp.registry.v1.RegistryService/GetMcpStats`, {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toContain("Connect-Protocol-Version");
  });
});

describe("graceful shutdown", () => {
  it("lets an in-flight call finish, then refuses new connections", async () => {
    let release!: () => void;
    let started!: () => void;
    const inFlight = new Promise<void>((r) => (started = r));
    const server = await startServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      logger,
      services: [RegistryService],
      routes(router) {
        router.service(RegistryService, {
          async getMcpStats() {
            started();
            await new Promise<void>((r) => (release = r));
            return create(GetMcpStatsResponseSchema, { totalMcps: 1n });
          },
        });
      },
    });
    const client = createClient(RegistryService, createGrpcTransport({ baseUrl: server.url }));
    const call = client.getMcpStats({});
    await inFlight;
    const closing = server.close(5_000);
    expect(server.health.get("")).toBe(health.HealthCheckResponse_ServingStatus.NOT_SERVING);
    release();
    await expect(call).resolves.toMatchObject({ totalMcps: 1n });
    await closing;
    await expect(fetch(`${server.url}/grpc.health.v1.Health/Check`, { method: "POST" })).rejects.toThrow();
  });
});
