import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { FencedWrites } from "../repositories/fenced-writes";
import { RunStore } from "../repositories/run-store";
import { createTestDatabase, oneStepRun, type TestDatabase } from "../testing";
import { RUN_PATH_FILLFACTOR } from "./1768900000000-run-rows-room";

/**
 * Migration 1768900000000 (docs/adr/036): the run path's tables fill new pages to 70 %, so the next
 * version of a run's or a step's row is written on its own page (a HOT update) instead of another.
 */
describe("room on the run path's pages for their rows' next versions", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: RunStore;
  let writes: FencedWrites;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url, poolSize: 2 }));
    store = new RunStore(dataSource);
    writes = new FencedWrites(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** The page (block number) a row of `table` is on now, found by its `column`. */
  const pageOf = async (table: string, column: string, value: string): Promise<number> => {
    const rows = await dataSource.query<{ page: number }[]>(
      `SELECT (ctid::text::point)[0]::int AS page FROM ${table} WHERE ${column} = $1`,
      [value],
    );
    if (rows.length !== 1) throw new Error(`${rows.length} rows of ${table} with ${column} = ${value}`);
    return rows[0]!.page;
  };

  /**
   * Creates claimed one-step runs until one no longer fits on the table's first page: that page is
   * then as full as a new row may make it. Returns the runs on it.
   */
  const fillFirstPage = async (table: string, column: string, idOf: (runId: string) => Promise<string>) => {
    const onFirst: string[] = [];
    for (let i = 0; i < 500; i++) {
      const { run } = await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
      if ((await pageOf(table, column, await idOf(run.id))) !== 0) return onFirst;
      onFirst.push(run.id);
    }
    throw new Error(`500 runs fitted on the first page of ${table}`);
  };

  it("sets the fillfactor of workflow_runs and step_runs", async () => {
    const rows = await dataSource.query<{ relname: string; reloptions: string[] | null }[]>(
      "SELECT relname, reloptions FROM pg_class WHERE relname IN ('workflow_runs', 'step_runs') ORDER BY relname",
    );
    expect(rows).toEqual([
      { relname: "step_runs", reloptions: [`fillfactor=${RUN_PATH_FILLFACTOR}`] },
      { relname: "workflow_runs", reloptions: [`fillfactor=${RUN_PATH_FILLFACTOR}`] },
    ]);
  });

  it("a step write's new version of a run's row stays on the run's full page", async () => {
    const onFirst = await fillFirstPage("workflow_runs", "id", async (runId) => runId);
    expect(onFirst.length).toBeGreaterThan(1);
    for (const runId of onFirst) {
      // each step write moves the run's event sequence: a new version of its row
      await writes.updateSteps(runId, "1", ["a"], { status: "running" });
      expect(await pageOf("workflow_runs", "id", runId)).toBe(0);
    }
  });

  it("a step's new version stays on its full page", async () => {
    const stepIdOf = async (runId: string) =>
      (await dataSource.query<{ id: string }[]>("SELECT id FROM step_runs WHERE run_id = $1", [runId]))[0]!
        .id;
    const onFirst = await fillFirstPage("step_runs", "id", stepIdOf);
    expect(onFirst.length).toBeGreaterThan(1);
    const runId = onFirst[onFirst.length - 1]!;
    await writes.updateSteps(runId, "1", ["a"], { status: "running", inputs: { n: 1 } });
    expect(await pageOf("step_runs", "id", await stepIdOf(runId))).toBe(0);
  });
});
