import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, oneStepRun, type TestDatabase } from "../testing";
import { FencedWrites } from "./fenced-writes";
import { FenceLostError, RunStore } from "./run-store";
import { RunPermits, type LimitedMcp } from "./run-permits";
import { RunQueries } from "./run-queries";

describe("RunPermits and concurrency keys", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let permits: RunPermits;
  let writes: FencedWrites;
  let queries: RunQueries;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    store = new RunStore(dataSource);
    permits = new RunPermits(dataSource);
    writes = new FencedWrites(dataSource);
    queries = new RunQueries(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const limited = (maxConcurrency: number): LimitedMcp => ({ id: randomUUID(), name: "llm", maxConcurrency });
  const claimed = async (leaseMs = 60_000) =>
    (await store.create(oneStepRun(), { owner: "exec-1", leaseMs })).run;

  it("grants up to the limit, queues the rest first come first served, and wakes the head on release", async () => {
    const mcp = limited(2);
    const [r1, r2, r3, r4] = await Promise.all([claimed(), claimed(), claimed(), claimed()]);
    expect(await permits.acquire(r1.id, r1.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.acquire(r2.id, r2.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.acquire(r3.id, r3.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
    expect(await permits.acquire(r4.id, r4.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    // asking again keeps the place; a held permit is kept
    expect(await permits.acquire(r4.id, r4.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    expect(await permits.acquire(r1.id, r1.fence, "a", mcp)).toEqual({ held: true });
    expect((await permits.waitsOf(r4.id)).map((w) => [w.stepKey, w.ahead, w.maxConcurrency])).toEqual([
      ["a", 1, 2],
    ]);
    expect(await permits.release(r1.id, r1.fence, "a", mcp)).toEqual([r3.id]);
    // r4 may not jump r3, which was woken for the free permit
    expect(await permits.acquire(r4.id, r4.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    expect(await permits.acquire(r3.id, r3.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.waitsOf(r3.id)).toEqual([]);
  });

  it("counts a permit until its run is taken over (new fence), not when its lease merely lapsed, and refuses a stale fence", async () => {
    const mcp = limited(1);
    const holder = await claimed(60_000);
    const other = await claimed();
    expect(await permits.acquire(holder.id, holder.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.acquire(other.id, other.fence, "a", mcp)).toMatchObject({ held: false });
    // the holder's lease lapses (its executor died, or is alive with its renewal late: its step may
    // still run): the permit still counts
    await dataSource.query(
      "UPDATE workflow_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1",
      [holder.id],
    );
    expect(await permits.acquire(other.id, other.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
    // another claim takes the run: the old driver's permit is dead
    const taken = await store.claim("exec-2", 60_000, { runId: holder.id });
    expect(taken?.fence).toBe("2");
    expect(await permits.acquire(other.id, other.fence, "a", mcp)).toEqual({ held: true });
    await expect(permits.acquire(holder.id, holder.fence, "a", mcp)).rejects.toBeInstanceOf(FenceLostError);
    expect(await permits.acquire(holder.id, taken!.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
  });

  it("frees nothing for a stale driver: its release leaves the new driver's permit, its withdraw the new driver's places", async () => {
    const mcp = limited(1);
    const run = await claimed();
    const queued = await claimed();
    expect(await permits.acquire(run.id, run.fence, "each[0]", mcp)).toEqual({ held: true });
    // the run is taken over while its first driver still runs the item; the new driver takes the
    // item's permit again and queues a second item
    await dataSource.query(
      "UPDATE workflow_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1",
      [run.id],
    );
    const taken = (await store.claim("exec-2", 60_000, { runId: run.id }))!;
    expect(await permits.acquire(run.id, taken.fence, "each[0]", mcp)).toEqual({ held: true });
    expect(await permits.acquire(run.id, taken.fence, "each[1]", mcp)).toMatchObject({
      held: false,
      ahead: 0,
    });
    expect(await permits.acquire(queued.id, queued.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    // the first driver's item ends and its step stops
    expect(await permits.release(run.id, run.fence, "each[0]", mcp)).toEqual([]);
    expect(await permits.withdraw(run.id, run.fence, ["each[1]"], mcp)).toEqual([]);
    expect(await permits.acquire(queued.id, queued.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    expect((await permits.waitsOf(run.id)).map((w) => [w.stepKey, w.ahead])).toEqual([["each[1]", 0]]);
    // the new driver's own release frees it for the next in the queue
    expect(await permits.release(run.id, taken.fence, "each[0]", mcp)).toEqual([run.id]);
  });

  it("forgets the waiters of ended runs", async () => {
    const mcp = limited(1);
    const [holder, gone, next] = await Promise.all([claimed(), claimed(), claimed()]);
    await permits.acquire(holder.id, holder.fence, "a", mcp);
    await permits.acquire(gone.id, gone.fence, "a", mcp);
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    await writes.updateRun(gone.id, gone.fence, { status: "cancelled", owner: null, leaseExpiresAt: null });
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
    expect(await permits.release(holder.id, holder.fence, "a", mcp)).toEqual([next.id]);
  });

  it("withdraws queued steps of a run (a for_each step that stopped): the next waiter moves up and is woken", async () => {
    const mcp = limited(1);
    const [holder, stopped, next] = await Promise.all([claimed(), claimed(), claimed()]);
    await permits.acquire(holder.id, holder.fence, "each[0]", mcp);
    await permits.acquire(stopped.id, stopped.fence, "each[1]", mcp);
    await permits.acquire(stopped.id, stopped.fence, "each[2]", mcp);
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 2 });
    expect(await permits.withdraw(stopped.id, stopped.fence, ["each[1]", "each[2]"], mcp)).toEqual([]);
    expect(await permits.waitsOf(stopped.id)).toEqual([]);
    expect((await permits.waitsOf(next.id)).map((w) => w.ahead)).toEqual([0]);
    expect(await permits.release(holder.id, holder.fence, "each[0]", mcp)).toEqual([next.id]);
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toEqual({ held: true });
  });

  it("inserts a run of a live concurrency key queued, and the end of the holder wakes the oldest queued one", async () => {
    const workflowId = randomUUID();
    const keyed = (key: string) => {
      const input = oneStepRun();
      return { ...input, run: { ...input.run, workflowId, concurrencyKey: key } };
    };
    const first = (await store.create(keyed("acme"), { owner: "exec-1", leaseMs: 60_000 })).run;
    expect(first).toMatchObject({ status: "running", owner: "exec-1" });
    const second = (await store.create(keyed("acme"), { owner: "exec-1", leaseMs: 60_000 })).run;
    expect(second).toMatchObject({ status: "pending", owner: null, fence: "0" });
    const third = (await store.create(keyed("acme"))).run;
    const other = (await store.create(keyed("globex"), { owner: "exec-1", leaseMs: 60_000 })).run;
    expect(other).toMatchObject({ status: "running" });
    // queued runs are not claimable
    expect(await store.claim("exec-2", 60_000, { runId: second.id })).toBeNull();
    expect(await queries.holderOfKey(workflowId, "acme")).toBe(first.id);
    // a queued run cancelled wakes nobody: the holder still runs
    await writes.updateRun(third.id, third.fence, { status: "cancelled" });
    expect(await queries.nextOfKey(workflowId, "acme")).toBeNull();
    await writes.updateRun(first.id, first.fence, { status: "succeeded", owner: null, leaseExpiresAt: null });
    expect(await queries.nextOfKey(workflowId, "acme")).toBe(second.id);
    expect(await store.claim("exec-2", 60_000, { runId: second.id })).toMatchObject({ status: "running" });
  });
});
