import { randomUUID } from "node:crypto";
import { Client, type Pool, type PoolClient, type QueryResultRow } from "pg";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { StepRunEntity } from "../entities/step-run.entity";
import { createTestDatabase, oneStepRun, until, type TestDatabase } from "../testing";
import { PreparedStatements } from "./prepared";
import { RunStore } from "./run-store";
import { stepRow } from "./step-row";
import { StepWriteBatch } from "./step-write-batch";
import { RUN_PATH_TABLES, TableStatistics } from "./table-statistics";

/** {@link PreparedStatements} that also keeps the text of every statement it sends. */
class RecordingStatements extends PreparedStatements {
  readonly texts = new Set<string>();
  override rows<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    this.texts.add(text);
    return super.rows<T>(text, values);
  }
}

/** A node of an `EXPLAIN (FORMAT JSON)` plan. */
interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly "Index Cond"?: string;
  readonly Alias?: string;
  readonly Plans?: PlanNode[];
}

/** The nodes of `node` that read a table. */
const scansOf = (node: PlanNode): PlanNode[] => [
  ...(node["Relation Name"] && node["Node Type"] !== "ModifyTable" ? [node] : []),
  ...(node.Plans ?? []).flatMap(scansOf),
];

/**
 * The planner statistics of the run path's tables, kept by the executor when autovacuum does not
 * (docs/adr/032), against the real PostgreSQL. Autovacuum is turned off for this database's run
 * tables (`autovacuum_enabled = false`), so the tests behave alike whatever the cluster's setting.
 */
describe("TableStatistics", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let pool: Pool;
  let store: RunStore;
  let statistics: TableStatistics;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    pool = (dataSource.driver as unknown as { master: Pool }).master;
    for (const table of RUN_PATH_TABLES)
      await pool.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
    store = new RunStore(dataSource);
    statistics = new TableStatistics(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  /** `n` runs claimed at creation, each with steps `a` and `b`. */
  async function createRuns(n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i += 1) {
      const one = oneStepRun();
      const steps = [
        ...one.steps,
        stepRow({ id: randomUUID(), runId: one.run.id, stepId: "b", position: 1, status: "pending" }),
      ];
      ids.push((await store.create({ ...one, steps }, { owner: "me", leaseMs: 60_000 })).run.id);
    }
    return ids;
  }
  const lastAnalyze = async (table: string) =>
    (
      await pool.query<{ at: Date | null }>(
        "SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = $1",
        [table],
      )
    ).rows[0]?.at ?? null;

  it("before any statistics, the step write's cached plan still finds a step within its run's rows", async () => {
    // A plan made on never-analyzed, nearly empty tables: any index looks as cheap as any other.
    // Finding the step by `step_id` alone would read every run's rows with that id; the lookup
    // must at least be bounded by the run.
    const texts = await stepWriteTexts(await createRuns(2));
    for (const text of texts) {
      const lookups = await stepLookups(text);
      expect(lookups.length).toBe(1);
      expect(lookups[0]?.["Index Cond"]).toMatch(/\brun_id = /);
    }
  });

  it("analyzes a run table autovacuum leaves alone once it changed as much as autovacuum waits for, and then not again until it changes again", async () => {
    // a few rows: under autovacuum's threshold (50 + 10 % of the rows)
    await createRuns(5);
    expect(await statistics.refresh()).toEqual({ ownDuty: true, analyzed: [] });
    expect(await lastAnalyze("workflow_runs")).toBeNull();

    await createRuns(60);
    await until("both tables to be stale", async () => (await statistics.check()).stale.length === 2);
    const refresh = await statistics.refresh();
    expect(refresh.ownDuty).toBe(true);
    expect(refresh.analyzed.map((t) => t.table)).toEqual(["step_runs", "workflow_runs"]);
    expect(refresh.analyzed.every((t) => t.changedRows > 50)).toBe(true);
    expect(await lastAnalyze("workflow_runs")).toBeInstanceOf(Date);
    expect(await lastAnalyze("step_runs")).toBeInstanceOf(Date);
    // the planner now knows the table's size
    const { rows } = await pool.query<{ reltuples: number; count: string }>(
      "SELECT reltuples, (SELECT count(*) FROM workflow_runs) AS count FROM pg_class WHERE relname = 'workflow_runs'",
    );
    expect(rows[0]?.reltuples).toBe(Number(rows[0]?.count));

    // nothing changed since: nothing to do
    expect(await statistics.refresh()).toEqual({ ownDuty: true, analyzed: [] });
  });

  it("skips a table another executor is analyzing (its advisory lock is held)", async () => {
    await createRuns(60);
    await until("both tables to be stale", async () => (await statistics.check()).stale.length === 2);
    const other: PoolClient = await pool.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock(hashtext('mcp:analyze:' || 'workflow_runs'))");
      const refresh = await statistics.refresh();
      expect(refresh.analyzed.map((t) => t.table)).toEqual(["step_runs"]);
      await other.query("COMMIT");
    } finally {
      other.release();
    }
    expect((await statistics.refresh()).analyzed.map((t) => t.table)).toEqual(["workflow_runs"]);
  });

  /** The step write's statements (with and without closing a step's items), made for runs `runs`. */
  async function stepWriteTexts(runs: readonly string[]): Promise<Set<string>> {
    const statements = new RecordingStatements(dataSource);
    const batch = new StepWriteBatch(dataSource.getMetadata(StepRunEntity), statements);
    const two = runs.slice(0, 2);
    await batch.commit(
      two.map((runId) => ({ runId, fence: "1", stepIds: ["a", "b"], patch: { status: "running" } })),
    );
    await batch.commit(
      two.map((runId) => ({ runId, fence: "1", stepIds: ["b"], patch: { status: "failed" } })),
    );
    expect(statements.texts.size).toBe(2);
    return statements.texts;
  }

  /**
   * How the plan a connection caches for `text` after its fifth run (a generic plan, made without the
   * parameters' values, on the statistics of now) reads the step rows the write updates (alias `s`).
   */
  async function stepLookups(text: string): Promise<PlanNode[]> {
    const parameters = Math.max(...[...text.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));
    // a connection of its own: the pool's have the run path's statements prepared under pg's names
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await client.query(`PREPARE probe AS ${text}`);
      await client.query("SET plan_cache_mode = force_generic_plan");
      const { rows } = await client.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) EXECUTE probe(${Array.from({ length: parameters }, () => "NULL").join(", ")})`,
      );
      const plan = rows[0]?.["QUERY PLAN"][0].Plan;
      if (!plan) throw new Error("EXPLAIN gave no plan");
      return scansOf(plan).filter((scan) => scan["Relation Name"] === "step_runs" && scan.Alias === "s");
    } finally {
      await client.end();
    }
  }

  it("after it, the step write's cached plan finds each step by its run and step id", async () => {
    const runs = await createRuns(300);
    await until("both tables to be stale", async () => (await statistics.check()).stale.length === 2);
    await statistics.refresh();
    for (const text of await stepWriteTexts(runs)) {
      const lookups = await stepLookups(text);
      expect(lookups.length).toBe(1);
      expect(lookups[0]?.["Index Name"]).toBe("step_runs_unique_step");
      expect(lookups[0]?.["Index Cond"]).toMatch(/\brun_id = .*\bstep_id = |\bstep_id = .*\brun_id = /);
    }
  });
});
