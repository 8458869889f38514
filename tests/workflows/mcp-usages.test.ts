import { Code } from "@connectrpc/connect";
import { reasonOf } from "@mcp/runtime";
import { expectCode } from "../support/errors";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { startTestPlatform, type TestPlatform } from "../support/workflows";

/** "Used by": ListMcpUsages finds the workflow versions whose steps call an MCP, however they name it. */
describe("WorkflowService ListMcpUsages", () => {
  let p: TestPlatform;
  let mcp: string;
  let mcpId: string;
  let other: string;
  beforeAll(async () => {
    p = await startTestPlatform();
    mcp = uniqueName("used");
    other = uniqueName("other");
    mcpId = (await p.registry.client.createMcp(newPythonMcp(mcp))).mcp!.id;
    await p.registry.client.createMcp(newPythonMcp(other));
    await p.registry.client.setMcpLabel({
      mcp: { case: "name", value: mcp },
      label: "production",
      version: 1,
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  const step = (stepId: string, ref: object, dependsOn: string[] = []) => ({
    stepId,
    mcp: ref,
    dependsOn,
  });

  it("lists each version with its steps and how they select the version; current only on request", async () => {
    const alpha = `a-${uniqueName("wf")}`;
    const beta = `b-${uniqueName("wf")}`;
    // alpha v1: by name through `production`; v2: pinned by id to version 1, plus a step on another MCP
    await p.client.createWorkflow({
      name: alpha,
      spec: {
        steps: [
          step("s1", {
            mcp: { case: "name", value: mcp.toUpperCase() },
            selector: { case: "label", value: "production" },
          }),
        ],
      },
    });
    await p.client.updateWorkflow({
      workflow: { case: "name", value: alpha },
      spec: {
        steps: [
          step("first", { mcp: { case: "name", value: other } }),
          step("pinned", { mcp: { case: "id", value: mcpId }, selector: { case: "version", value: 1 } }, [
            "first",
          ]),
        ],
      },
    });
    // roll alpha back to v1: v1 current, v2 latest
    await p.client.setCurrentWorkflowVersion({ workflow: { case: "name", value: alpha }, version: 1 });
    // beta v1: two steps on `latest`
    await p.client.createWorkflow({
      name: beta,
      spec: {
        steps: [
          step("x", { mcp: { case: "name", value: mcp } }),
          step("y", { mcp: { case: "name", value: mcp } }, ["x"]),
        ],
      },
    });
    // a workflow that does not use it
    await p.client.createWorkflow({
      name: uniqueName("unrelated"),
      spec: { steps: [step("z", { mcp: { case: "name", value: other } })] },
    });

    const all = await p.client.listMcpUsages({ mcp: { case: "name", value: mcp } });
    const summary = all.usages.map((u) => ({
      wf: u.workflowName,
      v: u.workflowVersion,
      current: u.current,
      latest: u.latest,
      steps: u.steps.map((s) => [s.stepId, s.mcp?.mcp.case, s.mcp?.selector.case, s.mcp?.selector.value]),
    }));
    expect(summary).toEqual([
      { wf: alpha, v: 2, current: false, latest: true, steps: [["pinned", "id", "version", 1]] },
      { wf: alpha, v: 1, current: true, latest: false, steps: [["s1", "name", "label", "production"]] },
      {
        wf: beta,
        v: 1,
        current: true,
        latest: true,
        steps: [
          ["x", "name", undefined, undefined],
          ["y", "name", undefined, undefined],
        ],
      },
    ]);
    expect(all.nextPageToken).toBe("");

    // by id: the same versions; current only: alpha v1 and beta v1, one per page
    const byId = await p.client.listMcpUsages({ mcp: { case: "id", value: mcpId } });
    expect(byId.usages.map((u) => [u.workflowName, u.workflowVersion])).toEqual(
      all.usages.map((u) => [u.workflowName, u.workflowVersion]),
    );
    const first = await p.client.listMcpUsages({
      mcp: { case: "name", value: mcp },
      currentOnly: true,
      pageSize: 1,
    });
    const second = await p.client.listMcpUsages({
      mcp: { case: "name", value: mcp },
      currentOnly: true,
      pageSize: 1,
      pageToken: first.nextPageToken,
    });
    expect([...first.usages, ...second.usages].map((u) => [u.workflowName, u.workflowVersion])).toEqual([
      [alpha, 1],
      [beta, 1],
    ]);
    expect(second.nextPageToken).toBe("");
  });

  it("is empty for an MCP no workflow uses", async () => {
    const unused = uniqueName("unused");
    await p.registry.client.createMcp(newPythonMcp(unused));
    const res = await p.client.listMcpUsages({ mcp: { case: "name", value: unused } });
    expect(res.usages).toEqual([]);
  });

  it("answers NOT_FOUND for an MCP the registry does not know, INVALID_ARGUMENT without one", async () => {
    const err = await expectCode(
      p.client.listMcpUsages({ mcp: { case: "name", value: uniqueName("nope") } }),
      Code.NotFound,
    );
    expect(reasonOf(err)).toBe("MCP_NOT_FOUND");
    await expectCode(p.client.listMcpUsages({}), Code.InvalidArgument);
    await expectCode(
      p.client.listMcpUsages({ mcp: { case: "id", value: "not-a-uuid" } }),
      Code.InvalidArgument,
    );
  });
});
