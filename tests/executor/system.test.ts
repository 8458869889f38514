import { RunKind, RunStatus, StepStatus } from "@mcp/proto/executor";
import { Client } from "pg";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";

describe("system: MCPs → workflow → durable run", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  it("runs echo → concat to SUCCEEDED with the exact concatenation, and records every row in PostgreSQL", async () => {
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    const workflow = uniqueName("pipeline");
    await p.clients.workflows.createWorkflow({ name: workflow, spec: echoConcatSpec(echo, concat) });

    const { run, created } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "hello world" },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(created).toBe(true);
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.kind).toBe(RunKind.WORKFLOW);
    expect(run?.outputs).toEqual({ result: "echo: hello world" });
    expect(run?.steps.map((s) => [s.stepId, s.status, s.attempt])).toEqual([
      ["echo", StepStatus.SUCCEEDED, 1],
      ["concat", StepStatus.SUCCEEDED, 1],
    ]);
    expect(run?.steps[1]?.inputs).toEqual({ prefix: "echo: ", text: "hello world" });

    const pg = new Client({ connectionString: p.db.url });
    await pg.connect();
    try {
      const runs = await pg.query<{
        status: string;
        inputs: unknown;
        outputs: unknown;
        started_at: Date;
        finished_at: Date;
        workflow_version: number;
      }>(
        "SELECT status, inputs, outputs, started_at, finished_at, workflow_version FROM workflow_runs WHERE id = $1",
        [run!.id],
      );
      expect(runs.rows).toHaveLength(1);
      const row = runs.rows[0]!;
      expect(row).toMatchObject({
        status: "succeeded",
        inputs: { text: "hello world" },
        outputs: { result: "echo: hello world" },
        workflow_version: 1,
      });
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      const steps = await pg.query<{
        step_id: string;
        status: string;
        inputs: unknown;
        outputs: unknown;
        started_at: Date;
        finished_at: Date;
        duration_ms: number;
        mcp_version: number;
      }>(
        "SELECT step_id, status, inputs, outputs, started_at, finished_at, duration_ms, mcp_version FROM step_runs WHERE run_id = $1 ORDER BY position",
        [run!.id],
      );
      expect(steps.rows.map((s) => [s.step_id, s.status, s.inputs, s.outputs, s.mcp_version])).toEqual([
        ["echo", "succeeded", { text: "hello world" }, { text: "hello world" }, 1],
        [
          "concat",
          "succeeded",
          { prefix: "echo: ", text: "hello world" },
          { result: "echo: hello world" },
          1,
        ],
      ]);
      for (const s of steps.rows) {
        expect(s.finished_at.getTime()).toBeGreaterThanOrEqual(s.started_at.getTime());
        expect(s.duration_ms).toBeGreaterThanOrEqual(0);
      }
      // each step's result committed before the next started
      expect(steps.rows[1]!.started_at.getTime()).toBeGreaterThanOrEqual(
        steps.rows[0]!.finished_at.getTime(),
      );
    } finally {
      await pg.end();
    }
  });
});
