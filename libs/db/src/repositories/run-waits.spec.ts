import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, oneStepRun, type TestDatabase } from "../testing";
import { FencedWrites } from "./fenced-writes";
import { FenceLostError, RunStore } from "./run-store";
import { RunWaits } from "./run-waits";

describe("RunWaits", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let waits: RunWaits;
  let writes: FencedWrites;
  const OWNER = "exec-1";
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    waits = new RunWaits(dataSource);
    writes = new FencedWrites(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** A run claimed by OWNER whose step `a` waits for `kind`. */
  async function claimedWaiting(kind: "wait_for_signal" | "approval", signal: string | null = null) {
    const input = oneStepRun();
    const steps = input.steps.map((s) => ({
      ...s,
      kind,
      signal,
      approval: kind === "approval" ? { prompt: "ok?" } : null,
    }));
    const { run } = await store.create({ ...input, steps }, { owner: OWNER, leaseMs: 60_000 });
    await writes.updateSteps(run.id, run.fence, ["a"], { status: "waiting", attempt: 1 });
    return run;
  }

  it("park › leaves the run unowned until its wake time; the claim then takes it without counting a recovery", async () => {
    const run = await claimedWaiting("wait_for_signal", "go");
    await waits.park(run.id, run.fence, new Date(Date.now() + 60_000));
    expect(await store.claim("other", 60_000, { runId: run.id })).toBeNull();
    await waits.park(run.id, run.fence, new Date(Date.now() - 1)).catch(() => undefined);
    const again = await store.claim("other", 60_000, { runId: run.id });
    expect(again).toMatchObject({ owner: "other", recoveries: 0, wakeAt: null });
    await expect(waits.park(run.id, run.fence, null)).rejects.toBeInstanceOf(FenceLostError);
  });

  it("a signal sent while the driver is about to park wakes the run at once; a finished run takes none", async () => {
    const run = await claimedWaiting("wait_for_signal", "go");
    const sent = await waits.sendSignal({
      runId: run.id,
      signal: "go",
      payload: { n: 1 },
      requestId: "r",
      sentBy: "me",
    });
    expect(sent).toMatchObject({ recorded: true, delivered: true });
    // the same request id: recorded once
    await waits.sendSignal({ runId: run.id, signal: "go", payload: { n: 2 }, requestId: "r", sentBy: "me" });
    await waits.park(run.id, run.fence, null);
    const woken = await store.claim("other", 60_000, { runId: run.id });
    expect(woken).not.toBeNull();
    expect(await waits.takeSignal(run.id, woken!.fence, "a", "go")).toEqual({ payload: { n: 1 } });
    // the step receives the same signal again (a resumed step), and no other
    expect(await waits.takeSignal(run.id, woken!.fence, "a", "go")).toEqual({ payload: { n: 1 } });
    expect(await waits.takeSignal(run.id, woken!.fence, "b", "go")).toBeNull();
    await expect(waits.takeSignal(run.id, run.fence, "b", "go")).rejects.toBeInstanceOf(FenceLostError);

    await writes.updateRun(run.id, woken!.fence, { status: "succeeded", finishedAt: new Date() });
    expect(
      await waits.sendSignal({ runId: run.id, signal: "go", payload: null, requestId: null, sentBy: "me" }),
    ).toMatchObject({
      recorded: false,
    });
  });

  it("decide › keeps the first decision, with who and when; only approval steps", async () => {
    const run = await claimedWaiting("approval");
    const first = await waits.decide({
      runId: run.id,
      stepId: "a",
      approved: false,
      comment: "no",
      decidedBy: "bob",
    });
    expect(first).toMatchObject({
      kind: "decided",
      now: true,
      decision: { approved: false, decidedBy: "bob" },
    });
    expect(await waits.decision(run.id, "a")).toMatchObject({
      approved: false,
      decidedBy: "bob",
      comment: "no",
    });
    const second = await waits.decide({
      runId: run.id,
      stepId: "a",
      approved: true,
      comment: "",
      decidedBy: "eve",
    });
    expect(second).toMatchObject({
      kind: "decided",
      now: false,
      decision: { approved: false, decidedBy: "bob" },
    });
    expect(
      await waits.decide({ runId: run.id, stepId: "zz", approved: true, comment: "", decidedBy: "x" }),
    ).toMatchObject({ kind: "no-step" });
  });
});
