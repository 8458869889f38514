import { openDatabase } from "./data-source";
import { knownMigrations, SchemaMismatchError } from "./schema-check";
import { createTestDatabase, type TestDatabase } from "./testing";

/** The schema check at start: `check` mode for deployments that migrate with a job, `run` otherwise. */
describe("schema check (DB_MIGRATIONS)", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  const refusal = async (mode: "run" | "check"): Promise<SchemaMismatchError> => {
    try {
      const { dataSource } = await openDatabase({ url: db.url, migrations: mode, poolSize: 2 });
      await dataSource.destroy();
    } catch (err) {
      if (err instanceof SchemaMismatchError) return err;
      throw err;
    }
    throw new Error(`openDatabase in ${mode} mode started on a schema it should refuse`);
  };

  it("refuses an older schema in check mode, naming every pending migration, and changes nothing", async () => {
    const err = await refusal("check");
    expect(err.message).toContain("older than this build");
    expect(err.pending).toEqual(knownMigrations());
    expect(err.unknown).toEqual([]);
    const { dataSource } = await openDatabase({ url: db.url, migrations: "run", poolSize: 2 }).catch(() => {
      throw new Error("run mode should migrate");
    });
    try {
      // It was refused before creating anything: run mode applied every migration afterwards.
      const rows = await dataSource.query<{ name: string }[]>(
        "SELECT name FROM schema_migrations ORDER BY timestamp",
      );
      expect(rows.map((r) => r.name)).toEqual(knownMigrations());
    } finally {
      await dataSource.destroy();
    }
  });

  it("starts in check mode once the schema is exactly the build's", async () => {
    const { dataSource, applied } = await openDatabase({ url: db.url, migrations: "check", poolSize: 2 });
    expect(applied).toEqual([]);
    await dataSource.destroy();
  });

  it("refuses a newer schema (a migration it does not know) in both modes", async () => {
    const { dataSource } = await openDatabase({ url: db.url, poolSize: 2 });
    await dataSource.query("INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)", [
      9_999_999_999_999,
      "FromALaterRelease9999999999999",
    ]);
    await dataSource.destroy();
    for (const mode of ["run", "check"] as const) {
      const err = await refusal(mode);
      expect(err.message).toContain("newer than this build");
      expect(err.unknown).toEqual(["FromALaterRelease9999999999999"]);
    }
  });
});
