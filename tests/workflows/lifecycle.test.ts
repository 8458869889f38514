import { Code } from "@connectrpc/connect";
import { ErrorStrategy, ExecutionMode } from "@mcp/proto/workflows";
import { reasonOf } from "@mcp/runtime";
import { Client } from "pg";
import { expectCode } from "../support/errors";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { echoConcatSpec } from "../support/specs";
import { startTestPlatform, type TestPlatform } from "../support/workflows";

describe("WorkflowService lifecycle", () => {
  let p: TestPlatform;
  let echo: string;
  let concat: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    echo = uniqueName("echo");
    concat = uniqueName("concat");
    await p.registry.client.createMcp(newPythonMcp(echo));
    await p.registry.client.createMcp(newPythonMcp(concat));
  });
  afterAll(async () => {
    await p.stop();
  });

  it("creates, gets, lists, updates, rolls back and deletes a workflow", async () => {
    const name = uniqueName("pipeline");
    const created = await p.client.createWorkflow({
      name,
      description: "echo then concat",
      tags: ["demo"],
      spec: echoConcatSpec(echo, concat),
      changeNote: "v1",
    });
    const id = created.workflow!.id;
    expect(created.workflow).toMatchObject({
      name,
      latestVersion: 1,
      currentVersion: 1,
      currentVersionPinned: false,
    });
    // defaults filled in
    expect(created.version?.spec?.executionMode).toBe(ExecutionMode.SEQUENTIAL);
    expect(created.version?.spec?.errorHandling?.strategy).toBe(ErrorStrategy.STOP);

    expect(
      (await p.client.getWorkflow({ workflow: { case: "name", value: name.toUpperCase() } })).workflow?.id,
    ).toBe(id);
    const listed = await p.client.listWorkflows({ filter: { text: name } });
    expect(listed.workflows.map((w) => w.id)).toEqual([id]);
    const byMcp = await p.client.listWorkflows({ filter: { usesMcp: echo.toUpperCase() } });
    expect(byMcp.workflows.map((w) => w.id)).toEqual([id]);

    // v2: parallel mode; v1 stays intact
    const v2spec = { ...echoConcatSpec(echo, concat), executionMode: ExecutionMode.PARALLEL };
    const updated = await p.client.updateWorkflow({
      workflow: { case: "id", value: id },
      etag: created.workflow!.etag,
      spec: v2spec,
      changeNote: "parallel",
    });
    expect(updated.versionCreated).toBe(true);
    expect(updated.workflow).toMatchObject({ latestVersion: 2, currentVersion: 2 });
    const v1 = await p.client.getWorkflow({
      workflow: { case: "id", value: id },
      selector: { case: "version", value: 1 },
    });
    expect(v1.version?.spec?.executionMode).toBe(ExecutionMode.SEQUENTIAL);
    expect(v1.version?.contentHash).toBe(created.version?.contentHash);
    expect(v1.version?.changeNote).toBe("v1");

    // same spec again: no new version
    const same = await p.client.updateWorkflow({ workflow: { case: "id", value: id }, spec: v2spec });
    expect(same.versionCreated).toBe(false);

    // stale etag → ABORTED
    await expectCode(
      p.client.updateWorkflow({
        workflow: { case: "id", value: id },
        etag: created.workflow!.etag,
        description: "x",
      }),
      Code.Aborted,
    );

    // rollback: current → 1 (pinned); Get without a version now returns v1
    const rolled = await p.client.setCurrentWorkflowVersion({
      workflow: { case: "id", value: id },
      version: 1,
    });
    expect(rolled.workflow).toMatchObject({
      currentVersion: 1,
      currentVersionPinned: true,
      latestVersion: 2,
    });
    expect((await p.client.getWorkflow({ workflow: { case: "id", value: id } })).version?.version).toBe(1);
    const versions = await p.client.listWorkflowVersions({ workflow: { case: "id", value: id } });
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
    // back to following the latest version
    const unpinned = await p.client.setCurrentWorkflowVersion({
      workflow: { case: "id", value: id },
      version: 0,
    });
    expect(unpinned.workflow).toMatchObject({ currentVersion: 2, currentVersionPinned: false });

    // delete: gone by name, versions readable by id
    const deleted = await p.client.deleteWorkflow({
      workflow: { case: "id", value: id },
      etag: unpinned.workflow!.etag,
    });
    expect(deleted.workflow?.deleteTime).toBeDefined();
    await expectCode(p.client.getWorkflow({ workflow: { case: "name", value: name } }), Code.NotFound);
    expect(
      (
        await p.client.getWorkflow({
          workflow: { case: "id", value: id },
          selector: { case: "version", value: 1 },
        })
      ).version?.version,
    ).toBe(1);
  });

  it("writes versions and MCP references to PostgreSQL", async () => {
    const created = await p.client.createWorkflow({
      name: uniqueName("stored"),
      spec: echoConcatSpec(echo, concat),
    });
    const pg = new Client({ connectionString: p.db.url });
    await pg.connect();
    try {
      const rows = await pg.query(
        "SELECT version, mcp_refs, content_hash FROM workflow_versions WHERE workflow_id = $1",
        [created.workflow!.id],
      );
      expect(rows.rows).toEqual([
        {
          version: 1,
          mcp_refs: [`name:${concat}`, `name:${echo}`].sort(),
          content_hash: created.version!.contentHash,
        },
      ]);
    } finally {
      await pg.end();
    }
  });

  it("makes the registry refuse to delete an MCP a current workflow version uses, unless forced", async () => {
    const used = uniqueName("used");
    await p.registry.client.createMcp(newPythonMcp(used));
    const workflow = uniqueName("user");
    await p.client.createWorkflow({ name: workflow, spec: echoConcatSpec(used, concat) });
    const err = await expectCode(
      p.registry.client.deleteMcp({ mcp: { case: "name", value: used } }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toContain(workflow);
    expect(reasonOf(err)).toBe("MCP_IN_USE");
    await p.registry.client.deleteMcp({ mcp: { case: "name", value: used }, force: true });

    // the workflow still reads fine; Validate now reports the missing MCP, naming the step
    const got = await p.client.getWorkflow({ workflow: { case: "name", value: workflow } });
    expect(got.version?.spec?.steps).toHaveLength(2);
    const report = await p.client.validateWorkflow({
      target: { case: "workflow", value: { workflow: { case: "name", value: workflow } } },
    });
    expect(report.valid).toBe(false);
    expect(report.violations.map((v) => [v.field, v.code])).toEqual([["spec.steps[0].mcp", "MCP_NOT_FOUND"]]);
    expect(report.violations[0]?.description).toContain('step "echo"');
    expect(report.resolvedSteps.map((s) => s.stepId)).toEqual(["concat"]);
  });
});
