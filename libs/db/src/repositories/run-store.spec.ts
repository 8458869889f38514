import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { StepRunEntity } from "../entities/step-run.entity";
import { createTestDatabase, type TestDatabase } from "../testing";
import { FenceLostError, RunStore } from "./run-store";
import { stepRow } from "./step-row";

/** A pending one-step run, as the executor creates them. */
function newRun(requestId: string | null = null) {
  const id = randomUUID();
  const now = new Date();
  return {
    run: {
      id,
      kind: "workflow",
      parentRunId: null,
      workflowId: null,
      workflowName: "wf",
      workflowVersion: 1,
      mcpId: null,
      mcpName: null,
      mcpVersion: null,
      status: "pending" as const,
      inputs: {},
      outputs: null,
      error: null,
      requestId,
      plan: { requestHash: "h" },
      fallbackRunId: null,
      createdAt: now,
      updatedAt: now,
    },
    steps: [
      stepRow({
        id: randomUUID(),
        runId: id,
        stepId: "a",
        position: 0,
        status: "pending",
        mcpName: "m",
        mcpVersion: 1,
        mcpType: "python_script",
      }),
    ],
  };
}

describe("RunStore", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it("create › returns the earlier run for a repeated request id instead of a second one", async () => {
    const key = randomUUID();
    const first = await store.create(newRun(key));
    const again = await store.create(newRun(key));
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ created: false, run: { id: first.run.id } });
  });

  it("claim › gives a run to one claimer at a time and bumps the fence on every claim", async () => {
    const { run } = await store.create(newRun());
    const claims = await Promise.all(["a", "b", "c"].map((owner) => store.claim(owner, 60_000, run.id)));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ status: "running", fence: "1" });
    // a live lease is not claimable
    expect(await store.claim("d", 60_000, run.id)).toBeNull();
  });

  it("fenced › refuses a stale owner's writes once another executor claimed the run after its lease expired", async () => {
    const { run } = await store.create(newRun());
    const stale = (await store.claim("old-owner", 1, run.id))!;
    await new Promise((resolve) => setTimeout(resolve, 20)); // the 1 ms lease is over
    const fresh = (await store.claim("new-owner", 60_000, run.id))!;
    expect(BigInt(fresh.fence)).toBe(BigInt(stale.fence) + 1n);

    const write = (fence: string, status: "succeeded" | "failed") =>
      store.fenced(run.id, fence, async (tx) => {
        await tx.manager.getRepository(StepRunEntity).update({ runId: run.id, stepId: "a" }, { status });
      });
    await expect(write(stale.fence, "failed")).rejects.toBeInstanceOf(FenceLostError);
    expect((await store.renew(run.id, stale.fence, 60_000)).held).toBe(false);
    await write(fresh.fence, "succeeded");
    const step = await dataSource
      .getRepository(StepRunEntity)
      .findOneByOrFail({ runId: run.id, stepId: "a" });
    expect(step.status).toBe("succeeded");
    expect((await store.renew(run.id, fresh.fence, 60_000)).held).toBe(true);
  });

  it("requestCancel › cancels an undriven run at once, and fences out a dead owner", async () => {
    const { run } = await store.create(newRun());
    const dead = (await store.claim("dead", 1, run.id))!;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await store.requestCancel(run.id, "stop it");
    expect(result).toMatchObject({
      cancelledNow: true,
      run: { status: "cancelled", error: { code: "CANCELLED", message: "stop it" } },
    });
    await expect(store.fenced(run.id, dead.fence, async () => undefined)).rejects.toBeInstanceOf(
      FenceLostError,
    );
    const step = await dataSource
      .getRepository(StepRunEntity)
      .findOneByOrFail({ runId: run.id, stepId: "a" });
    expect(step.status).toBe("cancelled");
  });
});
