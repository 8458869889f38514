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
    expect(await permits.release(r1.id, "a", mcp)).toEqual([r3.id]);
    // r4 may not jump r3, which was woken for the free permit
    expect(await permits.acquire(r4.id, r4.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    expect(await permits.acquire(r3.id, r3.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.waitsOf(r3.id)).toEqual([]);
  });

  it("counts no permit of a run taken over (new fence) or whose lease expired, and refuses a stale fence", async () => {
    const mcp = limited(1);
    const holder = await claimed(60_000);
    const other = await claimed();
    expect(await permits.acquire(holder.id, holder.fence, "a", mcp)).toEqual({ held: true });
    expect(await permits.acquire(other.id, other.fence, "a", mcp)).toMatchObject({ held: false });
    // the holder's executor dies: its lease runs out, and another claim takes the run
    await dataSource.query(
      "UPDATE workflow_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1",
      [holder.id],
    );
    expect(await permits.acquire(other.id, other.fence, "a", mcp)).toEqual({ held: true });
    const taken = await store.claim("exec-2", 60_000, { runId: holder.id });
    expect(taken?.fence).toBe("2");
    await expect(permits.acquire(holder.id, holder.fence, "a", mcp)).rejects.toBeInstanceOf(FenceLostError);
    expect(await permits.acquire(holder.id, taken!.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
  });

  it("forgets the waiters of ended runs", async () => {
    const mcp = limited(1);
    const [holder, gone, next] = await Promise.all([claimed(), claimed(), claimed()]);
    await permits.acquire(holder.id, holder.fence, "a", mcp);
    await permits.acquire(gone.id, gone.fence, "a", mcp);
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 1 });
    await writes.updateRun(gone.id, gone.fence, { status: "cancelled", owner: null, leaseExpiresAt: null });
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 0 });
    expect(await permits.release(holder.id, "a", mcp)).toEqual([next.id]);
  });

  it("withdraws queued steps of a run (a for_each step that stopped): the next waiter moves up and is woken", async () => {
    const mcp = limited(1);
    const [holder, stopped, next] = await Promise.all([claimed(), claimed(), claimed()]);
    await permits.acquire(holder.id, holder.fence, "each[0]", mcp);
    await permits.acquire(stopped.id, stopped.fence, "each[1]", mcp);
    await permits.acquire(stopped.id, stopped.fence, "each[2]", mcp);
    expect(await permits.acquire(next.id, next.fence, "a", mcp)).toMatchObject({ held: false, ahead: 2 });
    expect(await permits.withdraw(stopped.id, ["each[1]", "each[2]"], mcp)).toEqual([]);
    expect(await permits.waitsOf(stopped.id)).toEqual([]);
    expect((await permits.waitsOf(next.id)).map((w) => w.ahead)).toEqual([0]);
    expect(await permits.release(holder.id, "each[0]", mcp)).toEqual([next.id]);
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
