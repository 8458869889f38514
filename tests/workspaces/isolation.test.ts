import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, type RunEvent } from "@mcp/proto/executor";
import { RegistryService, WorkspaceService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

/** The three services' clients acting in `workspace` (the `x-mcp-workspace` header on every call). */
function clientsIn(p: TestPlatform, workspace: string | undefined) {
  const header: Interceptor = (next) => (req) => {
    if (workspace !== undefined) req.header.set("x-mcp-workspace", workspace);
    return next(req);
  };
  const transport = (url: string) => createGrpcTransport({ baseUrl: url, interceptors: [header] });
  return {
    registry: createClient(RegistryService, transport(p.registry.url)),
    workflows: createClient(WorkflowService, transport(p.workflows.server.url)),
    executor: createClient(ExecutorService, transport(p.executors[0]!.server.url)),
  };
}

describe("workspaces", () => {
  let p: TestPlatform;
  const teamA = uniqueName("team-a").toLowerCase();
  const teamB = uniqueName("team-b").toLowerCase();
  // the SAME names in both workspaces
  const mcp = uniqueName("echo");
  const workflow = uniqueName("greet");
  const runs: Record<string, string> = {};

  beforeAll(async () => {
    p = await startPlatform();
    const admin = createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url }));
    for (const name of [teamA, teamB]) await admin.createWorkspace({ name });
    for (const [ws, said] of [
      [teamA, "a"],
      [teamB, "b"],
    ] as const) {
      const c = clientsIn(p, ws);
      await c.registry.createMcp({ name: mcp, config: scriptConfig(ECHO_SCRIPT), description: `of ${ws}` });
      await c.workflows.createWorkflow({
        name: workflow,
        description: `of ${ws}`,
        spec: spec([step("echo", mcp, { inputs: { text: input("text") } })], {
          inputs: [{ name: "text", required: true }],
          outputs: [{ name: "said", stepId: "echo", output: "text" }],
        }),
      });
      const done = await c.executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: { text: said },
        requestId: "same-request-id",
        wait: true,
        waitTimeoutSeconds: 60,
      });
      expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
      expect(done.run?.outputs).toEqual({ said });
      expect(done.run?.workspace).toBe(ws);
      runs[ws] = done.run!.id;
    }
  }, 120_000);
  afterAll(async () => {
    await p.stop();
  });

  it("the same names live in both workspaces, each seeing only its own MCP and workflow", async () => {
    for (const ws of [teamA, teamB]) {
      const c = clientsIn(p, ws);
      const mcps = await c.registry.listMcps({});
      expect(mcps.mcps.map((m) => [m.name, m.workspace, m.description])).toEqual([[mcp, ws, `of ${ws}`]]);
      const wfs = await c.workflows.listWorkflows({});
      expect(wfs.workflows.map((w) => [w.name, w.workspace])).toEqual([[workflow, ws]]);
      const got = await c.registry.getMcp({ mcp: { case: "name", value: mcp } });
      expect(got.mcp?.description).toBe(`of ${ws}`);
      // each name's versions are numbered in its own workspace
      expect(got.version?.version).toBe(1);
    }
    const def = clientsIn(p, undefined);
    expect((await def.registry.listMcps({})).mcps.map((m) => m.name)).not.toContain(mcp);
  });

  it("another workspace's MCP, workflow and run are NOT_FOUND by id, never hinted at", async () => {
    const a = clientsIn(p, teamA);
    const b = clientsIn(p, teamB);
    const mcpOfA = (await a.registry.getMcp({ mcp: { case: "name", value: mcp } })).mcp!;
    const wfOfA = (await a.workflows.getWorkflow({ workflow: { case: "name", value: workflow } })).workflow!;
    const err = await expectCode(b.registry.getMcp({ mcp: { case: "id", value: mcpOfA.id } }), Code.NotFound);
    expect(err.rawMessage).not.toContain(teamA);
    await expectCode(b.workflows.getWorkflow({ workflow: { case: "id", value: wfOfA.id } }), Code.NotFound);
    await expectCode(
      b.registry.updateMcp({ mcp: { case: "id", value: mcpOfA.id }, description: "stolen" }),
      Code.NotFound,
    );
    await expectCode(b.executor.getRun({ id: runs[teamA]! }), Code.NotFound);
    await expectCode(b.executor.cancelRun({ id: runs[teamA]! }), Code.NotFound);
    await expectCode(b.executor.resolveRunId({ prefix: runs[teamA]!.slice(0, 8) }), Code.NotFound);
    await expectCode(
      b.executor.runMcp({ mcp: { mcp: { case: "id", value: mcpOfA.id } }, inputs: { text: "x" } }),
      Code.NotFound,
    );
    // the owner still sees its run, and resolves its short id
    expect((await a.executor.getRun({ id: runs[teamA]! })).run?.outputs).toEqual({ said: "a" });
    expect((await a.executor.resolveRunId({ prefix: runs[teamA]!.slice(0, 8) })).id).toBe(runs[teamA]);
  });

  it("WatchRun streams a workspace's own run and refuses another's", async () => {
    const a = clientsIn(p, teamA);
    const b = clientsIn(p, teamB);
    const events: RunEvent[] = [];
    for await (const res of a.executor.watchRun({ id: runs[teamA]! })) events.push(res.event!);
    expect(events[0]?.event.case).toBe("runSnapshot");
    expect(events.every((e) => e.runId === runs[teamA])).toBe(true);
    const watchOther = (async () => {
      for await (const _ of b.executor.watchRun({ id: runs[teamA]! })) {
        // nothing may arrive
      }
    })();
    await expectCode(watchOther, Code.NotFound);
    const tailOther = (async () => {
      for await (const _ of b.executor.tailStepLogs({ runId: runs[teamA]!, stepId: "echo" })) {
        // nothing may arrive
      }
    })();
    await expectCode(tailOther, Code.NotFound);
  });

  it("lists, the dashboard and idempotency keys are per workspace", async () => {
    for (const ws of [teamA, teamB]) {
      const c = clientsIn(p, ws);
      const listed = await c.executor.listRuns({});
      expect(listed.runs.map((r) => r.id)).toEqual([runs[ws]]);
      const stats = await c.executor.getRunStats({});
      expect(stats.workflows.map((w) => [w.workflowName, Number(w.runs)])).toEqual([[workflow, 1]]);
    }
    // "same-request-id" was used in both workspaces and made two runs
    expect(runs[teamA]).not.toBe(runs[teamB]);
    const def = clientsIn(p, undefined);
    expect((await def.executor.listRuns({})).runs.map((r) => r.id)).not.toContain(runs[teamA]);
  });

  it("a cached resolution of one workspace's name never answers another's (registry, workflows, executor caches)", async () => {
    const a = clientsIn(p, teamA);
    const b = clientsIn(p, teamB);
    // both names are now cached (Redis and the executors' memo); change only team-a's MCP
    const current = (await a.registry.getMcp({ mcp: { case: "name", value: mcp } })).mcp!;
    await a.registry.updateMcp({
      mcp: { case: "name", value: mcp },
      etag: current.etag,
      description: "changed in a",
    });
    expect((await b.registry.getMcp({ mcp: { case: "name", value: mcp } })).mcp?.description).toBe(
      `of ${teamB}`,
    );
    const again = await b.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "b again" },
      wait: true,
      waitTimeoutSeconds: 60,
    });
    expect(again.run?.workspace).toBe(teamB);
    expect(again.run?.steps[0]?.mcpId).toBe(
      (await b.registry.getMcp({ mcp: { case: "name", value: mcp } })).mcp?.id,
    );
  }, 60_000);

  it("a malformed workspace header is INVALID_ARGUMENT naming it; an unknown workspace is NOT_FOUND", async () => {
    const bad = await expectCode(clientsIn(p, "Not A Name").registry.listMcps({}), Code.InvalidArgument);
    expect(bad.rawMessage).toContain("x-mcp-workspace");
    const unknown = await expectCode(clientsIn(p, "no-such-ws").executor.listRuns({}), Code.NotFound);
    expect(unknown.rawMessage).toContain('workspace "no-such-ws" not found');
  });

  it("DeleteWorkspace refuses a workspace that holds anything, and deletes an empty one", async () => {
    const admin = createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url }));
    const err = await expectCode(admin.deleteWorkspace({ name: teamA }), Code.FailedPrecondition);
    expect(err.rawMessage).toContain("1 mcps");
    await expectCode(admin.deleteWorkspace({ name: "default" }), Code.FailedPrecondition);
    const empty = uniqueName("empty").toLowerCase();
    await admin.createWorkspace({ name: empty });
    await expectCode(admin.createWorkspace({ name: empty }), Code.AlreadyExists);
    expect((await admin.listWorkspaces({})).workspaces.map((w) => w.name)).toEqual(
      expect.arrayContaining(["default", teamA, teamB, empty]),
    );
    await admin.deleteWorkspace({ name: empty });
    await expectCode(admin.getWorkspace({ name: empty }), Code.NotFound);
  });
});
