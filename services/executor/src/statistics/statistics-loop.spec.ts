import { RUN_PATH_TABLES, RunStore, TableStatistics, openDatabase } from "@mcp/db";
import { createTestDatabase, oneStepRun, until, type TestDatabase } from "@mcp/db/testing";
import { createLogger } from "@mcp/runtime";
import type { DataSource } from "typeorm";
import { StatisticsLoop } from "./statistics-loop.js";

/** A logger that keeps what it logged. */
function recordingLogger() {
  type Line = { msg: string; tables?: { table: string }[] };
  const lines: Line[] = [];
  const logger = createLogger({
    service: "test",
    level: "debug",
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Line) },
  });
  return { logger, lines };
}

/**
 * The executor's statistics loop against the real PostgreSQL, the run tables opted out of
 * autovacuum (`autovacuum_enabled = false`) so that it behaves alike whatever the cluster's setting.
 */
describe("StatisticsLoop", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
    for (const table of RUN_PATH_TABLES)
      await dataSource.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const lastAnalyze = async (table: string): Promise<Date | null> =>
    (
      await dataSource.query<{ at: Date | null }[]>(
        "SELECT last_analyze AS at FROM pg_stat_user_tables WHERE relname = $1",
        [table],
      )
    )[0]?.at ?? null;

  it("analyzes the run tables once runs changed them enough, and says it keeps them once", async () => {
    const { logger, lines } = recordingLogger();
    const loop = new StatisticsLoop(new TableStatistics(dataSource), logger, 50);
    loop.start();
    try {
      const store = new RunStore(dataSource);
      for (let i = 0; i < 80; i += 1) await store.create(oneStepRun(), { owner: "me", leaseMs: 60_000 });
      await until(
        "both tables analyzed",
        async () =>
          (await lastAnalyze("workflow_runs")) !== null && (await lastAnalyze("step_runs")) !== null,
      );
    } finally {
      await loop.stop();
    }
    const own = lines.filter((l) => l.msg.startsWith("autovacuum leaves the run tables alone"));
    expect(own).toHaveLength(1);
    const analyzed = lines
      .filter((l) => l.msg.startsWith("analyzed the run tables"))
      .flatMap((l) => l.tables ?? []);
    expect(analyzed.map((t) => t.table).sort()).toEqual(["step_runs", "workflow_runs"]);
  });

  it("stopping waits for a check under way", async () => {
    let finish: () => void = () => undefined;
    let asked = 0;
    const loop = new StatisticsLoop(
      {
        refresh: () => {
          asked += 1;
          return new Promise((resolve) => (finish = () => resolve({ ownDuty: true, analyzed: [] })));
        },
      },
      recordingLogger().logger,
      20,
    );
    loop.start();
    await until("a check to start", () => asked === 1);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(asked).toBe(1);
  });

  it("does nothing at all with an interval of 0", async () => {
    let asked = 0;
    const loop = new StatisticsLoop(
      { refresh: async () => ((asked += 1), { ownDuty: true, analyzed: [] }) },
      recordingLogger().logger,
      0,
    );
    loop.start();
    await loop.stop();
    expect(asked).toBe(0);
  });

  it("a failed check is logged and tried again on the next interval", async () => {
    const { logger, lines } = recordingLogger();
    let asked = 0;
    const loop = new StatisticsLoop(
      {
        refresh: async () => {
          asked += 1;
          if (asked === 1) throw new Error("database unreachable");
          return { ownDuty: false, analyzed: [] };
        },
      },
      logger,
      20,
    );
    loop.start();
    try {
      await until("a second check", () => asked >= 2);
    } finally {
      await loop.stop();
    }
    expect(lines.some((l) => l.msg.startsWith("could not check the run tables"))).toBe(true);
  });
});
