import { FailedPreconditionError, InvalidArgumentError } from "@mcp/errors";
import type { Pruned, RunRetention } from "@mcp/db";
import { RunPruner } from "./run-pruner.js";

/** A RunRetention over `eligible` runs of `stepsEach` steps, recording every batch it was asked for. */
function fakeStore(eligible: number, stepsEach = 2, locked = false) {
  let left = eligible;
  const batches: number[] = [];
  const store = {
    count: async (): Promise<Pruned> => ({ runs: left, steps: left * stepsEach }),
    deleteBatch: async (_cutoff: Date, limit: number): Promise<Pruned> => {
      const runs = Math.min(limit, left);
      left -= runs;
      batches.push(runs);
      return { runs, steps: runs * stepsEach };
    },
    exclusively: async <T>(fn: () => Promise<T>): Promise<T | undefined> => (locked ? undefined : fn()),
  };
  return { store: store as unknown as RunRetention, batches, left: () => left };
}

const counted: Pruned[] = [];
const metrics = { pruned: (b: Pruned) => void counted.push(b) };

describe("RunPruner", () => {
  beforeEach(() => counted.splice(0));

  it("deletes in batches of at most batchRuns until a batch comes back short, and counts each", async () => {
    const f = fakeStore(1_203);
    const pruner = new RunPruner(f.store, { batchRuns: 500, pauseMs: 0, defaultDays: undefined }, metrics);
    const r = await pruner.prune({ olderThanMs: 86_400_000, dryRun: false });
    expect(f.batches).toEqual([500, 500, 203]);
    expect(r).toMatchObject({ runs: 1_203, steps: 2_406, batches: 3, dryRun: false });
    expect(counted.map((b) => b.runs)).toEqual([500, 500, 203]);
    expect(Math.abs(r.cutoff.getTime() - (Date.now() - 86_400_000))).toBeLessThan(5_000);
  });

  it("a dry run counts and deletes nothing", async () => {
    const f = fakeStore(7);
    const pruner = new RunPruner(f.store, { batchRuns: 500, pauseMs: 0, defaultDays: undefined }, metrics);
    expect(await pruner.prune({ olderThanMs: 3_600_000, dryRun: true })).toMatchObject({
      runs: 7,
      steps: 14,
      batches: 0,
      dryRun: true,
    });
    expect(f.batches).toEqual([]);
    expect(counted).toEqual([]);
  });

  it("refuses with PRUNE_RUNNING when another prune holds the lock", async () => {
    const f = fakeStore(3, 1, true);
    const pruner = new RunPruner(f.store, { batchRuns: 500, pauseMs: 0, defaultDays: undefined }, metrics);
    const err = await pruner.prune({ olderThanMs: 3_600_000, dryRun: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect((err as FailedPreconditionError).reason).toBe("PRUNE_RUNNING");
    expect(f.left()).toBe(3);
  });

  it("stops between batches once its signal aborts", async () => {
    const f = fakeStore(10);
    const pruner = new RunPruner(f.store, { batchRuns: 2, pauseMs: 60_000, defaultDays: undefined }, metrics);
    const stop = new AbortController();
    const pruning = pruner.prune({ olderThanMs: 3_600_000, dryRun: false }, stop.signal);
    stop.abort();
    expect(await pruning).toMatchObject({ runs: 2, batches: 1 });
  });

  it("olderThanMs: the age asked for, else RUN_RETENTION_DAYS, else INVALID_ARGUMENT on older_than", () => {
    const f = fakeStore(0);
    const withDays = new RunPruner(f.store, { batchRuns: 1, pauseMs: 0, defaultDays: 30 }, metrics);
    expect(withDays.olderThanMs(7_200_000)).toBe(7_200_000);
    expect(withDays.olderThanMs(undefined)).toBe(30 * 86_400_000);
    const without = new RunPruner(f.store, { batchRuns: 1, pauseMs: 0, defaultDays: undefined }, metrics);
    expect(() => without.olderThanMs(undefined)).toThrow(InvalidArgumentError);
  });
});
