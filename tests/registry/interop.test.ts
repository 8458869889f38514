import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { create, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { errorDetails, health } from "@mcp/proto/grpc";
import { CreateMcpRequestSchema, LlmApi, RegistryService, type CreateMcpRequest } from "@mcp/proto/registry";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";

/**
 * One port answers every client: gRPC (connect-node and plain grpc-js), Connect (binary and JSON,
 * HTTP/1.1 and HTTP/2), gRPC-Web, CORS preflights, buf curl through reflection, and health checks.
 */

const REPO = join(__dirname, "..", "..");
const BUF = join(REPO, "node_modules", ".bin", "buf");
const SERVICE = "mcp.registry.v1.RegistryService";
const run = promisify(execFile);

let registry: TestRegistry;

beforeAll(async () => {
  registry = await startTestRegistry();
});

afterAll(async () => {
  await registry?.stop();
});

function pythonMcp(name: string): CreateMcpRequest {
  return create(CreateMcpRequestSchema, {
    name,
    config: {
      kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
    },
  });
}

/** Creates a python_script MCP through the default (gRPC) client and returns its id. */
async function createMcp(name = uniqueName("interop")): Promise<{ id: string; name: string }> {
  const res = await registry.client.createMcp(pythonMcp(name));
  return { id: res.mcp!.id, name };
}

/** Runs `buf curl` against the test server over h2c and returns its stdout. */
async function bufCurl(...args: string[]): Promise<string> {
  const { stdout } = await run(BUF, ["curl", "--http2-prior-knowledge", ...args], { timeout: 30_000 });
  return stdout;
}

describe("plain @grpc/grpc-js client built from the .proto files", () => {
  interface GrpcMcp {
    id: string;
    name: string;
    type: string;
    latestVersion: number;
  }
  type Unary<Req, Res> = (req: Req, callback: (err: grpc.ServiceError | null, res?: Res) => void) => void;
  interface RegistryStub extends grpc.Client {
    CreateMcp: Unary<object, { mcp: GrpcMcp }>;
    GetMcp: Unary<object, { mcp: GrpcMcp; version: { version: number } }>;
  }

  let stub: RegistryStub;

  beforeAll(() => {
    // Well-known types (struct, timestamp, field_mask) come from protobufjs's built-in copies.
    const definition = protoLoader.loadSync("mcp/registry/v1/registry_service.proto", {
      includeDirs: [join(REPO, "proto")],
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      mcp: {
        registry: {
          v1: {
            RegistryService: new (address: string, credentials: grpc.ChannelCredentials) => RegistryStub;
          };
        };
      };
    };
    stub = new loaded.mcp.registry.v1.RegistryService(
      `127.0.0.1:${registry.app.server.port}`,
      grpc.credentials.createInsecure(),
    );
  });

  afterAll(() => {
    stub?.close();
  });

  function call<Req, Res>(method: Unary<Req, Res>, req: Req): Promise<Res> {
    return new Promise((resolve, reject) => {
      method.call(stub, req, (err, res) => (err ? reject(err) : resolve(res!)));
    });
  }

  it("creates an MCP and reads it back by name with the same id", async () => {
    const name = uniqueName("interop");
    const created = await call(stub.CreateMcp, {
      name,
      config: { pythonScript: { scriptContent: "print(1)" } },
    });
    expect(created.mcp.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.mcp.type).toBe("MCP_TYPE_PYTHON_SCRIPT");

    const got = await call(stub.GetMcp, { name });
    expect(got.mcp.id).toBe(created.mcp.id);
    expect(got.mcp.name).toBe(name);
    expect(got.version.version).toBe(1);
  });

  it("receives NOT_FOUND as a gRPC status for an unknown name", async () => {
    const err = await call(stub.GetMcp, { name: uniqueName("interop") }).then(
      () => undefined,
      (e: grpc.ServiceError) => e,
    );
    expect(err?.code).toBe(grpc.status.NOT_FOUND);
  });
});

describe("Connect protocol over HTTP/1.1", () => {
  const getMcpUrl = () => `${registry.url}/${SERVICE}/GetMcp`;

  it("answers a plain JSON POST of GetMcp with 200 and the MCP", async () => {
    const { id, name } = await createMcp();
    const res = await fetch(getMcpUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = (await res.json()) as {
      mcp: { id: string; name: string; type: string };
      version: { version: number };
    };
    expect(body.mcp).toMatchObject({ id, name, type: "MCP_TYPE_PYTHON_SCRIPT" });
    expect(body.version.version).toBe(1);
  });

  it("answers an unknown name with HTTP 404 and the Connect error JSON", async () => {
    const missing = uniqueName("interop");
    const res = await fetch(getMcpUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: missing }),
    });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { code: string; message: string; details?: { type: string }[] };
    expect(body.code).toBe("not_found");
    expect(body.message).toContain(missing);
    expect(body.details?.map((d) => d.type)).toContain("google.rpc.ErrorInfo");
  });

  it("serves createConnectTransport with JSON over HTTP/1.1", async () => {
    const { id, name } = await createMcp();
    const client = createClient(
      RegistryService,
      createConnectTransport({ baseUrl: registry.url, httpVersion: "1.1", useBinaryFormat: false }),
    );
    const res = await client.getMcp({ mcp: { case: "name", value: name } });
    expect(res.mcp?.id).toBe(id);
  });

  it("serves createConnectTransport with binary over HTTP/2", async () => {
    const { id, name } = await createMcp();
    const client = createClient(
      RegistryService,
      createConnectTransport({ baseUrl: registry.url, httpVersion: "2" }),
    );
    const res = await client.getMcp({ mcp: { case: "name", value: name } });
    expect(res.mcp?.id).toBe(id);
  });
});

describe("gRPC-Web", () => {
  it("serves GetMcp over HTTP/1.1", async () => {
    const { id, name } = await createMcp();
    const client = createClient(
      RegistryService,
      createGrpcWebTransport({ baseUrl: registry.url, httpVersion: "1.1" }),
    );
    const res = await client.getMcp({ mcp: { case: "name", value: name } });
    expect(res.mcp?.id).toBe(id);
    expect(res.version?.version).toBe(1);
  });

  it("reports NOT_FOUND for an unknown name", async () => {
    const client = createClient(
      RegistryService,
      createGrpcWebTransport({ baseUrl: registry.url, httpVersion: "1.1" }),
    );
    await expectCode(client.getMcp({ mcp: { case: "name", value: uniqueName("interop") } }), Code.NotFound);
  });
});

describe("CORS", () => {
  it("answers a preflight with the allowed methods and protocol headers", async () => {
    const res = await fetch(`${registry.url}/${SERVICE}/GetMcp`, {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,connect-protocol-version",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-methods")?.split(/,\s*/)).toContain("POST");
    const allowed = (res.headers.get("access-control-allow-headers") ?? "").toLowerCase().split(/,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining(["content-type", "connect-protocol-version", "x-grpc-web", "grpc-timeout"]),
    );
    expect(res.headers.get("access-control-max-age")).toBeTruthy();
  });

  it("exposes the gRPC-Web trailers on a cross-origin call", async () => {
    const { name } = await createMcp();
    const res = await fetch(`${registry.url}/${SERVICE}/GetMcp`, {
      method: "POST",
      headers: { Origin: "https://app.example.com", "content-type": "application/json" },
      body: JSON.stringify({ name }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const exposed = (res.headers.get("access-control-expose-headers") ?? "").toLowerCase();
    expect(exposed).toContain("grpc-status");
  });
});

describe("server reflection through buf curl", () => {
  it("lists the registry service over reflection v1", async () => {
    const out = await bufCurl("--list-services", registry.url);
    const services = out.trim().split("\n");
    expect(services).toEqual(expect.arrayContaining([SERVICE, "grpc.health.v1.Health"]));
  });

  it("lists the registry service over reflection v1alpha (what grpcurl uses)", async () => {
    const out = await bufCurl("--reflect-protocol", "grpc-v1alpha", "--list-services", registry.url);
    expect(out.trim().split("\n")).toContain(SERVICE);
  });

  it("lists the registry methods over both reflection protocols", async () => {
    for (const protocol of ["grpc-v1", "grpc-v1alpha"]) {
      const out = await bufCurl("--reflect-protocol", protocol, "--list-methods", registry.url);
      const methods = out.trim().split("\n");
      expect(methods).toEqual(
        expect.arrayContaining([
          `${SERVICE}/CreateMcp`,
          `${SERVICE}/GetMcp`,
          `${SERVICE}/ListMcps`,
          `${SERVICE}/UpdateMcp`,
        ]),
      );
    }
  });

  it("calls GetMcp by name with a JSON body and no proto files", async () => {
    const { id, name } = await createMcp();
    for (const protocol of ["grpc", "connect"]) {
      const out = await bufCurl(
        "--protocol",
        protocol,
        "-d",
        JSON.stringify({ name }),
        `${registry.url}/${SERVICE}/GetMcp`,
      );
      const body = JSON.parse(out) as { mcp: { id: string; name: string }; version: { version: number } };
      expect(body.mcp).toMatchObject({ id, name });
      expect(body.version.version).toBe(1);
    }
  });
});

describe("server reflection through a plain @grpc/grpc-js client (as older grpcurl releases read it)", () => {
  interface ReflectionAnswer {
    fileDescriptorResponse?: { fileDescriptorProto: Buffer[] };
    errorResponse?: { errorCode: number; errorMessage: string };
  }
  interface ReflectionStub extends grpc.Client {
    ServerReflectionInfo(): grpc.ClientDuplexStream<object, ReflectionAnswer>;
  }

  /** Sends `requests` on one reflection stream of `version` and collects the answers. */
  async function reflect(version: "v1" | "v1alpha", requests: object[]): Promise<ReflectionAnswer[]> {
    const definition = protoLoader.loadSync(`grpc/reflection/${version}/reflection.proto`, {
      includeDirs: [join(REPO, "third_party", "proto")],
      oneofs: true,
    });
    const loaded = grpc.loadPackageDefinition(definition) as unknown as {
      grpc: {
        reflection: Record<
          string,
          { ServerReflection: new (address: string, credentials: grpc.ChannelCredentials) => ReflectionStub }
        >;
      };
    };
    const Stub = loaded.grpc.reflection[version]!.ServerReflection;
    const stub = new Stub(`127.0.0.1:${registry.app.server.port}`, grpc.credentials.createInsecure());
    try {
      const stream = stub.ServerReflectionInfo();
      const answers: ReflectionAnswer[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on("data", (answer: ReflectionAnswer) => answers.push(answer));
        stream.on("end", () => resolve());
        stream.on("error", reject);
      });
      for (const request of requests) stream.write(request);
      stream.end();
      await done;
      return answers;
    } finally {
      stub.close();
    }
  }

  const names = (answer: ReflectionAnswer | undefined): string[] =>
    (answer?.fileDescriptorResponse?.fileDescriptorProto ?? []).map(
      (bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name,
    );

  it.each(["v1", "v1alpha"] as const)(
    "%s: answers with the requested file first, then its imports, each once per stream",
    async (version) => {
      const [service, message, mcpFile] = await reflect(version, [
        { fileContainingSymbol: SERVICE },
        { fileContainingSymbol: "mcp.registry.v1.McpVersion" },
        { fileByFilename: "mcp/registry/v1/mcp.proto" },
      ]);
      const first = service?.fileDescriptorResponse?.fileDescriptorProto[0];
      // what an older grpcurl takes as the answer: the file that defines the service
      expect(first && fromBinary(FileDescriptorProtoSchema, first).service.map((s) => s.name)).toEqual([
        "RegistryService",
      ]);
      expect(names(service)).toEqual([
        "mcp/registry/v1/registry_service.proto",
        "google/protobuf/field_mask.proto",
        "google/protobuf/struct.proto",
        "mcp/registry/v1/mcp.proto",
        "google/protobuf/timestamp.proto",
      ]);
      // sent already on this stream: the requested file alone
      expect(names(message)).toEqual(["mcp/registry/v1/mcp.proto"]);
      expect(names(mcpFile)).toEqual(["mcp/registry/v1/mcp.proto"]);
    },
  );
});

describe("grpc.health.v1.Health", () => {
  const client = () => createClient(health.Health, createGrpcTransport({ baseUrl: registry.url }));
  const { SERVING } = health.HealthCheckResponse_ServingStatus;

  it("reports the whole server as SERVING", async () => {
    const res = await client().check({ service: "" });
    expect(res.status).toBe(SERVING);
  });

  it("reports the registry service as SERVING", async () => {
    const res = await client().check({ service: SERVICE });
    expect(res.status).toBe(SERVING);
  });

  it("answers NOT_FOUND for a service it does not serve", async () => {
    await expectCode(client().check({ service: "no.such.v1.Service" }), Code.NotFound);
  });

  it("answers buf curl over gRPC through reflection", async () => {
    const out = await bufCurl(
      "--protocol",
      "grpc",
      "-d",
      JSON.stringify({ service: SERVICE }),
      `${registry.url}/grpc.health.v1.Health/Check`,
    );
    expect(JSON.parse(out)).toEqual({ status: "SERVING" });
  });
});

describe("error details", () => {
  it("lists every field violation of an invalid CreateMcp in a BadRequest with an ErrorInfo reason", async () => {
    const request = create(CreateMcpRequestSchema, {
      name: "9 not a name",
      config: {
        kind: {
          case: "llmPrompt",
          value: {
            template: "Summarise {{text}}",
            model: "gpt-4o-mini",
            temperature: 1.5,
            provider: {
              api: LlmApi.OPENAI_COMPATIBLE,
              baseUrl: "https://api.openai.com/v1",
              apiKeyEnv: "OPENAI_API_KEY",
            },
          },
        },
      },
    });
    const err = await expectCode(registry.client.createMcp(request), Code.InvalidArgument);

    const badRequest = err.findDetails(errorDetails.BadRequestSchema);
    expect(badRequest).toHaveLength(1);
    const fields = badRequest[0]!.fieldViolations.map((v) => v.field).sort();
    expect(fields).toEqual(["config.llm_prompt.temperature", "name"]);
    const temperature = badRequest[0]!.fieldViolations.find(
      (v) => v.field === "config.llm_prompt.temperature",
    );
    expect(temperature?.description).toMatch(/between 0 and 1/);

    const info = err.findDetails(errorDetails.ErrorInfoSchema);
    expect(info).toHaveLength(1);
    expect(info[0]!.reason).toBe("INVALID_ARGUMENT");
    expect(info[0]!.domain).toBe("registry.mcp-platform");
  });

  it("carries the same details to a Connect JSON client", async () => {
    const client = createClient(
      RegistryService,
      createConnectTransport({ baseUrl: registry.url, httpVersion: "1.1", useBinaryFormat: false }),
    );
    const err = await expectCode(
      client.createMcp({ name: "", config: pythonMcp("x").config }),
      Code.InvalidArgument,
    );
    expect(err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations.map((v) => v.field)).toEqual([
      "name",
    ]);
    expect(err.findDetails(errorDetails.ErrorInfoSchema)[0]?.reason).toBe("INVALID_ARGUMENT");
  });

  it("names the missing MCP in the ErrorInfo of a NOT_FOUND", async () => {
    const missing = uniqueName("interop");
    const err = await expectCode(
      registry.client.getMcp({ mcp: { case: "name", value: missing } }),
      Code.NotFound,
    );
    const info = err.findDetails(errorDetails.ErrorInfoSchema)[0];
    expect(info?.reason).toBe("MCP_NOT_FOUND");
    expect(info?.metadata).toMatchObject({ resource: "mcp", key: missing });
  });
});
