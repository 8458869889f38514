import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { createDataSource, openDatabase } from "../data-source";
import { StepRunEntity } from "../entities/step-run.entity";
import { createTestDatabase, oneStepRun, type TestDatabase } from "../testing";
import { FencedWrites } from "./fenced-writes";
import { PreparedStatements } from "./prepared";
import { FenceLostError, RunStore } from "./run-store";
import { stepRow } from "./step-row";
import { StepWriteBatch, type WrittenSteps } from "./step-write-batch";
import { RunWriteBatch, type RunWritten } from "./run-write-batch";
import { ANY_WORKSPACE, RunQueries } from "./run-queries";
import { WorkflowRunEntity } from "../entities/workflow-run.entity";

/**
 * Step transitions of several runs in one statement (group commit, docs/adr/028), against the real
 * PostgreSQL: each run's fence is checked on its own, and each write gets its own outcome.
 */
describe("step writes across runs (group commit)", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let batch: StepWriteBatch;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    batch = new StepWriteBatch(dataSource.getMetadata(StepRunEntity), new PreparedStatements(dataSource));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** A run claimed at creation (fence 1, event_seq 1) with steps `a` and `b`. */
  async function claimedRun(): Promise<string> {
    const one = oneStepRun();
    const input = {
      ...one,
      steps: [
        ...one.steps,
        stepRow({ id: randomUUID(), runId: one.run.id, stepId: "b", position: 1, status: "pending" }),
      ],
    };
    const { run } = await store.create(input, { owner: "me", leaseMs: 60_000 });
    return run.id;
  }
  const step = (runId: string, stepId: string) =>
    dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId, stepId });
  const eventSeq = async (runId: string) =>
    (
      await dataSource.query<{ event_seq: string }[]>("SELECT event_seq FROM workflow_runs WHERE id = $1", [
        runId,
      ])
    )[0]?.event_seq;
  const valueOfRun = (outcome: { value: RunWritten } | { error: unknown } | undefined): RunWritten => {
    if (!outcome || !("value" in outcome))
      throw new Error(`expected a value, got ${JSON.stringify(outcome)}`);
    return outcome.value;
  };
  const valueOf = (outcome: { value: WrittenSteps } | { error: unknown } | undefined): WrittenSteps => {
    if (!outcome || !("value" in outcome))
      throw new Error(`expected a value, got ${JSON.stringify(outcome)}`);
    return outcome.value;
  };

  it("commits many runs' writes in one statement, checking each run's fence: a moved fence fails only its own write", async () => {
    const [r1, r2, r3] = [await claimedRun(), await claimedRun(), await claimedRun()];
    const outcomes = await batch.commit([
      { runId: r1, fence: "1", stepIds: ["a"], patch: { status: "succeeded", outputs: { n: 1 } } },
      { runId: r2, fence: "7", stepIds: ["a"], patch: { status: "succeeded", outputs: { n: 2 } } },
      { runId: r3, fence: "1", stepIds: ["a", "b"], patch: { status: "skipped" } },
    ]);
    expect(valueOf(outcomes[0])).toMatchObject({ seq: "2", rows: [{ stepId: "a", outputs: { n: 1 } }] });
    expect(outcomes[1]).toEqual({ error: new FenceLostError(r2, "7") });
    expect(
      valueOf(outcomes[2])
        .rows.map((row) => row.stepId)
        .sort(),
    ).toEqual(["a", "b"]);
    expect((await step(r1, "a")).status).toBe("succeeded");
    // the run whose fence moved: nothing written, its sequence untouched
    expect((await step(r2, "a")).status).toBe("pending");
    expect(await eventSeq(r2)).toBe("1");
    expect((await step(r3, "b")).status).toBe("skipped");
  });

  it("mixed fences of one run in one batch: the stale owner's write fails, the current owner's commits", async () => {
    const { run } = await store.create(oneStepRun());
    const stale = (await store.claim("old", 1, { runId: run.id }))!;
    // claimable again once the 1 ms lease is over: polled, not slept on
    let fresh = await store.claim("new", 60_000, { runId: run.id });
    while (!fresh) {
      await new Promise((resolve) => setImmediate(resolve));
      fresh = await store.claim("new", 60_000, { runId: run.id });
    }
    const outcomes = await batch.commit([
      { runId: run.id, fence: stale.fence, stepIds: ["a"], patch: { status: "failed" } },
      { runId: run.id, fence: fresh.fence, stepIds: ["a"], patch: { status: "running", attempt: 1 } },
    ]);
    expect(outcomes[0]).toEqual({ error: new FenceLostError(run.id, stale.fence) });
    expect(valueOf(outcomes[1]).rows[0]).toMatchObject({ status: "running", attempt: 1 });
    expect((await step(run.id, "a")).status).toBe("running");
  });

  it("two writes of one run in one batch take consecutive sequence numbers in the batch's order", async () => {
    const runId = await claimedRun();
    const outcomes = await batch.commit([
      { runId, fence: "1", stepIds: ["b"], patch: { status: "succeeded" } },
      { runId, fence: "1", stepIds: ["a"], patch: { status: "failed", error: { code: "X" } } },
    ]);
    expect(valueOf(outcomes[0])).toMatchObject({ seq: "2", rows: [{ stepId: "b", status: "succeeded" }] });
    expect(valueOf(outcomes[1])).toMatchObject({ seq: "3", rows: [{ stepId: "a", status: "failed" }] });
    expect(await eventSeq(runId)).toBe("3");
  });

  it("sets exactly the columns a patch names (null included) and keeps the others; derives a duration from the recorded start", async () => {
    const runId = await claimedRun();
    const startedAt = new Date(Date.now() - 1234);
    valueOf(
      (
        await batch.commit([
          {
            runId,
            fence: "1",
            stepIds: ["a"],
            patch: { status: "running", attempt: 2, inputs: { x: [1, "é"] }, startedAt, stdout: "out" },
          },
        ])
      )[0],
    );
    const finishedAt = new Date();
    const [done] = await batch.commit([
      { runId, fence: "1", stepIds: ["a"], patch: { status: "succeeded", outputs: null, finishedAt } },
    ]);
    const row = valueOf(done).rows[0]!;
    expect(row).toMatchObject({
      status: "succeeded",
      attempt: 2,
      inputs: { x: [1, "é"] },
      stdout: "out",
      outputs: null,
    });
    expect(row.startedAt!.getTime()).toBe(startedAt.getTime());
    expect(row.finishedAt!.getTime()).toBe(finishedAt.getTime());
    expect(row.durationMs).toBe(finishedAt.getTime() - startedAt.getTime());
  });

  it("a write that ends a step otherwise than succeeded cancels that step's open items, and only that step's", async () => {
    const [r1, r2] = [await claimedRun(), await claimedRun()];
    const writes = new FencedWrites(dataSource);
    const item = (index: number, status: "running" | "succeeded") => ({
      id: randomUUID(),
      stepId: `a[${index}]`,
      status,
      itemIndex: index,
    });
    await writes.upsertChildren(r1, "1", "a", [item(0, "running"), item(1, "succeeded")], false);
    await writes.upsertChildren(r2, "1", "a", [item(0, "running")], false);
    const outcomes = await batch.commit([
      { runId: r1, fence: "1", stepIds: ["a"], patch: { status: "failed", error: { code: "TIMEOUT" } } },
      { runId: r2, fence: "1", stepIds: ["b"], patch: { status: "succeeded" } },
    ]);
    const closed = valueOf(outcomes[0]).rows;
    expect(closed.map((row) => [row.stepId, row.status])).toEqual([
      ["a", "failed"],
      ["a[0]", "cancelled"],
    ]);
    expect(closed[1]!.error).toEqual({
      code: "CANCELLED",
      message: "the step ended failed before this item did",
    });
    expect((await step(r1, "a[1]")).status).toBe("succeeded");
    // the other run's items are not its write's to close
    expect((await step(r2, "a[0]")).status).toBe("running");
  });

  it("run ends of several runs in one statement: each checked against its own fence, each with its next sequence number", async () => {
    const runBatch = new RunWriteBatch(
      dataSource.getMetadata(WorkflowRunEntity),
      dataSource.getMetadata(StepRunEntity),
      new PreparedStatements(dataSource),
    );
    const [r1, r2] = [await claimedRun(), await claimedRun()];
    const finishedAt = new Date();
    const outcomes = await runBatch.commit([
      { runId: r1, fence: "1", patch: { status: "succeeded", outputs: { y: 1 }, finishedAt, owner: null } },
      { runId: r2, fence: "3", patch: { status: "failed", owner: null } },
    ]);
    expect(outcomes).toEqual([{ value: { seq: "2" } }, { error: new FenceLostError(r2, "3") }]);
    const rows = await dataSource.query<
      Array<{ id: string; status: string; owner: string | null; outputs: unknown; lease: Date | null }>
    >(
      "SELECT id, status, owner, outputs, lease_expires_at AS lease FROM workflow_runs WHERE id = ANY($1) ORDER BY id = $2 DESC",
      [[r1, r2], r1],
    );
    // r1: the named columns set (owner to null), the lease, not named, kept
    expect(rows[0]).toMatchObject({ status: "succeeded", owner: null, outputs: { y: 1 } });
    expect(rows[0]!.lease).toBeInstanceOf(Date);
    expect(rows[1]).toMatchObject({ status: "running", owner: "me" });
  });

  it("a run end that reads returns the run as it leaves it with its steps, exactly as a read after it shows them; the others in its batch only their sequence", async () => {
    const runBatch = new RunWriteBatch(
      dataSource.getMetadata(WorkflowRunEntity),
      dataSource.getMetadata(StepRunEntity),
      new PreparedStatements(dataSource),
    );
    const queries = new RunQueries(dataSource);
    const [r1, r2, r3] = [await claimedRun(), await claimedRun(), await claimedRun()];
    await batch.commit([
      {
        runId: r1,
        fence: "1",
        stepIds: ["a"],
        patch: { status: "succeeded", outputs: { text: "é\u2028😀" } },
      },
    ]);
    const finishedAt = new Date();
    const outcomes = await runBatch.commit([
      {
        runId: r1,
        fence: "1",
        patch: { status: "succeeded", outputs: { y: 1 }, finishedAt, owner: null },
        read: true,
      },
      { runId: r2, fence: "1", patch: { status: "failed", owner: null } },
      { runId: r3, fence: "5", patch: { status: "failed", owner: null }, read: true },
    ]);
    expect(outcomes[0]).toEqual({
      value: { seq: "3", ended: await queries.runWithSteps(ANY_WORKSPACE, r1) },
    });
    expect(valueOfRun(outcomes[0]).ended?.run).toMatchObject({
      status: "succeeded",
      outputs: { y: 1 },
      eventSeq: "3",
    });
    expect(valueOfRun(outcomes[0]).ended?.steps.map((s) => [s.stepId, s.status, s.outputs])).toEqual([
      ["a", "succeeded", { text: "é\u2028😀" }],
      ["b", "pending", null],
    ]);
    expect(outcomes[1]).toEqual({ value: { seq: "2" } });
    expect(outcomes[2]).toEqual({ error: new FenceLostError(r3, "5") });
  });

  it("a batch mixing run ends that read and ones that do not reads only for the writes that asked: each reader gets its own run, the others nothing but their sequence", async () => {
    /** The raw rows of every statement sent. */
    const sent: Array<Array<Record<string, unknown>>> = [];
    class Recorded extends PreparedStatements {
      override async rows<T extends Record<string, unknown>>(text: string, values: unknown[]): Promise<T[]> {
        const rows = await super.rows<T>(text, values);
        sent.push(rows);
        return rows;
      }
    }
    const runBatch = new RunWriteBatch(
      dataSource.getMetadata(WorkflowRunEntity),
      dataSource.getMetadata(StepRunEntity),
      new Recorded(dataSource),
    );
    const queries = new RunQueries(dataSource);
    const [r1, r2, r3, r4] = [await claimedRun(), await claimedRun(), await claimedRun(), await claimedRun()];
    // each run's steps told apart, so that a reader given another run's steps would show
    await batch.commit(
      [r1, r2, r3].map((runId, n) => ({
        runId,
        fence: "1",
        stepIds: ["a"],
        patch: { status: "succeeded" as const, outputs: { n } },
      })),
    );
    const end = { status: "succeeded" as const, finishedAt: new Date(), owner: null };
    const outcomes = await runBatch.commit([
      { runId: r1, fence: "1", patch: { ...end, outputs: { run: 1 } }, read: true },
      { runId: r2, fence: "1", patch: { ...end, outputs: { run: 2 } } },
      { runId: r3, fence: "1", patch: { ...end, outputs: { run: 3 } }, read: true },
      { runId: r4, fence: "1", patch: { ...end, outputs: { run: 4 } }, read: false },
    ]);
    expect(outcomes).toEqual([
      { value: { seq: "3", ended: await queries.runWithSteps(ANY_WORKSPACE, r1) } },
      { value: { seq: "3" } },
      { value: { seq: "3", ended: await queries.runWithSteps(ANY_WORKSPACE, r3) } },
      { value: { seq: "2" } },
    ]);
    expect(
      [valueOfRun(outcomes[0]), valueOfRun(outcomes[2])].map(({ ended }) => [
        ended?.run.outputs,
        ended?.steps.map((s) => s.outputs),
      ]),
    ).toEqual([
      [{ run: 1 }, [{ n: 0 }, null]],
      [{ run: 3 }, [{ n: 2 }, null]],
    ]);
    // what the statement sent back: a run and its steps for the writes that read, nothing for the others
    const rows = sent.at(-1)!;
    const sentFor = (w: number) => rows.find((row) => Number(row["__w"]) === w)!;
    expect(
      [1, 2, 3, 4].map((w) => [sentFor(w)["id"], sentFor(w)["outputs"], sentFor(w)["__steps"] !== null]),
    ).toEqual([
      [r1, { run: 1 }, true],
      [null, null, false],
      [r3, { run: 3 }, true],
      [null, null, false],
    ]);
    const nonNull = (row: Record<string, unknown>) => Object.keys(row).filter((key) => row[key] !== null);
    expect([nonNull(sentFor(2)), nonNull(sentFor(4))]).toEqual([
      ["__w", "__seq"],
      ["__w", "__seq"],
    ]);
  });

  it("FencedWrites.endRun alone (no other run end in flight) returns what a read after it shows, in the one statement", async () => {
    const writes = new FencedWrites(dataSource);
    const queries = new RunQueries(dataSource);
    const runId = await claimedRun();
    const { seq, ended } = await writes.endRun(
      runId,
      "1",
      {
        status: "failed",
        error: { code: "X", message: "m" },
        finishedAt: new Date(),
        owner: null,
        leaseExpiresAt: null,
      },
      { read: true },
    );
    expect(seq).toBe("2");
    expect(ended).toEqual(await queries.runWithSteps(ANY_WORKSPACE, runId));
    await expect(writes.endRun(runId, "1", { status: "failed" }, { read: true })).resolves.toMatchObject({
      seq: "3",
    });
    await expect(writes.endRun(runId, "2", { status: "failed" }, { read: true })).rejects.toEqual(
      new FenceLostError(runId, "2"),
    );
  });

  describe("a run end carrying its last step transition (docs/adr/031)", () => {
    const started = new Date(Date.now() - 1500);
    const last = (n: number) => ({
      stepIds: ["a"],
      patch: { status: "succeeded" as const, outputs: { n }, finishedAt: new Date(), error: null },
    });
    const end = { status: "succeeded" as const, finishedAt: new Date(), owner: null, leaseExpiresAt: null };
    /** A claimed run whose step `a` runs since `started` (event_seq 2). */
    async function runningRun(): Promise<string> {
      const runId = await claimedRun();
      await new FencedWrites(dataSource).updateSteps(runId, "1", ["a"], {
        status: "running",
        startedAt: started,
      });
      return runId;
    }
    afterEach(() => jest.restoreAllMocks());

    it("alone: ONE statement writes the step (its duration from its recorded start) then the end, each with its own sequence number; a read sees the step as written", async () => {
      const writes = new FencedWrites(dataSource);
      const queries = new RunQueries(dataSource);
      const runId = await runningRun();
      await dataSource.query("UPDATE workflow_runs SET recoveries = 2 WHERE id = $1", [runId]);
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      const written = await writes.endRun(
        runId,
        "1",
        { ...end, outputs: { y: 1 } },
        { read: true, steps: last(7) },
      );
      expect(statements).toHaveBeenCalledTimes(1);
      expect(written.seq).toBe("4");
      expect(written.steps?.seq).toBe("3");
      expect(written.steps?.rows.map((s) => [s.stepId, s.status, s.outputs])).toEqual([
        ["a", "succeeded", { n: 7 }],
      ]);
      expect(written.steps?.rows[0]?.durationMs).toBeGreaterThanOrEqual(1500);
      const after = await queries.runWithSteps(ANY_WORKSPACE, runId);
      expect(written.ended).toEqual(after);
      expect(after?.run).toMatchObject({
        status: "succeeded",
        outputs: { y: 1 },
        eventSeq: "4",
        recoveries: 0,
      });
      expect(after?.steps.map((s) => [s.stepId, s.status, s.outputs])).toEqual([
        ["a", "succeeded", { n: 7 }],
        ["b", "pending", null],
      ]);
      expect(written.steps?.rows).toEqual(after?.steps.slice(0, 1));
    });

    it("alone with a moved fence: neither the step nor the run is written", async () => {
      const writes = new FencedWrites(dataSource);
      const runId = await runningRun();
      await expect(writes.endRun(runId, "9", end, { steps: last(1) })).rejects.toEqual(
        new FenceLostError(runId, "9"),
      );
      expect(await eventSeq(runId)).toBe("2");
      expect(await step(runId, "a")).toMatchObject({ status: "running", outputs: null });
    });

    it("in a batch: the carried steps go first in one statement, then the ends in one; a moved fence fails only its own run's end and step", async () => {
      const writes = new FencedWrites(dataSource);
      const [r1, r2, r3] = [await runningRun(), await runningRun(), await runningRun()];
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      // made in one tick, so that group commit sends them together
      const outcomes = await Promise.allSettled([
        writes.endRun(r1, "1", { ...end, outputs: { run: 1 } }, { steps: last(1) }),
        writes.endRun(r2, "1", { ...end, outputs: { run: 2 } }),
        writes.endRun(r3, "7", { ...end, outputs: { run: 3 } }, { steps: last(3) }),
      ]);
      expect(statements).toHaveBeenCalledTimes(2);
      expect(outcomes[0]).toMatchObject({ status: "fulfilled", value: { seq: "4", steps: { seq: "3" } } });
      expect(outcomes[1]).toEqual({ status: "fulfilled", value: { seq: "3" } });
      expect(outcomes[2]).toEqual({ status: "rejected", reason: new FenceLostError(r3, "7") });
      expect(await step(r1, "a")).toMatchObject({ status: "succeeded", outputs: { n: 1 } });
      expect(await step(r3, "a")).toMatchObject({ status: "running", outputs: null });
      expect(await eventSeq(r3)).toBe("2");
      const runs = new RunQueries(dataSource);
      expect((await runs.runWithSteps(ANY_WORKSPACE, r1))?.run.status).toBe("succeeded");
      expect((await runs.runWithSteps(ANY_WORKSPACE, r3))?.run.status).not.toBe("succeeded");
    });
  });

  it("the batch statements are planned once per connection: after PostgreSQL's five custom plans, its cached generic plan serves every batch size", async () => {
    // one connection, so that every execution below meets the same prepared statement
    const single = createDataSource({ url: db.url, poolSize: 1 });
    await single.initialize();
    try {
      const sql = new PreparedStatements(single);
      const steps = new StepWriteBatch(single.getMetadata(StepRunEntity), sql);
      const ends = new RunWriteBatch(
        single.getMetadata(WorkflowRunEntity),
        single.getMetadata(StepRunEntity),
        sql,
      );
      const runs = await Promise.all([1, 2, 3, 4, 5, 6].map(() => claimedRun()));
      for (let i = 0; i < 9; i++) {
        const some = runs.slice(0, 2 + (i % 5));
        await steps.commit(
          some.map((runId) => ({ runId, fence: "1", stepIds: ["a"], patch: { attempt: i } })),
        );
        await ends.commit(some.map((runId) => ({ runId, fence: "1", patch: { outputs: { i } } })));
        // the run batch's reading text, with a different mix of writes that read each time
        await ends.commit(
          some.map((runId, n) => ({ runId, fence: "1", patch: { outputs: { i } }, read: (n + i) % 3 === 0 })),
        );
      }
      const plans = await single.query<Array<{ statement: string; generic: number; custom: number }>>(
        `SELECT statement, generic_plans::int AS generic, custom_plans::int AS custom
           FROM pg_prepared_statements WHERE statement LIKE 'WITH w AS%'`,
      );
      // the step batch and the run batch's two texts: 5 custom plans each (PostgreSQL's warm-up), then generic
      expect(plans.map(({ generic, custom }) => ({ generic, custom }))).toEqual([
        { generic: 4, custom: 5 },
        { generic: 4, custom: 5 },
        { generic: 4, custom: 5 },
      ]);
    } finally {
      await single.destroy();
    }
  });

  it("lone step writes (of one step or several) and a lone run end carrying its last step are served from the generic plan on runs of many steps (docs/adr/037)", async () => {
    // a thousand runs of twelve steps, the tables analyzed (as autovacuum or the executor's statistics
    // loop leave them): a run's steps are then spread over enough pages for the planner to tell the
    // plans apart
    const one = oneStepRun();
    const steps = Array.from({ length: 12 }, (_, i) =>
      stepRow({ id: randomUUID(), runId: one.run.id, stepId: `s${i}`, position: i, status: "pending" }),
    );
    const template = (await store.create({ ...one, steps }, { owner: "me", leaseMs: 60_000 })).run.id;
    const copies = await dataSource.query<Array<{ id: string }>>(
      `WITH runs AS (
         INSERT INTO workflow_runs
         SELECT (jsonb_populate_record(r, jsonb_build_object('id', gen_random_uuid()))).*
           FROM workflow_runs r, generate_series(1, 1000) WHERE r.id = $1
         RETURNING id),
       steps AS (
         INSERT INTO step_runs
         SELECT (jsonb_populate_record(s, jsonb_build_object('id', gen_random_uuid(), 'run_id', runs.id))).*
           FROM runs, step_runs s WHERE s.run_id = $1)
       SELECT id FROM runs LIMIT 10`,
      [template],
    );
    const runIds = copies.map(({ id }) => id);
    await dataSource.query("ANALYZE workflow_runs");
    await dataSource.query("ANALYZE step_runs");
    // one connection, so that every write below meets the same prepared statements
    const single = createDataSource({ url: db.url, poolSize: 1 });
    await single.initialize();
    try {
      const fenced = new FencedWrites(single);
      for (const [n, runId] of runIds.entries()) {
        await fenced.updateSteps(runId, "1", [`s${n}`], { status: "succeeded", outputs: { n } });
        // a write naming two steps (its own text)
        await fenced.updateSteps(runId, "1", [`s${n + 2}`, `s${n + 3}`], { status: "succeeded" });
        await fenced.endRun(
          runId,
          "1",
          { status: "succeeded" },
          { steps: { stepIds: [`s${n + 1}`], patch: { status: "succeeded" } } },
        );
      }
      const plans = await single.query<Array<{ generic: number; custom: number }>>(
        `SELECT generic_plans::int AS generic, custom_plans::int AS custom
           FROM pg_prepared_statements WHERE statement LIKE 'WITH run AS (UPDATE workflow_runs%' ORDER BY statement`,
      );
      // ten executions of each text (one step, two steps, the run end): PostgreSQL's five custom
      // plans, then the cached generic one
      expect(plans).toEqual([
        { generic: 5, custom: 5 },
        { generic: 5, custom: 5 },
        { generic: 5, custom: 5 },
      ]);
      const written = await dataSource.query<Array<{ step_id: string; status: string }>>(
        "SELECT step_id, status FROM step_runs WHERE run_id = $1 AND status <> 'pending' ORDER BY step_id",
        [runIds[3]],
      );
      expect(written).toEqual([
        { step_id: "s3", status: "succeeded" },
        { step_id: "s4", status: "succeeded" },
        { step_id: "s5", status: "succeeded" },
        { step_id: "s6", status: "succeeded" },
      ]);
      // more steps than a write spells out one by one: bound as one array, every one written
      const all = Array.from({ length: 12 }, (_, i) => `s${i}`);
      const many = await fenced.updateSteps(runIds[9]!, "1", all, { status: "cancelled" });
      expect(many.rows.map((row) => row.stepId).sort()).toEqual([...all].sort());
      expect(many.rows.every((row) => row.status === "cancelled")).toBe(true);
    } finally {
      await single.destroy();
    }
  });

  describe("FencedWrites.updateSteps", () => {
    let writes: FencedWrites;
    let pool: Pool;
    let query: Pool["query"];
    /** The statements sent, a gate that holds the next one sent, and an error the next one sent fails with. */
    const sent = {
      statements: 0,
      hold: undefined as Promise<void> | undefined,
      fail: undefined as Error | undefined,
    };
    beforeAll(() => {
      writes = new FencedWrites(dataSource);
      pool = (dataSource.driver as unknown as { master: Pool }).master;
      query = pool.query.bind(pool);
      pool.query = (async (...args: Parameters<Pool["query"]>) => {
        sent.statements += 1;
        const { hold, fail } = sent;
        Object.assign(sent, { hold: undefined, fail: undefined });
        if (hold) await hold;
        if (fail) throw fail;
        return query(...args);
      }) as Pool["query"];
    });
    afterAll(() => {
      pool.query = query;
    });
    beforeEach(() => Object.assign(sent, { statements: 0, hold: undefined, fail: undefined }));
    /** Holds the next statement until the returned function is called. */
    const holdNext = () => {
      let open!: () => void;
      sent.hold = new Promise<void>((resolve) => (open = resolve));
      return open;
    };
    const tick = () => new Promise((resolve) => setImmediate(resolve));

    it("a lone write goes out at once as one statement; writes made while it is in flight go together in the next one", async () => {
      const runs = await Promise.all([1, 2, 3, 4, 5].map(() => claimedRun()));
      sent.statements = 0;
      const open = holdNext();
      const first = writes.updateSteps(runs[0]!, "1", ["a"], { status: "succeeded" });
      await tick();
      expect(sent.statements).toBe(1);
      const rest = runs
        .slice(1)
        .map((runId) => writes.updateSteps(runId, "1", ["a"], { status: "succeeded" }));
      await tick();
      expect(sent.statements).toBe(1); // gathered, not sent
      open();
      await first;
      const written = await Promise.all(rest);
      expect(sent.statements).toBe(2);
      expect(written.map((w) => w.seq)).toEqual(["2", "2", "2", "2"]);
      for (const runId of runs) expect((await step(runId, "a")).status).toBe("succeeded");
    });

    it("one run's fence lost while the others in its batch commit", async () => {
      const runs = await Promise.all([1, 2, 3].map(() => claimedRun()));
      sent.statements = 0;
      const results = await Promise.allSettled([
        writes.updateSteps(runs[0]!, "1", ["a"], { status: "succeeded" }),
        writes.updateSteps(runs[1]!, "2", ["a"], { status: "succeeded" }),
        writes.updateSteps(runs[2]!, "1", ["a"], { status: "succeeded" }),
      ]);
      expect(sent.statements).toBe(1);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(FenceLostError);
      expect((await step(runs[1]!, "a")).status).toBe("pending");
      expect((await step(runs[2]!, "a")).status).toBe("succeeded");
    });

    it("a write PostgreSQL refuses (U+0000 in jsonb) fails only its own caller: the batch is tried again write by write", async () => {
      const runs = await Promise.all([1, 2, 3].map(() => claimedRun()));
      const results = await Promise.allSettled([
        writes.updateSteps(runs[0]!, "1", ["a"], { status: "succeeded", outputs: { ok: true } }),
        writes.updateSteps(runs[1]!, "1", ["a"], { status: "succeeded", outputs: { bad: "nul\u0000" } }),
        writes.updateSteps(runs[2]!, "1", ["a"], { status: "succeeded", outputs: { ok: true } }),
      ]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/\\u0000|Unicode/);
      expect((await step(runs[0]!, "a")).outputs).toEqual({ ok: true });
      expect((await step(runs[1]!, "a")).status).toBe("pending");
      expect(await eventSeq(runs[1]!)).toBe("1");
      expect((await step(runs[2]!, "a")).outputs).toEqual({ ok: true });
    });

    it("a statement that fails (the connection dropped) fails its batch's callers only; the next batch commits", async () => {
      const runs = await Promise.all([1, 2, 3, 4].map(() => claimedRun()));
      const open = holdNext();
      const first = writes.updateSteps(runs[0]!, "1", ["a"], { status: "succeeded" });
      await tick();
      const lost = Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" });
      sent.fail = lost;
      const second = [runs[1]!, runs[2]!].map((runId) =>
        writes.updateSteps(runId, "1", ["a"], { status: "succeeded" }),
      );
      open();
      await first;
      const secondResults = await Promise.allSettled(second);
      expect(secondResults.map((r) => r.status)).toEqual(["rejected", "rejected"]);
      const third = await writes.updateSteps(runs[3]!, "1", ["a"], { status: "succeeded" });
      expect(third.seq).toBe("2");
      expect((await step(runs[0]!, "a")).status).toBe("succeeded");
      expect((await step(runs[1]!, "a")).status).toBe("pending");
      expect((await step(runs[2]!, "a")).status).toBe("pending");
    });

    it("writes of one step made while another is in flight commit in the order made, each with a later sequence number", async () => {
      const runId = await claimedRun();
      const other = await claimedRun();
      sent.statements = 0;
      const open = holdNext();
      const running = writes.updateSteps(runId, "1", ["a"], { status: "running", attempt: 1 });
      await tick();
      const retrying = writes.updateSteps(runId, "1", ["a"], { status: "retrying", attempt: 1 });
      const otherRun = writes.updateSteps(other, "1", ["a"], { status: "succeeded" });
      const succeeded = writes.updateSteps(runId, "1", ["a"], { status: "succeeded", attempt: 2 });
      open();
      const seqs = (await Promise.all([running, retrying, succeeded])).map((w) => Number(w.seq));
      await otherRun;
      expect(seqs).toEqual([2, 3, 4]);
      // the in-flight write, then [retrying, the other run], then the same step's next write alone
      expect(sent.statements).toBe(3);
      expect(await step(runId, "a")).toMatchObject({ status: "succeeded", attempt: 2 });
    });
  });
});
