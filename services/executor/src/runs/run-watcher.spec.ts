import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { MemoryEventBus } from "@mcp/coordination";
import { openDatabase, RunQueries, RunStore, type DataSource } from "@mcp/db";
import { createTestDatabase, oneStepRun, type TestDatabase } from "@mcp/db/testing";
import { RunStatus, RunStatusChangedSchema, StepRunSchema, type RunEvent } from "@mcp/proto/executor";
import { RunEvents } from "../events/run-events.js";
import { RunWatcher } from "./run-watcher.js";

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const step = (stepId: string) => ({ case: "stepUpdated" as const, value: create(StepRunSchema, { stepId }) });
const ended = {
  case: "runStatus" as const,
  value: create(RunStatusChangedSchema, { status: RunStatus.SUCCEEDED }),
};

async function collect(events: AsyncGenerator<RunEvent>): Promise<Array<[bigint, string]>> {
  const out: Array<[bigint, string]> = [];
  for await (const e of events) out.push([e.sequence, e.event.case ?? ""]);
  return out;
}

describe("RunWatcher", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let queries: RunQueries;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    queries = new RunQueries(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it("yields each event once, in order, when it arrives both in process and through pub/sub", async () => {
    const bus = new MemoryEventBus({ logger: silent });
    const events = new RunEvents(bus);
    const watcher = new RunWatcher(queries, events);
    const runId = randomUUID();
    const subscription = watcher.subscribe(runId);
    await subscription.listenElsewhere();
    // the driver (here) publishes out of order; each reaches the subscription twice
    await events.publish(runId, 2n, step("b"));
    await events.publish(runId, 1n, step("a"));
    await events.publish(runId, 3n, ended);
    const seen = await collect(subscription.events(AbortSignal.timeout(25_000), { knownSequence: 0n }));
    await subscription.close();
    expect(seen).toEqual([
      [1n, "stepUpdated"],
      [2n, "stepUpdated"],
      [3n, "runStatus"],
    ]);
  });

  it("hears a run driven by another replica only after listening elsewhere", async () => {
    const bus = new MemoryEventBus({ logger: silent });
    const here = new RunEvents(bus);
    const there = new RunEvents(bus); // another executor process on the same pub/sub
    const watcher = new RunWatcher(queries, here);
    const runId = randomUUID();
    const subscription = watcher.subscribe(runId);
    await there.publish(runId, 1n, step("a")); // before listening elsewhere: not heard
    await subscription.listenElsewhere();
    await there.publish(runId, 2n, step("b"));
    await there.publish(runId, 3n, ended);
    const seen = await collect(subscription.events(AbortSignal.timeout(25_000), { knownSequence: 1n }));
    await subscription.close();
    expect(seen).toEqual([
      [2n, "stepUpdated"],
      [3n, "runStatus"],
    ]);
  });

  describe("a wait for the run's end", () => {
    /** Whether `promise` has settled once what is queued now has run. */
    async function settled(promise: Promise<unknown>): Promise<boolean> {
      let done = false;
      void promise.then(
        () => (done = true),
        () => (done = true),
      );
      await new Promise((resolve) => setImmediate(resolve));
      return done;
    }

    it("ends with the run's final event, not with its step events", async () => {
      const events = new RunEvents(new MemoryEventBus({ logger: silent }));
      const watcher = new RunWatcher(queries, events, 60_000);
      const runId = randomUUID();
      const subscription = watcher.subscribeToEnd(runId);
      const waiting = subscription.untilEnd(AbortSignal.timeout(25_000));
      await events.publish(runId, 2n, step("a"));
      await events.publish(runId, 3n, step("b"));
      expect(await settled(waiting)).toBe(false);
      await events.publish(runId, 4n, ended);
      await expect(waiting).resolves.toBeUndefined();
      await subscription.close();
    });

    it("ends at once when the final event came before it began waiting", async () => {
      const events = new RunEvents(new MemoryEventBus({ logger: silent }));
      const watcher = new RunWatcher(queries, events, 60_000);
      const runId = randomUUID();
      const subscription = watcher.subscribeToEnd(runId);
      await events.publish(runId, 2n, ended);
      await expect(subscription.untilEnd(AbortSignal.timeout(25_000))).resolves.toBeUndefined();
      await subscription.close();
    });

    it("finds an end it never heard in the database once the run has been quiet for the resync interval", async () => {
      const events = new RunEvents(new MemoryEventBus({ logger: silent }));
      const watcher = new RunWatcher(queries, events, 50);
      const store = new RunStore(dataSource);
      const input = oneStepRun();
      await store.create(input);
      const runId = input.run.id;
      const subscription = watcher.subscribeToEnd(runId);
      const waiting = subscription.untilEnd(AbortSignal.timeout(25_000));
      // still running after a few resync intervals: the wait goes on
      const reads = jest.spyOn(watcher, "progress");
      while (reads.mock.calls.length < 3) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await settled(waiting)).toBe(false);
      // ended by another executor whose events never reached this one (pub/sub is at most once)
      await dataSource.query(
        "UPDATE workflow_runs SET status = 'succeeded', event_seq = event_seq + 1 WHERE id = $1",
        [runId],
      );
      await expect(waiting).resolves.toBeUndefined();
      await subscription.close();
    });

    it("stops waiting when its signal aborts", async () => {
      const events = new RunEvents(new MemoryEventBus({ logger: silent }));
      const watcher = new RunWatcher(queries, events, 60_000);
      const subscription = watcher.subscribeToEnd(randomUUID());
      const caller = new AbortController();
      const waiting = subscription.untilEnd(caller.signal);
      expect(await settled(waiting)).toBe(false);
      caller.abort();
      await expect(waiting).resolves.toBeUndefined();
      await subscription.close();
    });
  });
});
