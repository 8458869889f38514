import { join } from "node:path";
import { EXECUTOR_SESSION_LOCK } from "@mcp/db";
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { Client as PgClient } from "pg";
import { executorClient, linesIn, stepStatus, threeCounterSteps } from "../support/counter-workflow";
import { crashSuite } from "../support/crash-suite";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import { executorEnv, spawnExecutor, type ExecutorProcess } from "../support/platform";
import { COUNTER_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** Takeover by the ended session must beat this by far; a loaded machine gets the slack. */
const FAST_TAKEOVER_MS = 1_500;

describe("executor failover (ADR 024)", () => {
  const s = crashSuite("mcp-failover-");
  let pg: PgClient;
  beforeAll(async () => {
    pg = new PgClient({ connectionString: s.p.db.url });
    // the suite drops its database (ending this connection) in an afterAll that may come first
    pg.on("error", () => undefined);
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end().catch(() => undefined);
  });

  /** A counter MCP and a three-step workflow whose `second` sleeps `seconds`; its files in `dir`. */
  async function counterWorkflow(tag: string, seconds: number) {
    const mcp = uniqueName(`${tag}-counter`);
    await s.p.clients.registry.createMcp({ name: mcp, config: scriptConfig(COUNTER_SCRIPT, 60) });
    const files = {
      first: join(s.dir, `${tag}-first.txt`),
      second: join(s.dir, `${tag}-second.txt`),
      third: join(s.dir, `${tag}-third.txt`),
    };
    const workflow = uniqueName(tag);
    await s.p.clients.workflows.createWorkflow({
      name: workflow,
      spec: threeCounterSteps(mcp, files, seconds),
    });
    return { files, workflow };
  }

  /** Starts `workflow` through executor `a` (which drives it) and waits until its `second` step runs. */
  async function runUntilSecondRuns(
    a: ExecutorProcess,
    workflow: string,
    files: Record<string, string>,
  ): Promise<string> {
    const viaA = executorClient(a.url);
    const { run } = await viaA.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: {},
    });
    const runId = run!.id;
    await waitFor(
      "step `first` SUCCEEDED and `second` RUNNING (its script started) on executor A",
      async () => {
        const { run } = await viaA.getRun({ id: runId });
        const ready =
          stepStatus(run, "first") === StepStatus.SUCCEEDED &&
          stepStatus(run, "second") === StepStatus.RUNNING &&
          linesIn(files["second"]!) === 1;
        return ready ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
    return runId;
  }

  const runRow = async (runId: string) =>
    (
      await pg.query<{ owner: string | null; fence: string; lease_expires_at: Date | null }>(
        "SELECT owner, fence, lease_expires_at FROM workflow_runs WHERE id = $1",
        [runId],
      )
    ).rows[0]!;

  /** When `second`'s second attempt started (on the executor that took the run over), once it has. */
  const secondRetriedAt = async (runId: string) =>
    (
      await pg.query<{ started_at: Date }>(
        "SELECT started_at FROM step_runs WHERE run_id = $1 AND step_id = 'second' AND attempt = 2 AND started_at IS NOT NULL",
        [runId],
      )
    ).rows[0]?.started_at;

  async function finished(runId: string) {
    const via = executorClient(s.p.executors[0]!.server.url);
    return waitFor(
      "the run to finish on the surviving executor",
      async () => {
        const { run } = await via.getRun({ id: runId });
        return run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100 },
    );
  }

  it("takes a SIGKILLed executor's run over at once, not after its lease: the interrupted step starts again elsewhere well under a second later, finished steps are not run again", async () => {
    const { files, workflow } = await counterWorkflow("killed", 8);
    // A's lease is 10 s: only its ended session can explain a takeover within FAST_TAKEOVER_MS
    const env = { SANDBOX_WRITE_PATHS: s.dir, EXECUTOR_LEASE_MS: "10000" };
    const a = await spawnExecutor(executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, env));
    s.children.push(a);
    await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const runId = await runUntilSecondRuns(a, workflow, files);
    const before = await runRow(runId);
    expect(before.fence).toBe("1");

    const killedAt = Date.now();
    await crashExecutor(a);
    const retriedAt = await waitFor("`second` to start again on the surviving executor", () =>
      secondRetriedAt(runId),
    );
    const takeoverMs = retriedAt.getTime() - killedAt;
    expect({ takeoverMs, fast: takeoverMs < FAST_TAKEOVER_MS }).toMatchObject({ fast: true });
    // well before A's lease would have let anyone in
    expect(retriedAt.getTime()).toBeLessThan(before.lease_expires_at!.getTime());

    const run = await finished(runId);
    expect(RunStatus[run.status]).toBe(RunStatus[RunStatus.SUCCEEDED]);
    expect(run.steps.map((step) => [step.stepId, StepStatus[step.status], step.attempt])).toEqual([
      ["first", "SUCCEEDED", 1],
      ["second", "SUCCEEDED", 2],
      ["third", "SUCCEEDED", 1],
    ]);
    expect({
      first: linesIn(files.first),
      second: linesIn(files.second),
      third: linesIn(files.third),
    }).toEqual({ first: 1, second: 2, third: 1 });
    const after = await runRow(runId);
    expect(after).toMatchObject({ owner: null, fence: "2" });
    // the dead executor's session row is gone once its runs were taken over
    const sessions = await pg.query("SELECT owner FROM executor_sessions WHERE owner = $1", [before.owner]);
    expect(sessions.rows).toEqual([]);
  }, 180_000);

  it("leaves a hung executor (SIGSTOP, connection open) to its lease, and once it is continued it writes nothing", async () => {
    const { files, workflow } = await counterWorkflow("hung", 3);
    // the tests' lease (1.5 s) for A
    const a = await spawnExecutor(
      executorEnv(s.p.db, s.p.registry.url, s.p.workflows.server.url, { SANDBOX_WRITE_PATHS: s.dir }),
    );
    s.children.push(a);
    if (s.p.executors.length === 0) await s.p.addExecutor({ SANDBOX_WRITE_PATHS: s.dir });
    const runId = await runUntilSecondRuns(a, workflow, files);
    const owner = (await runRow(runId)).owner!;

    a.child.kill("SIGSTOP");
    // while A is stopped: its session stays alive, and the run stays A's until its last lease ends
    let lastLease = 0;
    const retriedAt = await waitFor(
      "`second` to start again on another executor once A's lease expired",
      async () => {
        const row = await runRow(runId);
        if (row.fence === "1") lastLease = row.lease_expires_at!.getTime();
        return secondRetriedAt(runId);
      },
      { timeoutMs: 30_000, intervalMs: 20 },
    );
    expect(lastLease).toBeGreaterThan(0);
    // taken over by the lease, not early: a hung executor's session proves nothing
    expect(retriedAt.getTime()).toBeGreaterThanOrEqual(lastLease - 50);
    const held = await pg.query(
      `SELECT 1 FROM executor_sessions e JOIN pg_locks l
           ON l.locktype = 'advisory' AND l.classid = $2 AND l.objid = e.lock_key::oid AND l.objsubid = 2 AND l.granted
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        WHERE e.owner = $1`,
      [owner, EXECUTOR_SESSION_LOCK],
    );
    expect(held.rowCount).toBe(1);

    const run = await finished(runId);
    expect(RunStatus[run.status]).toBe(RunStatus[RunStatus.SUCCEEDED]);
    const snapshot = async () => ({
      run: (await pg.query("SELECT * FROM workflow_runs WHERE id = $1", [runId])).rows,
      steps: (await pg.query("SELECT * FROM step_runs WHERE run_id = $1 ORDER BY position", [runId])).rows,
    });
    const settled = await snapshot();

    // A wakes up, finds the run lost (fence) and stops without writing anything
    a.child.kill("SIGCONT");
    await waitFor(
      "executor A to notice it lost the run",
      async () => (a.log.some((line) => line.includes("lost the run")) ? true : undefined),
      { timeoutMs: 30_000 },
    );
    expect(await snapshot()).toEqual(settled);
    expect(
      settled.steps.map((step: { step_id: string; attempt: number }) => [step.step_id, step.attempt]),
    ).toEqual([
      ["first", 1],
      ["second", 2],
      ["third", 1],
    ]);
    expect({ first: linesIn(files.first), third: linesIn(files.third) }).toEqual({ first: 1, third: 1 });
  }, 180_000);
});
