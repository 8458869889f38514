import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { StepRunEntity } from "../entities/step-run.entity";
import { createTestDatabase, oneStepRun, type TestDatabase } from "../testing";
import { FencedWrites } from "./fenced-writes";
import { ANY_WORKSPACE, RunQueries } from "./run-queries";
import { PreparedStatements } from "./prepared";
import type { NewAuditEvent } from "./audit-store";
import { FenceLostError, RunStore } from "./run-store";

describe("RunStore", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let writes: FencedWrites;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    writes = new FencedWrites(dataSource);
  });
  const stepA = (runId: string) =>
    dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId, stepId: "a" });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it("create › inserts the run and its steps in one statement, values intact", async () => {
    const input = oneStepRun();
    input.run.inputs = { text: "héllo", list: [1, { deep: true }] };
    const { run, created } = await store.create(input);
    expect(created).toBe(true);
    expect(run).toMatchObject({
      id: input.run.id,
      status: "pending",
      fence: "0",
      eventSeq: "0",
      owner: null,
    });
    expect(run.inputs).toEqual({ text: "héllo", list: [1, { deep: true }] });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(await stepA(run.id)).toMatchObject({
      status: "pending",
      mcpName: "m",
      mcpVersion: 1,
      stdout: "",
      inputs: null,
    });
  });

  it("create › with a claim, inserts the run already claimed: running, fence 1, its lease live", async () => {
    const { run, created } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
    expect(created).toBe(true);
    expect(run).toMatchObject({ status: "running", owner: "me", fence: "1", eventSeq: "1" });
    expect(run.startedAt).toBeInstanceOf(Date);
    expect(run.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await store.claim("other", 60_000, { runId: run.id })).toBeNull();
    // and the claimer's fence is the one its writes carry
    await writes.updateSteps(run.id, "1", ["a"], { status: "running" });
    expect((await stepA(run.id)).status).toBe("running");
  });

  it("create › returns the earlier run for a repeated request id instead of a second one", async () => {
    const key = randomUUID();
    const first = await store.create(oneStepRun(key));
    const again = await store.create(oneStepRun(key));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });
  });

  /** The audit event of a call that starts a run, as the executor builds it (docs/adr/035). */
  const auditEvent = (requestId: string, actor = "ci-key"): NewAuditEvent => ({
    eventTime: new Date(),
    workspace: "default",
    actorKind: "key",
    actorId: "k1",
    actor,
    service: "mcp.executor.v1.ExecutorService",
    method: "ExecuteWorkflow",
    target: "flow",
    outcome: "OK",
    requestId,
  });
  const auditRows = (requestId: string) =>
    dataSource.query<Array<{ actor: string; method: string; outcome: string }>>(
      "SELECT actor, method, outcome FROM audit_events WHERE request_id = $1",
      [requestId],
    );

  it("create › writes the call's audit event in the run's own statement; a repeated request id writes none", async () => {
    const key = randomUUID();
    const statements = jest.spyOn(PreparedStatements.prototype, "rows");
    const first = await store.create({ ...oneStepRun(key), audit: auditEvent(key) });
    expect(statements).toHaveBeenCalledTimes(1);
    statements.mockRestore();
    expect(first).toMatchObject({ created: true, audited: true });
    expect(await auditRows(key)).toEqual([{ actor: "ci-key", method: "ExecuteWorkflow", outcome: "OK" }]);
    // the same request again: no run, so no event (the caller records its call its own way)
    const again = await store.create({ ...oneStepRun(key), audit: auditEvent(key, "second") });
    expect(again).toMatchObject({ created: false, audited: false, run: { id: first.run.id } });
    expect(await auditRows(key)).toHaveLength(1);
  });

  it("create › a run whose audit event the database refuses is created without it (an audit write never fails a call)", async () => {
    const key = randomUUID();
    // a NUL is refused in a text column: the event, not the run, is at fault
    const made = await store.create({ ...oneStepRun(key), audit: auditEvent(key, "bad\u0000actor") });
    expect(made).toMatchObject({ created: true, audited: false });
    expect(await stepA(made.run.id)).toMatchObject({ status: "pending" });
    expect(await auditRows(key)).toEqual([]);
  });

  describe("create › in batches (group commit)", () => {
    afterEach(() => jest.restoreAllMocks());
    const stepsOf = (runId: string) =>
      dataSource.getRepository(StepRunEntity).find({ where: { runId }, order: { position: "ASC" } });

    it("creates the runs made together in ONE statement, each with its own steps, values and claim", async () => {
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      const inputs = Array.from({ length: 6 }, (_, i) => {
        const input = oneStepRun();
        input.run.inputs = { i, text: `héllo ${i}`, deep: { list: [i, null] } };
        return input;
      });
      // made in one synchronous stretch: they go out together
      const made = await Promise.all(
        inputs.map((input, i) =>
          store.create(input, i % 2 === 0 ? { owner: `me-${i}`, leaseMs: 60_000 } : undefined),
        ),
      );
      expect(statements).toHaveBeenCalledTimes(1);
      made.forEach(({ run, created }, i) => {
        expect(created).toBe(true);
        expect(run.id).toBe(inputs[i]!.run.id);
        expect(run.inputs).toEqual({ i, text: `héllo ${i}`, deep: { list: [i, null] } });
        expect(run.createdAt).toBeInstanceOf(Date);
        if (i % 2 === 0) {
          expect(run).toMatchObject({ status: "running", owner: `me-${i}`, fence: "1", eventSeq: "1" });
          expect(run.startedAt).toBeInstanceOf(Date);
          expect(run.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
        } else {
          expect(run).toMatchObject({ status: "pending", owner: null, fence: "0", eventSeq: "0" });
          expect(run.startedAt).toBeNull();
          expect(run.leaseExpiresAt).toBeNull();
        }
      });
      for (const { run } of made) {
        const steps = await stepsOf(run.id);
        expect(steps.map((step) => [step.stepId, step.status, step.mcpName])).toEqual([
          ["a", "pending", "m"],
        ]);
      }
      // claimed at creation: another claimer cannot take it
      expect(await store.claim("other", 60_000, { runId: made[0]!.run.id })).toBeNull();
    });

    it("writes each creation's audit event in the batch's statement, only for the runs it inserts", async () => {
      const keys = [randomUUID(), randomUUID(), randomUUID()];
      const earlier = await store.create(oneStepRun(keys[2]));
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      const made = await Promise.all([
        store.create({ ...oneStepRun(keys[0]), audit: auditEvent(keys[0]!, "a") }),
        store.create(
          { ...oneStepRun(keys[1]), audit: auditEvent(keys[1]!, "b") },
          { owner: "me", leaseMs: 60_000 },
        ),
        // its request id was used before: no run inserted, so no event
        store.create({ ...oneStepRun(keys[2]), audit: auditEvent(keys[2]!, "c") }),
        store.create(oneStepRun()),
      ]);
      // one statement for the batch (the earlier run is read back through the repository)
      expect(statements).toHaveBeenCalledTimes(1);
      expect(made.map((m) => [m.created, m.audited])).toEqual([
        [true, true],
        [true, true],
        [false, false],
        [true, false],
      ]);
      expect(made[2].run.id).toBe(earlier.run.id);
      expect((await auditRows(keys[0]!)).map((r) => r.actor)).toEqual(["a"]);
      expect((await auditRows(keys[1]!)).map((r) => r.actor)).toEqual(["b"]);
      expect(await auditRows(keys[2]!)).toEqual([]);
    });

    it("never puts one request id twice in a statement: the second gets the first's run", async () => {
      const key = randomUUID();
      const [first, second, other] = await Promise.all([
        store.create(oneStepRun(key)),
        store.create(oneStepRun(key)),
        store.create(oneStepRun()),
      ]);
      expect(first.created).toBe(true);
      expect(second).toMatchObject({ created: false, run: { id: first.run.id } });
      expect(other.created).toBe(true);
      expect(await stepsOf(first.run.id)).toHaveLength(1);
      expect(await stepsOf(second.run.id)).toHaveLength(1);
    });

    it("a run at fault fails alone: the others of its statement are created", async () => {
      const input = oneStepRun();
      // two rows of one step: the unique (run_id, step_id) index refuses the run
      const bad = {
        ...input,
        steps: [input.steps[0]!, { ...input.steps[0]!, id: randomUUID(), position: 1 }],
      };
      const good = [oneStepRun(), oneStepRun(), oneStepRun()];
      const results = await Promise.allSettled(
        [good[0]!, bad, good[1]!, good[2]!].map((input) => store.create(input)),
      );
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
      for (const input of good) expect(await stepsOf(input.run.id)).toHaveLength(1);
      const runs = await dataSource.query<unknown[]>("SELECT 1 FROM workflow_runs WHERE id = $1", [
        bad.run.id,
      ]);
      expect(runs).toHaveLength(0);
    });

    it("a run of a concurrency key goes in a statement of its own, and the key still queues its second run", async () => {
      const keyed = (key: string) => {
        const input = oneStepRun();
        return { ...input, run: { ...input.run, concurrencyKey: key } };
      };
      const [k, other] = [randomUUID(), randomUUID()];
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      const claim = { owner: "me", leaseMs: 60_000 };
      const [first, second, third, plain] = await Promise.all([
        store.create(keyed(k), claim),
        store.create(keyed(k), claim),
        store.create(keyed(other), claim),
        store.create(oneStepRun(), claim),
      ]);
      // k's first, the other key's and the plain run each alone; k's second in the next batch
      expect(statements).toHaveBeenCalledTimes(4);
      expect(first.run).toMatchObject({ status: "running", owner: "me" });
      expect(second.run).toMatchObject({ status: "pending", owner: null });
      expect(Number(second.run.wakeAt)).toBe(Infinity); // queued: parked until the key frees
      expect(third.run).toMatchObject({ status: "running", owner: "me" });
      expect(plain.run).toMatchObject({ status: "running", owner: "me" });
    });

    it("runs naming different columns share a batch, each statement its own set", async () => {
      const plain = oneStepRun();
      const triggered = oneStepRun();
      Object.assign(triggered.run, { triggerName: "hook", triggerDeliveryId: randomUUID() });
      const statements = jest.spyOn(PreparedStatements.prototype, "rows");
      const [a, b] = await Promise.all([store.create(plain), store.create(triggered)]);
      expect(statements).toHaveBeenCalledTimes(2);
      expect(a.run).toMatchObject({ id: plain.run.id, triggerName: null });
      expect(b.run).toMatchObject({ id: triggered.run.id, triggerName: "hook" });
      expect(await stepsOf(triggered.run.id)).toHaveLength(1);
    });
  });

  it("claim › gives a run to one claimer at a time and bumps the fence on every claim", async () => {
    const { run } = await store.create(oneStepRun());
    const claims = await Promise.all(
      ["a", "b", "c"].map((owner) => store.claim(owner, 60_000, { runId: run.id })),
    );
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    // the claim also takes the run's next event sequence number, for its "running" event
    expect(won[0]).toMatchObject({ status: "running", fence: "1", eventSeq: "1" });
    expect(typeof won[0]!.owner).toBe("string");
    expect(won[0]!.startedAt).toBeInstanceOf(Date);
    // a live lease is not claimable
    expect(await store.claim("d", 60_000, { runId: run.id })).toBeNull();
  });

  it("fenced writes › refuse a stale owner's writes once another executor claimed the run after its lease expired", async () => {
    const { run } = await store.create(oneStepRun());
    const stale = (await store.claim("old-owner", 1, { runId: run.id }))!;
    // claimable again once the 1 ms lease is over: polled, not slept on
    let fresh = await store.claim("new-owner", 60_000, { runId: run.id });
    while (!fresh) {
      await new Promise((resolve) => setImmediate(resolve));
      fresh = await store.claim("new-owner", 60_000, { runId: run.id });
    }
    expect(BigInt(fresh.fence)).toBe(BigInt(stale.fence) + 1n);

    await expect(writes.updateSteps(run.id, stale.fence, ["a"], { status: "failed" })).rejects.toBeInstanceOf(
      FenceLostError,
    );
    await expect(writes.updateRun(run.id, stale.fence, { status: "failed" })).rejects.toBeInstanceOf(
      FenceLostError,
    );
    expect((await stepA(run.id)).status).toBe("pending");
    expect((await store.renew(run.id, stale.fence, 60_000)).held).toBe(false);

    const written = await writes.updateSteps(run.id, fresh.fence, ["a"], { status: "succeeded" });
    expect(written.rows).toHaveLength(1);
    expect((await stepA(run.id)).status).toBe("succeeded");
    expect((await store.renew(run.id, fresh.fence, 60_000)).held).toBe(true);
  });

  it("fenced writes › give each write the run's next sequence number and return the rows as entities", async () => {
    const { run } = await store.create(oneStepRun());
    const claimed = (await store.claim("owner", 60_000, { runId: run.id }))!;
    const startedAt = new Date(Date.now() - 1500);
    const started = await writes.updateSteps(run.id, claimed.fence, ["a"], {
      status: "running",
      attempt: 1,
      inputs: { x: [1, 2] },
      startedAt,
    });
    expect(started.seq).toBe("2");
    expect(started.rows[0]).toMatchObject({
      stepId: "a",
      status: "running",
      attempt: 1,
      inputs: { x: [1, 2] },
    });
    expect(started.rows[0]!.startedAt!.getTime()).toBe(startedAt.getTime());

    // finishing without a duration: it is taken from the recorded start
    const finishedAt = new Date();
    const done = await writes.updateSteps(run.id, claimed.fence, ["a"], {
      status: "succeeded",
      outputs: { y: "ok" },
      finishedAt,
    });
    expect(done.seq).toBe("3");
    expect(done.rows[0]).toMatchObject({ status: "succeeded", outputs: { y: "ok" }, inputs: { x: [1, 2] } });
    expect(done.rows[0]!.durationMs).toBe(finishedAt.getTime() - startedAt.getTime());

    const child = await writes.insertChild(run.id, claimed.fence, "a", {
      id: randomUUID(),
      stepId: "a#1/1:tool",
      status: "running",
      mcpName: "tool",
      mcpVersion: 2,
      mcpType: "mcp_tool",
      attempt: 1,
      inputs: { q: "?" },
      startedAt: new Date(),
    });
    expect(child.seq).toBe("4");
    expect(child.rows[0]).toMatchObject({
      stepId: "a#1/1:tool",
      parentStepRunId: done.rows[0]!.id,
      position: 0,
      inputs: { q: "?" },
      stdout: "",
      outputs: null,
    });

    expect(await writes.updateRun(run.id, claimed.fence, { status: "succeeded", owner: null })).toBe("5");
    const after = await dataSource.query<{ status: string; owner: string | null; event_seq: string }[]>(
      "SELECT status, owner, event_seq FROM workflow_runs WHERE id = $1",
      [run.id],
    );
    expect(after[0]).toEqual({ status: "succeeded", owner: null, event_seq: "5" });
  });

  it("runWithSteps › reads the run and its steps in one statement, the same as reading them apart", async () => {
    const { run } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
    await writes.updateSteps(run.id, "1", ["a"], {
      status: "succeeded",
      outputs: { deep: [1, { x: "y" }] },
      startedAt: new Date(Date.now() - 25),
      finishedAt: new Date(),
      stdoutTruncated: true,
    });
    const queries = new RunQueries(dataSource);
    const together = await queries.runWithSteps("default", run.id);
    expect(together).toEqual({
      run: await queries.findRun("default", run.id),
      steps: await queries.steps(run.id),
    });
    expect(together!.steps[0]!.startedAt).toBeInstanceOf(Date);
    expect(await queries.runWithSteps("default", randomUUID())).toBeNull();
    // another workspace's caller finds nothing; background work (ANY_WORKSPACE) finds it
    expect(await queries.runWithSteps("other", run.id)).toBeNull();
    expect(await queries.findRun("other", run.id)).toBeNull();
    expect((await queries.findRun(ANY_WORKSPACE, run.id))?.id).toBe(run.id);
  });

  it("runProgress › the run's event sequence and status, as the whole row has them", async () => {
    const { run } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
    const queries = new RunQueries(dataSource);
    const before = await queries.runProgress(run.id);
    await writes.updateSteps(run.id, "1", ["a"], { status: "running", startedAt: new Date() });
    const row = await queries.findRun(ANY_WORKSPACE, run.id);
    expect(await queries.runProgress(run.id)).toEqual({ eventSeq: row!.eventSeq, status: row!.status });
    expect(BigInt(row!.eventSeq)).toBe(BigInt(before!.eventSeq) + 1n);
    expect(await queries.runProgress(randomUUID())).toBeNull();
  });

  it("requestCancel › cancels an undriven run at once, and fences out a dead owner", async () => {
    const { run } = await store.create(oneStepRun());
    const dead = (await store.claim("dead", 1, { runId: run.id }))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await store.requestCancel("default", run.id, "stop it");
    expect(result).toMatchObject({
      cancelledNow: true,
      run: { status: "cancelled", error: { code: "CANCELLED", message: "stop it" } },
    });
    await expect(writes.updateSteps(run.id, dead.fence, ["a"], { status: "running" })).rejects.toBeInstanceOf(
      FenceLostError,
    );
    const step = await dataSource
      .getRepository(StepRunEntity)
      .findOneByOrFail({ runId: run.id, stepId: "a" });
    expect(step.status).toBe("cancelled");
    expect(step.error).toEqual({ code: "CANCELLED", message: "run cancelled: stop it" });
  });

  it("requestCancel › on a driven run keeps the first reason, which its owner reads back with renew", async () => {
    const { run } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
    expect(await store.renew(run.id, "1", 60_000)).toEqual({
      held: true,
      cancelRequested: false,
      cancelReason: "",
    });
    expect(await store.requestCancel("default", run.id, "first")).toMatchObject({
      cancelledNow: false,
      run: { status: "running", error: { code: "CANCELLED", message: "first" } },
    });
    expect(await store.requestCancel("default", run.id, "second")).toMatchObject({
      cancelledNow: false,
      run: { error: { code: "CANCELLED", message: "first" } },
    });
    expect(await store.renew(run.id, "1", 60_000)).toEqual({
      held: true,
      cancelRequested: true,
      cancelReason: "first",
    });
    // a finished run is returned unchanged
    await writes.updateRun(run.id, "1", { status: "succeeded", error: null, finishedAt: new Date() });
    expect(await store.requestCancel("default", run.id, "late")).toMatchObject({
      cancelledNow: false,
      run: { status: "succeeded", error: null },
    });
  });

  it("claim › counts recoveries (claims from an expired owner) until a step finishes, and skips what it is told to", async () => {
    const { run } = await store.create(oneStepRun());
    const first = (await store.claim("a", 1, { runId: run.id }))!;
    expect(first.recoveries).toBe(0);
    await waitUntilExpired(run.id);
    // a claimer driving the run already, or one that takes no expired leases (after an outage), leaves it
    expect(await store.claim("b", 60_000, { runId: run.id, exclude: [run.id] })).toBeNull();
    expect(await store.claim("b", 60_000, { runId: run.id, expiredLeases: false })).toBeNull();
    const second = (await store.claim("b", 1, { runId: run.id }))!;
    expect(second.recoveries).toBe(1);
    await store.giveUp(run.id, second.fence, "driver failed: boom");
    const third = (await store.claim("c", 60_000, { runId: run.id, expiredLeases: false }))!;
    expect(third).toMatchObject({ recoveries: 2, lastDriverError: "driver failed: boom" });
    await writes.updateSteps(run.id, third.fence, ["a"], { status: "succeeded", finishedAt: new Date() });
    const after = await new RunQueries(dataSource).findRun(ANY_WORKSPACE, run.id);
    expect(after?.recoveries).toBe(0);
  });

  /** Waits (on the database clock) until the run's lease has expired. */
  async function waitUntilExpired(runId: string): Promise<void> {
    for (;;) {
      const rows = await dataSource.query<{ expired: boolean }[]>(
        "SELECT lease_expires_at < now() AS expired FROM workflow_runs WHERE id = $1",
        [runId],
      );
      if (rows[0]?.expired) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  it("updateSteps › a step ending cancelled closes its items still open, and returns them", async () => {
    const { run } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
    const item = (index: number, status: StepRunEntity["status"]) => ({
      id: randomUUID(),
      stepId: `a[${index}]`,
      status,
      itemIndex: index,
      updatedAt: new Date(),
    });
    await writes.upsertChildren(
      run.id,
      "1",
      "a",
      [item(0, "succeeded"), item(1, "waiting"), item(2, "running")],
      false,
    );
    const written = await writes.updateSteps(run.id, "1", ["a"], { status: "cancelled" });
    expect(written.rows.map((r) => `${r.stepId} ${r.status}`).sort()).toEqual([
      "a cancelled",
      "a[1] cancelled",
      "a[2] cancelled",
    ]);
    const rows = await dataSource.getRepository(StepRunEntity).findBy({ runId: run.id });
    const byId = new Map(rows.map((r) => [r.stepId, r]));
    expect(byId.get("a[0]")?.status).toBe("succeeded");
    expect(byId.get("a[1]")).toMatchObject({
      status: "cancelled",
      error: { code: "CANCELLED", message: "the step ended cancelled before this item did" },
    });
    expect(byId.get("a[1]")?.finishedAt).toBeInstanceOf(Date);
    // a step succeeding touches no item
    const again = await writes.updateSteps(run.id, "1", ["a"], { status: "succeeded" });
    expect(again.rows.map((r) => r.stepId)).toEqual(["a"]);
  });
});
