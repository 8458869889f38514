import { join } from "node:path";
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { Client as PgClient } from "pg";
import { executorClient, linesIn, stepStatus, threeCounterSteps } from "../support/counter-workflow";
import { crashSuite } from "../support/crash-suite";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import { executorEnv, spawnExecutor } from "../support/platform";
import { COUNTER_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

describe("executor crash recovery", () => {
  const s = crashSuite("mcp-recovery-");

  it("resumes a run whose executor was SIGKILLed mid-step on an executor started after the crash: done steps are not run again, the interrupted step runs once more", async () => {
    const mcp = uniqueName("counter");
    await s.p.clients.registry.createMcp({ name: mcp, config: scriptConfig(COUNTER_SCRIPT, 60) });
    const files = {
      first: join(s.dir, "first.txt"),
      second: join(s.dir, "second.txt"),
      third: join(s.dir, "third.txt"),
    };
    const workflow = uniqueName("crashy");
    // `second` sleeps 10 s: a window in which even a loaded machine's polls see it running
    await s.p.clients.workflows.createWorkflow({ name: workflow, spec: threeCounterSteps(mcp, files, 10) });

    const a = await spawnExecutor(
      executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, { SANDBOX_WRITE_PATHS: s.dir }),
    );
    s.children.push(a);
    const viaA = executorClient(a.url);
    const { run: started } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: {},
    });
    const runId = started!.id;

    // Kill A while `second` is running — after its script recorded its side effect.
    await waitFor(
      "step `first` SUCCEEDED, `second` RUNNING and its script started on executor A",
      async () => {
        const { run } = await viaA.getRun({ id: runId });
        const ready =
          stepStatus(run, "first") === StepStatus.SUCCEEDED &&
          stepStatus(run, "second") === StepStatus.RUNNING &&
          linesIn(files.second) === 1;
        return ready ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    await crashExecutor(a);
    expect(linesIn(files.third)).toBe(0);

    // Nothing wakes B for this run: it must find the abandoned run itself (A's session ended, ADR 024).
    const b = await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const viaB = executorClient(b.server.url);
    const finished = await waitFor(
      "the run to finish on executor B",
      async () => {
        const { run } = await viaB.getRun({ id: runId });
        return run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );

    expect(RunStatus[finished.status]).toBe(RunStatus[RunStatus.SUCCEEDED]);
    expect(finished.steps.map((s) => [s.stepId, StepStatus[s.status], s.attempt])).toEqual([
      ["first", "SUCCEEDED", 1],
      ["second", "SUCCEEDED", 2],
      ["third", "SUCCEEDED", 1],
    ]);
    expect(finished.outputs).toEqual({ count: 1 });
    // The side effects: `first` ran once (not again on resume), `second` twice (interrupted + resumed), `third` once.
    expect({
      first: linesIn(files.first),
      second: linesIn(files.second),
      third: linesIn(files.third),
    }).toEqual({ first: 1, second: 2, third: 1 });

    const pg = new PgClient({ connectionString: s.p.db.url });
    await pg.connect();
    try {
      const runRow = (
        await pg.query<{ fence: string; status: string; owner: string | null }>(
          "SELECT fence, status, owner FROM workflow_runs WHERE id = $1",
          [runId],
        )
      ).rows[0]!;
      expect(runRow.status).toBe("succeeded");
      expect(runRow.owner).toBeNull();
      // Claimed by A (fence 1), then again by B after A's lease expired.
      expect(Number(runRow.fence)).toBeGreaterThanOrEqual(2);
      const steps = await pg.query<{
        step_id: string;
        status: string;
        attempt: number;
        started_at: Date;
        finished_at: Date;
      }>(
        "SELECT step_id, status, attempt, started_at, finished_at FROM step_runs WHERE run_id = $1 ORDER BY position",
        [runId],
      );
      expect(steps.rows.map((s) => [s.step_id, s.status, s.attempt])).toEqual([
        ["first", "succeeded", 1],
        ["second", "succeeded", 2],
        ["third", "succeeded", 1],
      ]);
      // `third` started only after the resumed `second` was committed.
      expect(steps.rows[2]!.started_at.getTime()).toBeGreaterThanOrEqual(
        steps.rows[1]!.finished_at.getTime(),
      );
    } finally {
      await pg.end();
    }
  }, 180_000);
});
