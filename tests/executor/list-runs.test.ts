/**
 * ListRuns' views (AIP-157 style): unset and RUN_VIEW_BASIC leave each run's inputs and outputs out and
 * keep every other field GetRun has (but steps and token counts); RUN_VIEW_FULL has them too; an
 * unknown view is INVALID_ARGUMENT naming `view`. And keyset pagination stays stable: runs created
 * while a client pages do not shift later pages, runs created in the same instant are all listed once
 * (ordered by id), so are runs created microseconds apart, and the view may change from page to page.
 */
import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import { RunStatus, RunView, type WorkflowRun } from "@mcp/proto/executor";
import { Client } from "pg";
import { expectCode, fieldsOf } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

/** A listed run without what a list never has (steps, token counts: GetRun's alone). */
const listedPart = (r: WorkflowRun) => ({
  ...r,
  steps: [],
  llmInputTokens: 0n,
  llmOutputTokens: 0n,
  llmCost: undefined,
  llmUnpricedModels: [],
  concurrencyWait: "",
});

describe("ListRuns views and pagination", () => {
  let p: TestPlatform;
  const echo = uniqueName("echo");
  const workflow = uniqueName("listed");
  const ids: string[] = [];

  beforeAll(async () => {
    p = await startPlatform();
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec([step("echo", echo, { inputs: { text: input("text") } })], {
        inputs: [{ name: "text", required: true }],
        outputs: [{ name: "said", stepId: "echo", output: "text" }],
      }),
    });
    for (let i = 0; i < 3; i++) {
      const res = await p.clients.executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: workflow } },
        inputs: { text: `n${i}` },
        requestId: uniqueName("req"),
        wait: true,
      });
      expect(res.run?.status).toBe(RunStatus.SUCCEEDED);
      ids.push(res.run!.id);
    }
  }, 240_000);
  afterAll(async () => {
    await p?.stop();
  });

  it("unset and BASIC leave inputs and outputs out and keep the rest; FULL has them as GetRun does", async () => {
    const { executor } = p.clients;
    const filter = { workflow };
    const unset = (await executor.listRuns({ filter })).runs;
    const basic = (await executor.listRuns({ filter, view: RunView.BASIC })).runs;
    const full = (await executor.listRuns({ filter, view: RunView.FULL })).runs;
    expect(unset.map((r) => r.id)).toEqual([...ids].reverse());
    expect(basic).toEqual(unset);
    expect(full.map((r) => r.id)).toEqual(unset.map((r) => r.id));
    for (const [i, id] of [...ids].reverse().entries()) {
      const got = (await executor.getRun({ id })).run!;
      expect(got.inputs).toEqual({ text: `n${2 - i}` });
      expect(got.outputs).toEqual({ said: `n${2 - i}` });
      expect(full[i]).toEqual(listedPart(got));
      expect(unset[i]).toEqual({ ...listedPart(got), inputs: undefined, outputs: undefined });
      // what the run tables show is there without FULL
      expect(unset[i]!.requestId).not.toBe("");
      expect(unset[i]!.finishTime).toBeDefined();
    }
  });

  it("an unknown view is INVALID_ARGUMENT naming `view`", async () => {
    const err = await expectCode(p.clients.executor.listRuns({ view: 7 as RunView }), Code.InvalidArgument);
    expect(fieldsOf(err)).toEqual(["view"]);
  });

  it("pages stay stable: new runs do not shift later pages; runs of one instant, or of one millisecond, are each listed once", async () => {
    const { executor } = p.clients;
    // older than the rest (copies of the oldest run under new ids): four runs of the same instant, then
    // four created microseconds apart within one millisecond (a page token cut to the millisecond
    // would skip those created before its last run in that millisecond)
    const pg = new Client({ connectionString: p.db.url });
    await pg.connect();
    const twins = Array.from({ length: 4 }, () => randomUUID());
    const close = Array.from({ length: 4 }, () => randomUUID());
    const rows = [
      ...twins.map((id) => [id, "2026-01-01T00:00:00.000Z"] as const),
      ...close.map((id, i) => [id, `2026-01-01T00:00:01.000${i + 1}00Z`] as const),
    ];
    try {
      for (const [id, at] of rows)
        await pg.query(
          `INSERT INTO workflow_runs
           SELECT (jsonb_populate_record(r, jsonb_build_object('id', $2::text, 'request_id', $3::text,
                     'created_at', $4::text))).*
             FROM workflow_runs r WHERE r.id = $1`,
          [ids[0], id, `twin-${id}`, at],
        );
    } finally {
      await pg.end();
    }
    const expected = [...[...ids].reverse(), ...[...close].reverse(), ...[...twins].sort().reverse()];
    const seen: string[] = [];
    let token = "";
    let page = 0;
    do {
      const res = await executor.listRuns({
        filter: { workflow },
        pageSize: 2,
        pageToken: token,
        view: page % 2 === 0 ? RunView.BASIC : RunView.FULL,
      });
      expect(res.runs.every((r) => (r.inputs !== undefined) === (page % 2 === 1))).toBe(true);
      seen.push(...res.runs.map((r) => r.id));
      token = res.nextPageToken;
      page += 1;
      if (page === 1) {
        // a run started between pages is newer than the keyset: it is not on any later page
        await executor.executeWorkflow({
          workflow: { workflow: { case: "name", value: workflow } },
          inputs: { text: "late" },
          wait: true,
        });
      }
    } while (token);
    expect(seen).toEqual(expected);
    expect(page).toBe(6);
  });
});
