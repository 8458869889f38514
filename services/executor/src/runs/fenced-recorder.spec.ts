import { MemoryEventBus } from "@mcp/coordination";
import { FencedWrites, openDatabase, RunStore, StepRunEntity, type DataSource } from "@mcp/db";
import { createTestDatabase, oneStepRun, type TestDatabase } from "@mcp/db/testing";
import { StepStatus, type RunEvent } from "@mcp/proto/executor";
import { LostOwnershipError } from "../engine/types.js";
import { RunEvents } from "../events/run-events.js";
import { FencedRecorder } from "./fenced-recorder.js";

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Polls `condition` until it holds (fails the test after 30 s): for writes and events under way. */
async function until(what: string, condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
/** Longer than any test here takes, loaded machine or not: a step that ends "within the delay". */
const LONG_DELAY_MS = 60_000;
const result = (outputs: Record<string, unknown>) => ({
  outputs: outputs as never,
  stdout: "out",
  stderr: "",
  stdoutTruncated: false,
  stderrTruncated: false,
});

describe("FencedRecorder", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let writes: FencedWrites;
  let events: RunEvents;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    writes = new FencedWrites(dataSource);
    events = new RunEvents(new MemoryEventBus({ logger: silent }));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** A claimed one-step run, a recorder for it and the step events it publishes. */
  async function claimedRun(startWriteDelayMs: number, undecided?: string[]) {
    const input = oneStepRun();
    const id = input.run.id;
    await store.create(input);
    const run = (await store.claim("me", 60_000, { runId: id }))!;
    const seen: RunEvent[] = [];
    const subscription = await events.subscribe(id, (event) => seen.push(event));
    const recorder = new FencedRecorder(writes, events, id, run.fence, {
      startWriteDelayMs,
      ...(undecided ? { undecided } : {}),
    });
    const row = () => dataSource.getRepository(StepRunEntity).findOneByOrFail({ runId: id, stepId: "a" });
    const stepStatuses = () =>
      seen.flatMap((e) => (e.event.case === "stepUpdated" ? [e.event.value.status] : []));
    const close = () => {
      recorder.close(); // no deferred start outlives the test
      return subscription.close();
    };
    return { id, run, recorder, row, seen, stepStatuses, close };
  }

  it("records a step that ends within the delay with ONE write: start time, inputs and result together", async () => {
    const r = await claimedRun(LONG_DELAY_MS);
    await r.recorder.stepStarted("a", 1, { x: 1 });
    expect((await r.row()).status).toBe("pending"); // nothing written yet
    await sleep(15);
    await r.recorder.stepSucceeded("a", 1, result({ y: 2 }));
    const row = await r.row();
    expect(row).toMatchObject({
      status: "succeeded",
      attempt: 1,
      inputs: { x: 1 },
      outputs: { y: 2 },
      stdout: "out",
    });
    expect(row.startedAt).toBeInstanceOf(Date);
    expect(row.durationMs).toBeGreaterThanOrEqual(15);
    expect(row.finishedAt!.getTime() - row.startedAt!.getTime()).toBe(row.durationMs);
    await until("the step event", () => r.seen.length > 0);
    expect(r.stepStatuses()).toEqual([StepStatus.SUCCEEDED]);
    // the claim's event took sequence 1, the one write took 2
    expect(r.seen.map((e) => e.sequence)).toEqual([2n]);
    await r.close();
  });

  describe("the last step's success, held for the run's end (docs/adr/031)", () => {
    it("is not written when the engine records it; the run's end carries it: ONE statement, its event before the end's", async () => {
      const r = await claimedRun(LONG_DELAY_MS, ["a"]);
      await r.recorder.stepStarted("a", 1, { x: 1 });
      await r.recorder.stepSucceeded("a", 1, result({ y: 2 }));
      expect((await r.row()).status).toBe("pending");
      expect(r.recorder.heldOutputs("a")).toEqual({ y: 2 });
      const held = r.recorder.takeHeld();
      expect(held?.stepIds).toEqual(["a"]);
      expect(held?.patch).toMatchObject({ status: "succeeded", inputs: { x: 1 }, outputs: { y: 2 } });
      const written = await writes.endRun(r.id, r.run.fence, { status: "succeeded" }, { steps: held! });
      r.recorder.published(written.steps!);
      expect(await r.row()).toMatchObject({ status: "succeeded", inputs: { x: 1 }, outputs: { y: 2 } });
      await until("the step event", () => r.seen.length > 0);
      expect(r.stepStatuses()).toEqual([StepStatus.SUCCEEDED]);
      // the claim took 1; the end's statement 2 (the step) and 3 (the run)
      expect(r.seen.map((e) => e.sequence)).toEqual([2n]);
      expect(written.seq).toBe("3");
      await r.close();
    });

    it("is written at once when another step is undecided, or when the run parks instead of ending", async () => {
      const first = await claimedRun(0, ["a", "later"]);
      await first.recorder.stepSucceeded("a", 1, result({ y: 1 }));
      expect((await first.row()).status).toBe("succeeded");
      expect(first.recorder.takeHeld()).toBeUndefined();
      await first.close();

      const parked = await claimedRun(0, ["a"]);
      await parked.recorder.stepSucceeded("a", 1, result({ y: 3 }));
      expect((await parked.row()).status).toBe("pending");
      await parked.recorder.flushHeld();
      expect(await parked.row()).toMatchObject({ status: "succeeded", outputs: { y: 3 } });
      expect(parked.recorder.takeHeld()).toBeUndefined();
      await until("the step event", () => parked.seen.length > 0);
      expect(parked.stepStatuses()).toEqual([StepStatus.SUCCEEDED]);
      await parked.close();
    });

    it("is never held for a step with items or child rows (their writes come and go on their own)", async () => {
      const r = await claimedRun(0, ["a"]);
      await r.recorder.itemUpdated("a", {
        index: 0,
        attempt: 1,
        status: "succeeded",
        inputs: {},
        result: { outputs: {} },
      });
      await r.recorder.stepSucceeded("a", 1, result({ y: 4 }));
      expect(r.recorder.takeHeld()).toBeUndefined();
      expect((await r.row()).status).toBe("succeeded");
      await r.close();
    });
  });

  it("writes the running row once a step has run for the delay, then its result", async () => {
    const r = await claimedRun(20);
    await r.recorder.stepStarted("a", 1, { x: 1 });
    await sleep(120);
    await until("the running row", async () => (await r.row()).status === "running");
    expect(await r.row()).toMatchObject({ status: "running", inputs: { x: 1 }, finishedAt: null });
    await r.recorder.stepSucceeded("a", 1, result({ y: 2 }));
    await until("both step events", () => r.stepStatuses().length >= 2);
    expect(r.stepStatuses()).toEqual([StepStatus.RUNNING, StepStatus.SUCCEEDED]);
    const row = await r.row();
    expect(row.status).toBe("succeeded");
    expect(row.durationMs).toBeGreaterThanOrEqual(100);
    await r.close();
  });

  it("orders a deferred running write before the result that follows it closely (never ends RUNNING)", async () => {
    for (let i = 0; i < 25; i++) {
      const r = await claimedRun(1);
      await r.recorder.stepStarted("a", 1, { i });
      await sleep(1 + (i % 3)); // the deferred write is being made, or has just been
      await r.recorder.stepSucceeded("a", 1, result({ i }));
      expect(await r.row()).toMatchObject({ status: "succeeded", outputs: { i } });
      await r.close();
    }
  });

  it("with no delay, writes the running row before stepStarted resolves", async () => {
    const r = await claimedRun(0);
    await r.recorder.stepStarted("a", 1, { x: 1 });
    expect((await r.row()).status).toBe("running");
    await r.close();
  });

  it("keeps a retried attempt's start, and skips/cancels many steps with their deferred starts flushed", async () => {
    const r = await claimedRun(LONG_DELAY_MS);
    await r.recorder.stepStarted("a", 1, { x: 1 });
    await r.recorder.stepRetrying("a", 1, { code: "TIMEOUT", message: "slow" }, {}, 50);
    expect(await r.row()).toMatchObject({ status: "retrying", inputs: { x: 1 }, error: { retryInMs: 50 } });
    expect((await r.row()).startedAt).toBeInstanceOf(Date);
    await r.recorder.stepStarted("a", 2, { x: 1 });
    await r.recorder.stepsSkipped(["a"], "cancelled", "run cancelled");
    expect(await r.row()).toMatchObject({ status: "cancelled", error: { code: "CANCELLED" } });
    await r.close();
  });

  it("refuses to write once another executor claimed the run, deferred start or not", async () => {
    const r = await claimedRun(LONG_DELAY_MS);
    await dataSource.query("UPDATE workflow_runs SET fence = fence + 1 WHERE id = $1", [r.id]);
    await r.recorder.stepStarted("a", 1, {});
    await expect(r.recorder.stepSucceeded("a", 1, result({}))).rejects.toBeInstanceOf(LostOwnershipError);
    expect((await r.row()).status).toBe("pending");
    await r.close();
  });

  it("drops deferred starts on close", async () => {
    const r = await claimedRun(20);
    await r.recorder.stepStarted("a", 1, {});
    r.recorder.close();
    await sleep(60);
    expect((await r.row()).status).toBe("pending");
    await r.close();
  });
});
