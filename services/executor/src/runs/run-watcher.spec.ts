import { randomUUID } from "node:crypto";
import { create } from "@bufbuild/protobuf";
import { MemoryEventBus } from "@mcp/coordination";
import { openDatabase, RunQueries, type DataSource } from "@mcp/db";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
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
});
