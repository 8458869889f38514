import { rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { createClient } from "@connectrpc/connect";
import {
  createConnectTransport,
  createGrpcTransport,
  createGrpcWebTransport,
} from "@connectrpc/connect-node";
import { ExecutorService, RunStatus } from "@mcp/proto/executor";
import { LlmApi } from "@mcp/proto/registry";
import { ErrorStrategy } from "@mcp/proto/workflows";
import { startTracing, type Tracing } from "@mcp/runtime";
import { FakeModel, openAiText } from "../support/fake-llm";
import { startLoggedExecutor, type LoggedExecutor } from "../support/logged-executor";
import { uniqueName } from "../support/mcps";
import { OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, num, output, spec, step, str } from "../support/run-specs";
import { sharedScratch } from "../support/scratch";
import { ECHO_SCRIPT, FLAKY_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const KEY_ENV = "E2E_TRACING_KEY";
const SERVER = 2;
const CLIENT = 3;

/** A caller's span: the parent the test sends as `traceparent`. */
function callerSpan() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, header: { traceparent: `00-${traceId}-${spanId}-01` } };
}

describe("tracing (OpenTelemetry, exported over OTLP/HTTP to a receiver)", () => {
  let receiver: OtlpReceiver;
  let tracing: Tracing;
  let model: FakeModel;
  let p: TestPlatform;
  let executor: LoggedExecutor;
  let dir: string;
  const mcps = { echo: uniqueName("echo"), summary: uniqueName("summary"), flaky: uniqueName("flaky") };

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    process.env["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.url;
    process.env["OTEL_BSP_SCHEDULE_DELAY"] = "100";
    process.env[KEY_ENV] = "sk-tracing";
    tracing = await startTracing("mcp-e2e");
    model = await FakeModel.start(() => openAiText("short"));
    dir = sharedScratch("mcp-tracing-");
    p = await startPlatform({ executors: 0 });
    executor = await startLoggedExecutor(p, { SANDBOX_WRITE_PATHS: dir });
    await p.clients.registry.createMcp({ name: mcps.echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: mcps.flaky, config: scriptConfig(FLAKY_SCRIPT) });
    await p.clients.registry.createMcp({
      name: mcps.summary,
      config: {
        kind: {
          case: "llmPrompt",
          value: {
            template: "Summarise: {{text}}",
            model: "gpt-test",
            provider: { api: LlmApi.OPENAI_COMPATIBLE, baseUrl: `${model.url}/v1`, apiKeyEnv: KEY_ENV },
          },
        },
      },
    });
  });
  afterAll(async () => {
    await executor?.stop();
    await p?.stop();
    await tracing?.shutdown();
    await model?.close();
    await receiver?.close();
    delete process.env["OTEL_EXPORTER_OTLP_ENDPOINT"];
    delete process.env["OTEL_BSP_SCHEDULE_DELAY"];
    delete process.env[KEY_ENV];
    rmSync(dir, { recursive: true, force: true });
  });

  /** The spans of `traceId` once `done` holds for them (the batch processor exports every 100 ms). */
  async function spansOf(traceId: string, done: (spans: ReceivedSpan[]) => boolean): Promise<ReceivedSpan[]> {
    return waitFor(
      `the spans of trace ${traceId}`,
      async () => {
        await tracing.flush();
        const spans = receiver.spans.filter((s) => s.traceId === traceId);
        return done(spans) ? spans : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  it("records a 3-step run across the three services as one trace: RPC spans, run, step attempts, the LLM call", async () => {
    const caller = callerSpan();
    const workflow = uniqueName("traced");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec(
        [
          step("echo", mcps.echo, { inputs: { text: input("text") } }),
          step("summarise", mcps.summary, { dependsOn: ["echo"], inputs: { text: output("echo", "text") } }),
          step("flaky", mcps.flaky, {
            dependsOn: ["summarise"],
            inputs: { counter: str(join(dir, "flaky")), fail_times: num(1) },
          }),
        ],
        {
          inputs: [{ name: "text", required: true }],
          errorHandling: { strategy: ErrorStrategy.RETRY, retry: { maxRetries: 2, initialBackoffMs: 10 } },
        },
      ),
    });
    const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: executor.url }));
    const res = await client.executeWorkflow(
      {
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: { text: "hi" },
        wait: true,
        waitTimeoutSeconds: 150,
      },
      { headers: caller.header },
    );
    const run = res.run!;
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    // GetRun returns the run's trace: the caller's
    expect((await client.getRun({ id: run.id })).run?.traceId).toBe(caller.traceId);

    // the ExecuteWorkflow server span ends last (after the answer) and may come in a later export
    const spans = await spansOf(
      caller.traceId,
      (all) =>
        all.filter((s) => s.name.startsWith("step ")).length >= 4 &&
        all.some((s) => s.name.startsWith("run ")) &&
        all.some((s) => s.name === "mcp.executor.v1.ExecutorService/ExecuteWorkflow" && s.kind === SERVER),
    );
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const one = (predicate: (s: ReceivedSpan) => boolean, what: string) => {
      const found = spans.filter(predicate);
      if (found.length !== 1)
        throw new Error(
          `expected one ${what}, found ${found.length}: ${spans.map((s) => s.name).join(", ")}`,
        );
      return found[0]!;
    };

    // the executor's server span is the caller's child
    const execute = one(
      (s) => s.name === "mcp.executor.v1.ExecutorService/ExecuteWorkflow" && s.kind === SERVER,
      "ExecuteWorkflow server span",
    );
    expect(execute.parentSpanId).toBe(caller.spanId);
    expect(execute.scope).toBe("mcp.executor");
    expect(execute.attributes["rpc.system"]).toBe("grpc");

    // it called the workflows service and the registry: client spans, each the parent of a server span there
    for (const [service, scope] of [
      ["mcp.workflows.v1.WorkflowService", "mcp.workflows"],
      ["mcp.registry.v1.RegistryService", "mcp.registry"],
    ] as const) {
      const clients = spans.filter((s) => s.kind === CLIENT && s.attributes["rpc.service"] === service);
      expect(clients.length).toBeGreaterThan(0);
      for (const c of clients) {
        expect(c.scope).toBe("mcp.executor");
        const server = one(
          (s) => s.kind === SERVER && s.parentSpanId === c.spanId,
          `server span of ${c.name}`,
        );
        expect(server.scope).toBe(scope);
        expect(server.name).toBe(c.name);
        // the client span is inside the ExecuteWorkflow call
        let up: ReceivedSpan | undefined = c;
        while (up && up.spanId !== execute.spanId) up = byId.get(up.parentSpanId);
        expect(up).toBe(execute);
      }
    }

    // the run: created under the call, driven in the same trace
    const created = one((s) => s.name === `run.create ${workflow}`, "run.create span");
    expect(created.attributes["mcp.run.id"]).toBe(run.id);
    const driven = one((s) => s.name === `run ${workflow}`, "run span");
    expect(driven.parentSpanId).toBe(created.spanId);
    expect(driven.attributes["mcp.run.status"]).toBe("succeeded");

    // one span per step attempt, children of the run span, with the MCP and the outcome
    const steps = spans.filter((s) => s.name.startsWith("step "));
    expect(
      steps
        .map((s) => `${String(s.attributes["mcp.step.id"])}#${String(s.attributes["mcp.step.attempt"])}`)
        .sort(),
    ).toEqual(["echo#1", "flaky#1", "flaky#2", "summarise#1"]);
    for (const s of steps) {
      expect(s.parentSpanId).toBe(driven.spanId);
      expect(s.attributes["mcp.run.id"]).toBe(run.id);
      expect(s.attributes["mcp.version"]).toBe(1);
    }
    const attempt = (id: string, n: number) =>
      steps.find((s) => s.attributes["mcp.step.id"] === id && s.attributes["mcp.step.attempt"] === n)!;
    expect(attempt("echo", 1).attributes).toMatchObject({
      "mcp.name": mcps.echo,
      "mcp.type": "python_script",
      "mcp.step.status": "succeeded",
    });
    expect(attempt("flaky", 1).attributes).toMatchObject({
      "mcp.name": mcps.flaky,
      "mcp.step.status": "failed",
      "mcp.step.error.reason": "SCRIPT_REPORTED_FAILURE",
    });
    expect(attempt("flaky", 1).statusCode).toBe(2);
    expect(attempt("flaky", 2).attributes["mcp.step.status"]).toBe("succeeded");
    const summarise = attempt("summarise", 1);
    expect(summarise.attributes).toMatchObject({
      "mcp.type": "llm_prompt",
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 7,
    });
    // the LLM call: a client span under its step, with the token counts
    const chat = one((s) => s.name === "chat gpt-test", "LLM call span");
    expect(chat.parentSpanId).toBe(summarise.spanId);
    expect(chat.kind).toBe(CLIENT);
    expect(chat.attributes).toMatchObject({
      "gen_ai.system": "openai",
      "gen_ai.request.model": "gpt-test",
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 7,
    });

    // every log line of the run carries its run id and trace id; step lines their step id
    const runLines = executor.records.filter((r) => r["run_id"] === run.id);
    expect(runLines.length).toBeGreaterThan(0);
    for (const line of runLines) expect(line["trace_id"]).toBe(caller.traceId);
    const stepLines = runLines.filter((r) => r.msg === "step attempt");
    expect(stepLines.map((r) => r["step_id"]).sort()).toEqual(["echo", "flaky", "flaky", "summarise"]);
    // and the call's own line carries the trace id too
    const call = executor.records.find(
      (r) => r["method"] === "mcp.executor.v1.ExecutorService/ExecuteWorkflow" && r.msg === "call",
    );
    expect(call?.["trace_id"]).toBe(caller.traceId);
  });

  it.each([
    ["Connect", createConnectTransport, "connect_rpc"],
    ["gRPC-Web", createGrpcWebTransport, "grpc_web"],
  ] as const)("continues a caller's trace over %s", async (_name, transport, system) => {
    const caller = callerSpan();
    const client = createClient(ExecutorService, transport({ baseUrl: executor.url, httpVersion: "1.1" }));
    await client.listRuns({ pageSize: 1 }, { headers: caller.header });
    const [server] = await spansOf(caller.traceId, (all) => all.length > 0);
    expect(server).toMatchObject({
      name: "mcp.executor.v1.ExecutorService/ListRuns",
      kind: SERVER,
      parentSpanId: caller.spanId,
    });
    expect(server?.attributes["rpc.system"]).toBe(system);
  });
});
