import { GroupCommit, type Outcome } from "./group-commit";

/** A commit function whose batches are recorded and held until released, oldest first. */
function heldCommits() {
  const batches: string[][] = [];
  const held: Array<{ batch: string[]; settle: (outcomes: Array<Outcome<string>> | Error) => void }> = [];
  const commit = (batch: readonly string[]) =>
    new Promise<ReadonlyArray<Outcome<string>>>((resolve, reject) => {
      batches.push([...batch]);
      held.push({
        batch: [...batch],
        settle: (outcomes) => (outcomes instanceof Error ? reject(outcomes) : resolve(outcomes)),
      });
    });
  /** Settles the oldest batch in flight with `outcomes` (by default every write's value is its name). */
  const release = (outcomes?: Array<Outcome<string>> | Error) => {
    const next = held.shift();
    if (!next) throw new Error("no batch in flight");
    next.settle(outcomes ?? next.batch.map((write) => ({ value: write })));
  };
  return { batches, commit, release };
}

/** Lets every queued microtask and promise continuation run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("GroupCommit", () => {
  it("sends a lone write at once, without waiting for a timer", async () => {
    const commits: string[][] = [];
    const group = new GroupCommit<string, string>(async (batch) => {
      commits.push([...batch]);
      return batch.map((w) => ({ value: w.toUpperCase() }));
    });
    const pending = group.submit("a");
    await Promise.resolve(); // one microtask: no timer phase has run
    expect(commits).toEqual([["a"]]);
    await expect(pending).resolves.toBe("A");
  });

  it("gathers the writes made while a batch is in flight into the next batch, and commits batches in order", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit);
    const first = group.submit("a");
    await settle();
    expect(held.batches).toEqual([["a"]]);
    const later = ["b", "c", "d"].map((w) => group.submit(w));
    await settle();
    // nothing more goes out while "a" is in flight
    expect(held.batches).toEqual([["a"]]);
    held.release([{ value: "A" }]);
    await expect(first).resolves.toBe("A");
    await settle();
    expect(held.batches).toEqual([["a"], ["b", "c", "d"]]);
    held.release([{ value: "B" }, { value: "C" }, { value: "D" }]);
    await expect(Promise.all(later)).resolves.toEqual(["B", "C", "D"]);
  });

  it("writes made in the same synchronous stretch go in one batch", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit);
    const all = [group.submit("a"), group.submit("b")];
    await settle();
    expect(held.batches).toEqual([["a", "b"]]);
    held.release([{ value: "A" }, { value: "B" }]);
    await expect(Promise.all(all)).resolves.toEqual(["A", "B"]);
  });

  it("gives each caller its own outcome: one write's error does not fail the others", async () => {
    const group = new GroupCommit<string, string>(async (batch) =>
      batch.map((w) => (w === "bad" ? { error: new Error(`refused ${w}`) } : { value: w })),
    );
    const results = await Promise.allSettled(["a", "bad", "c"].map((w) => group.submit(w)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toEqual(new Error("refused bad"));
  });

  it("a commit that throws fails its own batch's callers only; the next batch commits", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit);
    const first = group.submit("a");
    await settle();
    const second = [group.submit("b"), group.submit("c")];
    await settle();
    held.release([{ value: "A" }]);
    await settle();
    const third = group.submit("d");
    held.release(new Error("statement failed"));
    await expect(first).resolves.toBe("A");
    const secondResults = await Promise.allSettled(second);
    expect(secondResults.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    await settle();
    expect(held.batches).toEqual([["a"], ["b", "c"], ["d"]]);
    held.release([{ value: "D" }]);
    await expect(third).resolves.toBe("D");
  });

  it("puts a write sharing a key with a waiting one in a later batch, so the two commit in the order made", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit, { keys: (w) => [w.split(":")[0]!] });
    const inFlight = group.submit("x:0");
    await settle();
    const writes = ["x:1", "y:1", "x:2", "z:1"].map((w) => group.submit(w));
    held.release([{ value: "x:0" }]);
    await inFlight;
    await settle();
    expect(held.batches[1]).toEqual(["x:1", "y:1"]);
    held.release([{ value: "x:1" }, { value: "y:1" }]);
    await settle();
    // x:2 conflicts with x:1, so it opened the batch that z:1 then joined
    expect(held.batches[2]).toEqual(["x:2", "z:1"]);
    held.release([{ value: "x:2" }, { value: "z:1" }]);
    await expect(Promise.all(writes)).resolves.toEqual(["x:1", "y:1", "x:2", "z:1"]);
  });

  it("with maxInFlight 2, a write goes out at once while one batch is in flight, but not one holding a key in flight", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit, {
      maxInFlight: 2,
      keys: (w) => [w.split(":")[0]!],
    });
    const first = group.submit("x:0");
    await settle();
    const second = group.submit("y:0");
    await settle();
    expect(held.batches).toEqual([["x:0"], ["y:0"]]);
    // both slots taken: these wait; x:1 holds a key in flight, so it (and what follows it) waits for x:0
    const later = [group.submit("x:1"), group.submit("z:0")];
    await settle();
    expect(held.batches).toHaveLength(2);
    held.release(); // x:0
    await expect(first).resolves.toBe("x:0");
    await settle();
    expect(held.batches[2]).toEqual(["x:1", "z:0"]);
    held.release(); // y:0
    held.release(); // x:1, z:0
    await expect(second).resolves.toBe("y:0");
    await expect(Promise.all(later)).resolves.toEqual(["x:1", "z:0"]);
  });

  it("a batch waits while a batch in flight holds one of its keys, even with room for more", async () => {
    const held = heldCommits();
    const group = new GroupCommit<string, string>(held.commit, {
      maxInFlight: 4,
      keys: (w) => [w.split(":")[0]!],
    });
    const first = group.submit("x:0");
    await settle();
    const next = group.submit("x:1");
    await settle();
    expect(held.batches).toEqual([["x:0"]]);
    held.release();
    await first;
    await settle();
    expect(held.batches).toEqual([["x:0"], ["x:1"]]);
    held.release();
    await expect(next).resolves.toBe("x:1");
  });

  it("caps a batch at maxBatch writes", async () => {
    const sizes: number[] = [];
    const group = new GroupCommit<number, number>(
      async (batch) => {
        sizes.push(batch.length);
        return batch.map((value) => ({ value }));
      },
      { maxBatch: 3 },
    );
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => group.submit(n)));
    expect(results).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([3, 3, 1]);
  });
});
