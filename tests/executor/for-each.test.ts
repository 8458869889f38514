import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { serveMcpOverHttp, type ServedMcp } from "@mcp/mcp-test-server";
import { ExecutorService, RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import { ErrorStrategy, ExecutionMode, type WorkflowSpecSchema } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { z } from "zod";
import { cliAgainst, type CliResult } from "../support/cli";
import { crashExecutor } from "../support/kill-executor";
import { exampleCopy } from "../support/examples";
import { uniqueName } from "../support/mcps";
import {
  executorEnv,
  spawnExecutor,
  startPlatform,
  type ExecutorProcess,
  type TestPlatform,
} from "../support/platform";
import { waitFor } from "../support/wait-for";

const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));

/**
 * A real MCP server over Streamable HTTP with one tool, `visit {index, fail?}` → `{index, calls}`: it
 * counts the calls per index (so the test sees every execution of every item), fails when `fail` is
 * true, and holds calls whose index is at least `holdFrom` until `release()`.
 */
interface VisitServer {
  readonly served: ServedMcp;
  readonly calls: Map<number, number>;
  holdFrom: number;
  held: number;
  release(): void;
}

async function startVisitServer(): Promise<VisitServer> {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const state: Omit<VisitServer, "served"> = {
    calls: new Map(),
    holdFrom: Number.POSITIVE_INFINITY,
    held: 0,
    release: () => open(),
  };
  const served = await serveMcpOverHttp(() => {
    const server = new McpServer({ name: "visits", version: "1.0.0" });
    server.registerTool(
      "visit",
      {
        description: "Counts a visit of an item",
        inputSchema: { index: z.number(), fail: z.boolean().optional() },
        outputSchema: { index: z.number(), calls: z.number() },
      },
      async ({ index, fail }) => {
        const calls = (state.calls.get(index) ?? 0) + 1;
        state.calls.set(index, calls);
        if (index >= state.holdFrom) {
          state.held += 1;
          await gate;
        }
        if (fail) return { isError: true, content: [{ type: "text", text: `item ${index} refused` }] };
        return { content: [{ type: "text", text: String(index) }], structuredContent: { index, calls } };
      },
    );
    return server;
  });
  return Object.assign(state, { served });
}

const visitConfig = (url: string) => ({
  kind: {
    case: "mcpTool" as const,
    value: { transport: { case: "http" as const, value: { url } }, toolName: "visit" },
  },
});

/**
 * `each` runs `visit` once per item of workflow input `list`, with `index` = the item's `n` and `fail`
 * = its `fail` (`whole`: the item itself is the index).
 */
function eachSpec(
  mcp: string,
  extra: { maxConcurrency?: number; onError?: ErrorStrategy; path?: string; whole?: boolean } = {},
): MessageInitShape<typeof WorkflowSpecSchema> {
  return {
    executionMode: ExecutionMode.SEQUENTIAL,
    inputs: [{ name: "list" }],
    steps: [
      {
        stepId: "each",
        mcp: { mcp: { case: "name", value: mcp } },
        forEach: {
          source: { case: "workflowInput", value: "list" },
          path: extra.path ?? "",
          ...(extra.maxConcurrency ? { maxConcurrency: extra.maxConcurrency } : {}),
        },
        inputs: extra.whole
          ? { index: { source: { case: "item", value: "" } } }
          : {
              index: { source: { case: "item", value: "n" } },
              fail: { source: { case: "item", value: "fail" } },
            },
        ...(extra.onError !== undefined ? { onError: extra.onError } : {}),
      },
    ],
    outputs: [{ name: "items", stepId: "each", output: "items" }],
  };
}

const finished = (run: WorkflowRun | undefined) =>
  run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;

describe("for_each steps", () => {
  let p: TestPlatform;
  let visits: VisitServer;
  const children: ExecutorProcess[] = [];

  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
    visits = await startVisitServer();
  });
  afterEach(() => {
    visits.holdFrom = Number.POSITIVE_INFINITY;
    visits.release();
  });
  afterAll(async () => {
    for (const c of children) await crashExecutor(c);
    await visits?.served.close();
    await p?.stop();
  });

  it("finishes 1,000 items at 16 at once after its executor is SIGKILLed mid-way; only the items in flight run twice", async () => {
    const mcp = uniqueName("visit");
    await p.clients.registry.createMcp({ name: mcp, config: visitConfig(visits.served.url) });
    const workflow = uniqueName("each");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: eachSpec(mcp, { maxConcurrency: 16, whole: true }),
    });
    visits.holdFrom = 500;

    const a = await spawnExecutor(executorEnv(p.db, p.registry.url, p.workflows.server.url));
    children.push(a);
    const viaA = executorClient(a.url);
    const { run: started } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      // plain numbers: a request holds at most 10,000 fields
      inputs: { list: Array.from({ length: 1000 }, (_, i) => i) },
    });
    const runId = started!.id;

    const pg = new PgClient({ connectionString: p.db.url });
    await pg.connect();
    const succeededRows = async () =>
      (
        await pg.query<{ n: string }>(
          "SELECT count(*) AS n FROM step_runs WHERE run_id = $1 AND item_index IS NOT NULL AND status = 'succeeded'",
          [runId],
        )
      ).rows[0]?.n;
    try {
      // Items 0..499 done and recorded, the next 16 held by the server: kill A in the middle.
      await waitFor(
        "500 items recorded and 16 more held in flight",
        async () => ((await succeededRows()) === "500" && visits.held === 16 ? true : undefined),
        { timeoutMs: 90_000, intervalMs: 50 },
      );
      const { run: midway } = await viaA.getRun({ id: runId });
      const parent = midway?.steps.find((s) => s.stepId === "each");
      expect(parent?.itemCount).toBe(1000);
      expect(parent?.status).toBe(StepStatus.RUNNING);
      await crashExecutor(a);
      const calledAtKill = new Set(visits.calls.keys());
      const doneAtKill = new Set(
        (
          await pg.query<{ item_index: number }>(
            "SELECT item_index FROM step_runs WHERE run_id = $1 AND item_index IS NOT NULL AND status = 'succeeded'",
            [runId],
          )
        ).rows.map((r) => r.item_index),
      );
      const inFlight = [...calledAtKill].filter((i) => !doneAtKill.has(i));
      expect(inFlight.length).toBe(16);
      visits.holdFrom = Number.POSITIVE_INFINITY;
      visits.release();

      const b = await p.addExecutor();
      const viaB = executorClient(b.server.url);
      const done = await waitFor(
        "the run to finish on another executor",
        async () => finished((await viaB.getRun({ id: runId })).run),
        { timeoutMs: 120_000, intervalMs: 200 },
      );
      expect(RunStatus[done.status]).toBe("SUCCEEDED");
      // Each item executed exactly once, except those in flight at the kill: twice.
      for (let i = 0; i < 1000; i++) {
        expect([i, visits.calls.get(i)]).toEqual([i, inFlight.includes(i) ? 2 : 1]);
      }
      // The output: the item outputs in item order.
      const outputs = done.outputs?.["items"] as { index: number }[];
      expect(outputs.map((o) => o.index)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      // GetRun: the parent, then its 1,000 item children in order.
      expect(done.steps[0]).toMatchObject({ stepId: "each", itemCount: 1000, status: StepStatus.SUCCEEDED });
      const kids = done.steps.slice(1);
      expect(kids.map((s) => s.itemIndex)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(kids.every((s) => s.parentStepId === "each" && s.status === StepStatus.SUCCEEDED)).toBe(true);
      expect(kids[0]?.stepId).toBe("each[0]");
      expect(kids[0]?.mcpName).toBe(mcp);
    } finally {
      await pg.end();
    }
  });

  it("fails a for_each over a value that is not a list, naming the path and the type found", async () => {
    const app = p.executors[0] ?? (await p.addExecutor());
    const executor = executorClient(app.server.url);
    const mcp = uniqueName("visit");
    await p.clients.registry.createMcp({ name: mcp, config: visitConfig(visits.served.url) });
    const workflow = uniqueName("not-a-list");
    await p.clients.workflows.createWorkflow({ name: workflow, spec: eachSpec(mcp, { path: "docs" }) });
    const { run } = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { list: { docs: "nope" } },
      wait: true,
    });
    expect(RunStatus[run!.status]).toBe("FAILED");
    expect(run!.error).toMatchObject({ code: "FOR_EACH_NOT_A_LIST", stepId: "each" });
    expect(run!.error?.message).toContain('path "docs" of workflow input "list" is a string, not a list');
    expect(run!.steps.map((s) => s.stepId)).toEqual(["each"]);
  });

  it("CONTINUE: a failing item is recorded FAILED with a null slot; the others run and the outputs stay in item order", async () => {
    const app = p.executors[0] ?? (await p.addExecutor());
    const executor = executorClient(app.server.url);
    const mcp = uniqueName("visit");
    await p.clients.registry.createMcp({ name: mcp, config: visitConfig(visits.served.url) });
    const workflow = uniqueName("continue");
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: eachSpec(mcp, { onError: ErrorStrategy.CONTINUE, maxConcurrency: 4 }),
    });
    const base = 100_000;
    const list = Array.from({ length: 10 }, (_, n) => ({ n: base + n, fail: n === 3 }));
    const { run } = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { list },
      wait: true,
    });
    // the step succeeded with a null slot; the run, with a failed item, only partially
    expect(RunStatus[run!.status]).toBe("PARTIALLY_SUCCEEDED");
    expect(run!.error).toMatchObject({ stepId: "each" });
    expect(run!.error?.message).toMatch(/^item 3 of 10 failed: /);
    expect(run!.steps.find((s) => s.stepId === "each")?.status).toBe(StepStatus.SUCCEEDED);
    const outputs = run!.outputs?.["items"] as ({ index: number } | null)[];
    expect(outputs.map((o) => (o === null ? null : o.index - base))).toEqual([
      0,
      1,
      2,
      null,
      4,
      5,
      6,
      7,
      8,
      9,
    ]);
    const failed = run!.steps.find((s) => s.stepId === "each[3]");
    expect(failed).toMatchObject({ status: StepStatus.FAILED, itemIndex: 3, parentStepId: "each" });
    expect(failed?.error?.message).toContain("refused");
    expect(run!.steps.filter((s) => s.parentStepId === "each")).toHaveLength(10);
  });
});

/** The real CLI (`cli/bin/mcpctl.cjs`) against `p`; resolves with its exit code and output. */
const mcpCli = (p: TestPlatform, ...args: string[]): Promise<CliResult> => cliAgainst(p, ...args);

describe("examples/for-each.yaml", () => {
  let p: TestPlatform;
  let dir: string;
  const sfx = randomUUID().slice(0, 8);
  const workflow = `shout-words-${sfx}`;

  beforeAll(async () => {
    p = await startPlatform();
    dir = await mkdtemp(join(tmpdir(), "mcp-for-each-"));
    const file = await exampleCopy("for-each.yaml", dir, sfx, ["shout-words"]);
    const applied = await mcpCli(p, "apply", "-f", file);
    expect(applied).toMatchObject({ code: 0, stderr: "" });
    expect(applied.stdout).toContain(`created workflow/${workflow} v1`);
  });
  afterAll(async () => {
    await p?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("keeps the manifest's forEach and item inputs", async () => {
    const got = await p.clients.workflows.getWorkflow({ workflow: { case: "name", value: workflow } });
    const shout = got.version?.spec?.steps.find((s) => s.stepId === "shout");
    expect(shout?.forEach).toMatchObject({
      source: { case: "stepOutput", value: { stepId: "split", output: "data" } },
      path: "words",
      maxConcurrency: 4,
    });
    expect(shout?.inputs["word"]?.source).toEqual({ case: "item", value: "text" });
    expect(shout?.inputs["position"]?.source).toEqual({ case: "itemIndex", value: true });
  });

  it("shouts every word as an item, outputs in order; `mcp get run` shows the item progress", async () => {
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "fan out and in" },
      wait: true,
      waitTimeoutSeconds: 150,
    });
    expect(RunStatus[run!.status]).toBe("SUCCEEDED");
    expect(run!.outputs?.["shouted"]).toEqual([
      { shout: "FAN!", position: 0 },
      { shout: "OUT!", position: 1 },
      { shout: "AND!", position: 2 },
      { shout: "IN!", position: 3 },
    ]);
    expect(run!.steps.map((s) => [s.stepId, s.parentStepId, s.itemIndex])).toEqual([
      ["split", "", undefined],
      ["shout", "", undefined],
      ["shout[0]", "shout", 0],
      ["shout[1]", "shout", 1],
      ["shout[2]", "shout", 2],
      ["shout[3]", "shout", 3],
    ]);
    const got = await mcpCli(p, "get", "run", run!.id);
    expect(got).toMatchObject({ code: 0, stderr: "" });
    expect(got.stdout).toContain("shout: 4/4 items");
  });
});
