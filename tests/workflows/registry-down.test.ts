import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "../support/database";
import { WorkflowService } from "@mcp/proto/workflows";
import { reasonOf } from "@mcp/runtime";
import type { WorkflowsApp } from "@mcp/workflows/app";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { freePort } from "../support/free-port";
import { echoConcatSpec } from "../support/specs";
import { openWorkflowRows, type WorkflowRows } from "../support/workflow-rows";
import { startTestWorkflows } from "../support/workflows";

/**
 * A workflows service whose registry cannot be reached: writes and validations that need the registry
 * fail with UNAVAILABLE and write nothing; reads, which need only PostgreSQL, still answer.
 */
describe("WorkflowService with the registry unreachable", () => {
  let db: TestDatabase;
  let workflows: WorkflowsApp;
  let client: Client<typeof WorkflowService>;
  let rows: WorkflowRows;

  beforeAll(async () => {
    const deadPort = await freePort();
    db = await createMigratedTestDatabase();
    workflows = await startTestWorkflows(db, `http://127.0.0.1:${deadPort}`);
    client = createClient(WorkflowService, createGrpcTransport({ baseUrl: workflows.server.url }));
    rows = await openWorkflowRows(db.url);
  });
  afterAll(async () => {
    await rows?.close();
    await workflows?.stop();
    await db?.drop();
  });

  it("CreateWorkflow › returns UNAVAILABLE naming the registry and writes nothing", async () => {
    const before = await rows.count();
    const name = uniqueName("wf");
    const err = await expectCode(
      client.createWorkflow({ name, spec: echoConcatSpec("echo", "concat") }),
      Code.Unavailable,
    );
    expect(err.rawMessage).toMatch(/^registry is unavailable: /);
    expect(reasonOf(err)).toBe("REGISTRY_UNAVAILABLE");
    expect(await rows.count()).toEqual(before);
    expect(before).toEqual({ definitions: 0, versions: 0 });
    await expectCode(client.getWorkflow({ workflow: { case: "name", value: name } }), Code.NotFound);
  });

  it("ValidateWorkflow › returns UNAVAILABLE naming the registry for a spec whose rules pass", async () => {
    const err = await expectCode(
      client.validateWorkflow({ target: { case: "spec", value: echoConcatSpec("echo", "concat") } }),
      Code.Unavailable,
    );
    expect(err.rawMessage).toMatch(/^registry is unavailable: /);
    expect(reasonOf(err)).toBe("REGISTRY_UNAVAILABLE");
    expect(await rows.count()).toEqual({ definitions: 0, versions: 0 });
  });

  it("ListWorkflows › still answers from PostgreSQL with an empty list", async () => {
    const listed = await client.listWorkflows({});
    expect(listed.workflows).toEqual([]);
    expect(listed.nextPageToken).toBe("");
  });

  it("GetWorkflow › still answers from PostgreSQL with NOT_FOUND for a workflow that does not exist", async () => {
    const err = await expectCode(
      client.getWorkflow({ workflow: { case: "name", value: uniqueName("absent") } }),
      Code.NotFound,
    );
    expect(err.rawMessage).toContain("not found");
  });
});
