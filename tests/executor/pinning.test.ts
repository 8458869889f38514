import { randomUUID } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { RunStatus, StepStatus, type WorkflowRun } from "@mcp/proto/executor";
import type { McpReferenceSchema } from "@mcp/proto/registry";
import { ExecutionMode, type WorkflowSpecSchema } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/**
 * Waits until the file `gate` (input; "" = no wait) exists, then returns `{version: <label>}`: which
 * MCP version really ran. The test opens the gate once it has changed the definitions, so the run is
 * still running then however slow the machine is.
 */
const versionScript = (label: string) => `import json, os, sys, time
data = json.load(open(sys.argv[1]))
gate = data.get("gate", "")
deadline = time.time() + 120
while gate and not os.path.exists(gate) and time.time() < deadline:
    time.sleep(0.05)
json.dump({"success": True, "result": {"version": ${JSON.stringify(label)}}, "error": None}, open(sys.argv[2], "w"))
`;

const staticString = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

/** One step `report` calling `mcp`, waiting for the file `gate`; `extra` static inputs tell spec versions apart. */
function reportSpec(
  mcp: MessageInitShape<typeof McpReferenceSchema>,
  gate: string,
  extra: Record<string, string> = {},
): MessageInitShape<typeof WorkflowSpecSchema> {
  const inputs = Object.fromEntries(Object.entries({ gate, ...extra }).map(([k, v]) => [k, staticString(v)]));
  return {
    executionMode: ExecutionMode.SEQUENTIAL,
    steps: [{ stepId: "report", mcp, inputs }],
    outputs: [{ name: "version", stepId: "report", output: "version" }],
  };
}

describe("runs pin their definitions when they start", () => {
  let p: TestPlatform;
  let pg: PgClient;
  let dir: string;
  /** A gate file that does not exist yet; `open()` creates it. */
  const newGate = () => {
    const path = join(dir, `gate-${randomUUID()}`);
    return { path, open: () => writeFileSync(path, "open") };
  };
  beforeAll(async () => {
    dir = sharedScratch("mcp-pinning-");
    p = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
    pg = new PgClient({ connectionString: p.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = async (workflow: string) =>
    (
      await p.clients.executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: {},
      })
    ).run!.id;
  const getRun = async (id: string) => (await p.clients.executor.getRun({ id })).run!;
  const untilStepRunning = (id: string) =>
    waitFor(
      `run ${id}'s step to be RUNNING`,
      async () => ((await getRun(id)).steps[0]?.status === StepStatus.RUNNING ? true : undefined),
      { timeoutMs: 60_000 },
    );
  const untilFinished = (id: string) =>
    waitFor(
      `run ${id} to finish`,
      async () => {
        const run = await getRun(id);
        return run.status === RunStatus.PENDING || run.status === RunStatus.RUNNING ? undefined : run;
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  const summary = (run: WorkflowRun) => ({
    status: RunStatus[run.status],
    outputs: run.outputs,
    workflowVersion: run.workflowVersion,
    step: { mcpVersion: run.steps[0]?.mcpVersion, inputs: run.steps[0]?.inputs },
  });
  const rows = async (id: string) => {
    const run = (
      await pg.query<{ workflow_version: number }>(
        "SELECT workflow_version FROM workflow_runs WHERE id = $1",
        [id],
      )
    ).rows[0];
    const step = (
      await pg.query<{ mcp_version: number }>("SELECT mcp_version FROM step_runs WHERE run_id = $1", [id])
    ).rows;
    return { workflowVersion: run?.workflow_version, stepMcpVersions: step.map((s) => s.mcp_version) };
  };

  it("finishes a running run with the MCP and workflow versions current at its start, while a new run uses the updated ones", async () => {
    const mcp = uniqueName("versioned");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(versionScript("mcp v1")) });
    const workflow = uniqueName("pinned");
    const gate = newGate();
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: reportSpec({ mcp: { case: "name", value: mcp } }, gate.path),
    });

    const first = await start(workflow);
    await untilStepRunning(first);
    const mcpUpdate = await p.clients.registry.updateMcp({
      mcp: { case: "name", value: mcp },
      config: scriptConfig(versionScript("mcp v2")),
    });
    expect(mcpUpdate.version?.version).toBe(2);
    const workflowUpdate = await p.clients.workflows.updateWorkflow({
      workflow: { case: "name", value: workflow },
      spec: reportSpec({ mcp: { case: "name", value: mcp } }, "", { spec: "v2" }),
    });
    expect(workflowUpdate.version?.version).toBe(2);
    // Both updates landed while the first run was still running.
    expect(RunStatus[(await getRun(first)).status]).toBe("RUNNING");
    gate.open();

    expect(summary(await untilFinished(first))).toEqual({
      status: "SUCCEEDED",
      outputs: { version: "mcp v1" },
      workflowVersion: 1,
      step: { mcpVersion: 1, inputs: { gate: gate.path } },
    });
    expect(await rows(first)).toEqual({ workflowVersion: 1, stepMcpVersions: [1] });

    const second = await start(workflow);
    expect(summary(await untilFinished(second))).toEqual({
      status: "SUCCEEDED",
      outputs: { version: "mcp v2" },
      workflowVersion: 2,
      step: { mcpVersion: 2, inputs: { gate: "", spec: "v2" } },
    });
    expect(await rows(second)).toEqual({ workflowVersion: 2, stepMcpVersions: [2] });
  }, 180_000);

  it("resolves a step's `production` label to the version it points at when the run starts, not the latest one, and not a later move", async () => {
    const mcp = uniqueName("labelled");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(versionScript("label v1")) });
    expect(
      (
        await p.clients.registry.updateMcp({
          mcp: { case: "name", value: mcp },
          config: scriptConfig(versionScript("label v2")),
        })
      ).version?.version,
    ).toBe(2);
    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: mcp },
      label: "production",
      version: 1,
    });
    const workflow = uniqueName("by-label");
    const gate = newGate();
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: reportSpec(
        { mcp: { case: "name", value: mcp }, selector: { case: "label", value: "production" } },
        gate.path,
      ),
    });

    const first = await start(workflow);
    await untilStepRunning(first);
    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: mcp },
      label: "production",
      version: 2,
    });
    expect(RunStatus[(await getRun(first)).status]).toBe("RUNNING");
    gate.open();

    const firstRun = await untilFinished(first);
    expect([RunStatus[firstRun.status], firstRun.outputs, firstRun.steps[0]?.mcpVersion]).toEqual([
      "SUCCEEDED",
      { version: "label v1" },
      1,
    ]);
    expect(await rows(first)).toEqual({ workflowVersion: 1, stepMcpVersions: [1] });

    const second = await start(workflow); // the gate is open: it does not wait
    const secondRun = await untilFinished(second);
    expect([RunStatus[secondRun.status], secondRun.outputs, secondRun.steps[0]?.mcpVersion]).toEqual([
      "SUCCEEDED",
      { version: "label v2" },
      2,
    ]);
    expect(await rows(second)).toEqual({ workflowVersion: 1, stepMcpVersions: [2] });
  }, 180_000);
});
