import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport, createGrpcWebTransport } from "@connectrpc/connect-node";
import { ExecutorService } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { CreateMcpRequestSchema, RegistryService } from "@mcp/proto/registry";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { connectStream, connectUnary, frame, grpcCall, grpcWebCall, rowCounts } from "../support/raw-rpc";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

/**
 * Issue 14's request findings, end to end against the real services: every one answered
 * INVALID_ARGUMENT naming what is wrong (never INTERNAL or HTTP 500), before anything is written.
 */
describe("Poison requests (issue 14)", () => {
  let p: TestPlatform;
  const echo = uniqueName("echo");
  const flow = uniqueName("flow");
  let registry: string;
  let executor: string;

  beforeAll(async () => {
    p = await startPlatform();
    registry = p.registry.url;
    executor = p.executors[0]!.server.url;
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.workflows.createWorkflow({
      name: flow,
      spec: spec([step("echo", echo, { inputs: { text: input("x") } })], {
        inputs: [{ name: "x", required: true }],
      }),
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  /** Runs `refused` and checks it wrote nothing to any table. */
  async function writesNothing(refused: () => Promise<unknown>): Promise<void> {
    const before = await rowCounts(p.db.url);
    await refused();
    expect(await rowCounts(p.db.url)).toEqual(before);
  }

  const fields = (err: ConnectError) =>
    err.findDetails(errorDetails.BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => v.field));

  it("ExecuteWorkflow › U+0000 in an input is INVALID_ARGUMENT naming inputs.x, and no run is created", async () => {
    await writesNothing(async () => {
      const err = await expectCode(
        p.clients.executor.executeWorkflow({
          workflow: { workflow: { case: "name", value: flow } },
          inputs: { x: "a\u0000b" },
        }),
        Code.InvalidArgument,
      );
      expect(err.rawMessage).toBe("inputs.x: must not contain U+0000 (NUL)");
      expect(fields(err)).toEqual(["inputs.x"]);
    });
  });

  it("ExecuteWorkflow › U+0000 in request_id is INVALID_ARGUMENT naming request_id", async () => {
    await writesNothing(async () => {
      const err = await expectCode(
        p.clients.executor.executeWorkflow({
          workflow: { workflow: { case: "name", value: flow } },
          inputs: { x: "fine" },
          requestId: "req\u0000",
        }),
        Code.InvalidArgument,
      );
      expect(fields(err)).toEqual(["request_id"]);
    });
  });

  it("RunMcp › a lone surrogate (\\ud800) in an input, over Connect JSON, is INVALID_ARGUMENT naming it", async () => {
    await writesNothing(async () => {
      const res = await connectUnary(
        executor,
        "/mcp.executor.v1.ExecutorService/RunMcp",
        "application/json",
        `{"mcp": {"name": "${echo}"}, "inputs": {"text": "a\\ud800"}}`,
      );
      expect(res).toEqual({
        http: 400,
        code: "invalid_argument",
        message: "inputs.text: must be valid Unicode text (it contains an unpaired UTF-16 surrogate)",
      });
    });
  });

  it("ListMcps › U+0000 in filter.text is INVALID_ARGUMENT naming filter.text", async () => {
    const err = await expectCode(
      p.clients.registry.listMcps({ filter: { text: "ech\u0000" } }),
      Code.InvalidArgument,
    );
    expect(fields(err)).toEqual(["filter.text"]);
  });

  it("WatchRun › {} and a malformed id are INVALID_ARGUMENT, as for GetRun (gRPC and Connect streaming JSON)", async () => {
    for (const request of [{}, { id: "not-a-uuid" }]) {
      const get = await expectCode(p.clients.executor.getRun(request), Code.InvalidArgument);
      let watched: ConnectError | undefined;
      try {
        for await (const _ of p.clients.executor.watchRun(request)) {
          // read on
        }
      } catch (err) {
        watched = ConnectError.from(err);
      }
      expect(watched?.code).toBe(Code.InvalidArgument);
      expect(watched?.rawMessage).toBe(get.rawMessage);
      const overConnect = await connectStream(
        executor,
        "/mcp.executor.v1.ExecutorService/WatchRun",
        "application/connect+json",
        frame(new TextEncoder().encode(JSON.stringify(request))),
      );
      expect(overConnect.code).toBe("invalid_argument");
    }
  });

  it("UpdateMcp › a 5 MB update_mask is refused at once, and a call beside it completes promptly", async () => {
    for (const size of [5_000_000, 3_900_000]) {
      const body = JSON.stringify({ name: echo, updateMask: "aB".repeat(size / 2) });
      const started = performance.now();
      const refusal = connectUnary(
        registry,
        "/mcp.registry.v1.RegistryService/UpdateMcp",
        "application/json",
        body,
      );
      // Another call sent while the big one is being read and refused.
      const besideStarted = performance.now();
      await p.clients.registry.getMcpStats({});
      const beside = performance.now() - besideStarted;
      const res = await refusal;
      const took = performance.now() - started;
      expect(res.code).toBe("invalid_argument");
      expect(res.message).toMatch(
        size > 4 * 1024 * 1024
          ? /^the request is \d+ bytes; at most 4194304 bytes are accepted \(MAX_REQUEST_BYTES\)/
          : /^update_mask: is a string of more than 16384 characters$/,
      );
      // Before: 6.9 s for the refusal and 6.5 s for the call beside it. Bounds well under that but
      // generous for a machine loaded by the suites and unit tests running beside this one (CI saw
      // 1.3 s); the scan's CPU is held linear in the body's size in @mcp/runtime's unit tests.
      expect(took).toBeLessThan(3_000);
      expect(beside).toBeLessThan(3_000);
    }
  });

  it("CreateMcp › application/proto with a JSON body is INVALID_ARGUMENT saying to send JSON as JSON", async () => {
    const res = await connectUnary(
      registry,
      "/mcp.registry.v1.RegistryService/CreateMcp",
      "application/proto",
      JSON.stringify({ name: uniqueName("x"), config: scriptConfig(ECHO_SCRIPT) }),
    );
    expect(res.http).toBe(400);
    expect(res.code).toBe("invalid_argument");
    expect(res.message).toContain("the body looks like JSON: send it with content-type application/json");
  });

  it("CreateMcp › misspelt JSON fields (descripton, tag, timeout) are INVALID_ARGUMENT naming each; nothing is created", async () => {
    const name = uniqueName("typo");
    const body = {
      name,
      descripton: "d",
      tag: ["demo"],
      config: { pythonScript: { scriptContent: ECHO_SCRIPT, timeout: 5 } },
    };
    await writesNothing(async () => {
      const connect = await connectUnary(
        registry,
        "/mcp.registry.v1.RegistryService/CreateMcp",
        "application/json",
        JSON.stringify(body),
      );
      expect(connect.code).toBe("invalid_argument");
      expect(connect.message).toBe(
        'descripton: is not a field of mcp.registry.v1.CreateMcpRequest; did you mean "description"?; ' +
          'tag: is not a field of mcp.registry.v1.CreateMcpRequest; did you mean "tags"?; ' +
          "config.python_script.timeout: is not a field of mcp.registry.v1.PythonScriptConfig; " +
          "its fields are scriptContent, scriptPath, timeoutSeconds, requirements, memoryLimitMb",
      );
      const web = await grpcWebCall(
        registry,
        "/mcp.registry.v1.RegistryService/CreateMcp",
        "application/grpc-web+json",
        frame(new TextEncoder().encode(JSON.stringify(body))),
      );
      expect(web.code).toBe("invalid_argument");
      expect(web.message).toBe(connect.message);
    });
    await expectCode(p.clients.registry.getMcp({ mcp: { case: "name", value: name } }), Code.NotFound);
  });

  it("CreateMcp › a request over MAX_REQUEST_BYTES is INVALID_ARGUMENT stating its size and the limit", async () => {
    const request = {
      name: uniqueName("big"),
      description: "x".repeat(5 * 1024 * 1024),
      config: scriptConfig(ECHO_SCRIPT),
    };
    await writesNothing(async () => {
      const err = await expectCode(p.clients.registry.createMcp(request), Code.InvalidArgument);
      expect(err.rawMessage).toMatch(
        /^the request is \d+ bytes; at most 4194304 bytes are accepted \(MAX_REQUEST_BYTES\): /,
      );
      const connect = createClient(
        RegistryService,
        createConnectTransport({ baseUrl: registry, httpVersion: "1.1" }),
      );
      const overConnect = await expectCode(connect.createMcp(request), Code.InvalidArgument);
      expect(overConnect.rawMessage).toContain("(MAX_REQUEST_BYTES)");
    });
  });

  it("gRPC › bytes that are not the request, cut frames and bogus flags are INVALID_ARGUMENT, never INTERNAL", async () => {
    const valid = toBinary(CreateMcpRequestSchema, create(CreateMcpRequestSchema, { name: uniqueName("g") }));
    const path = "/mcp.registry.v1.RegistryService/CreateMcp";
    await writesNothing(async () => {
      for (const body of [
        frame(new TextEncoder().encode('{"name": "json-in-grpc"}')),
        frame(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f])),
        frame(valid).subarray(0, 8),
        frame(valid, 1),
        frame(valid, 0x80),
        new Uint8Array([...frame(valid), ...frame(valid)]),
      ]) {
        const res = await grpcCall(registry, path, body);
        expect(res.code).toBe("invalid_argument");
      }
    });
  });

  it("Structs: too deep or too many members are refused; a large valid one is accepted", async () => {
    let deep: Record<string, unknown> = { leaf: "x" };
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const ref = { workflow: { case: "name" as const, value: flow } };
    await writesNothing(async () => {
      const tooDeep = await expectCode(
        p.clients.executor.executeWorkflow({ workflow: ref, inputs: { x: "ok", d: deep as never } }),
        Code.InvalidArgument,
      );
      expect(tooDeep.rawMessage).toMatch(/^inputs\.d(\.a)+: nests more than 32 levels deep$/);
      const wide = Object.fromEntries(Array.from({ length: 3_000 }, (_, i) => [`k${i}`, i]));
      const tooMany = await expectCode(
        p.clients.executor.executeWorkflow({ workflow: ref, inputs: { x: "ok", wide } }),
        Code.InvalidArgument,
      );
      expect(tooMany.rawMessage).toMatch(/^the request holds more than 10000 fields/);
    });
    const web = createClient(
      ExecutorService,
      createGrpcWebTransport({ baseUrl: executor, httpVersion: "1.1" }),
    );
    const large = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, `value ${i}`]));
    const res = await web.runMcp({
      mcp: { mcp: { case: "name", value: echo } },
      inputs: { text: "ok", large },
    });
    expect(res.created).toBe(true);
    expect(Object.keys((res.run?.inputs?.["large"] ?? {}) as object)).toHaveLength(2_000);
  });
});
