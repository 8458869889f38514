import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, type TestDatabase } from "../testing";
import { MIGRATIONS } from "./index";

describe("migration 1768200000000 (workspaces)", () => {
  const workspacesAt = MIGRATIONS.findIndex((m) => new m().name === "Workspaces1768200000000");
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("puts existing rows in `default` and makes names unique per workspace", async () => {
    // the schema as it was before workspaces, with data in it
    const before = new DataSource({
      type: "postgres",
      url: db.url,
      // every migration before it (later ones may read its columns: the rollup's triggers do)
      migrations: MIGRATIONS.slice(0, workspacesAt),
      migrationsTableName: "schema_migrations",
      migrationsTransactionMode: "each",
    });
    await before.initialize();
    await before.runMigrations();
    const mcpId = randomUUID();
    const runId = randomUUID();
    await before.query(
      `INSERT INTO mcp_definitions (id, name, name_key, type, latest_version, created_at, updated_at)
       VALUES ($1, 'Summarize', 'summarize', 'python_script', 1, now(), now())`,
      [mcpId],
    );
    await before.query(`INSERT INTO mcp_name_versions (name_key, last_version) VALUES ('summarize', 1)`);
    await before.query(
      `INSERT INTO workflow_runs (id, kind, status, request_id, created_at, updated_at)
       VALUES ($1, 'mcp', 'succeeded', 'req-1', now(), now())`,
      [runId],
    );
    await before.query(
      `INSERT INTO api_keys (id, name, secret_hash, created_at) VALUES ('k1', 'ci', 'h', now())`,
    );
    await before.destroy();

    const { dataSource, applied } = await openDatabase({ url: db.url });
    try {
      expect(applied).toEqual(MIGRATIONS.slice(workspacesAt).map((m) => new m().name));
      expect(applied[0]).toBe("Workspaces1768200000000");
      const ws = async (table: string) =>
        (await dataSource.query<{ workspace: string }[]>(`SELECT workspace FROM ${table}`)).map(
          (r) => r.workspace,
        );
      expect(await ws("mcp_definitions")).toEqual(["default"]);
      expect(await ws("mcp_name_versions")).toEqual(["default"]);
      expect(await ws("workflow_runs")).toEqual(["default"]);
      expect(await ws("api_keys")).toEqual(["default"]);
      expect(await dataSource.query(`SELECT name FROM workspaces`)).toEqual([{ name: "default" }]);
      // the same name (and request id) in another workspace is allowed; twice in one is not
      await dataSource.query(
        `INSERT INTO mcp_definitions (id, workspace, name, name_key, type, latest_version, created_at, updated_at)
         VALUES ($1, 'team-a', 'Summarize', 'summarize', 'python_script', 1, now(), now())`,
        [randomUUID()],
      );
      await dataSource.query(
        `INSERT INTO workflow_runs (id, workspace, kind, status, request_id, created_at, updated_at)
         VALUES ($1, 'team-a', 'mcp', 'succeeded', 'req-1', now(), now())`,
        [randomUUID()],
      );
      await expect(
        dataSource.query(
          `INSERT INTO mcp_definitions (id, name, name_key, type, latest_version, created_at, updated_at)
           VALUES ($1, 'SUMMARIZE', 'summarize', 'python_script', 1, now(), now())`,
          [randomUUID()],
        ),
      ).rejects.toMatchObject({ driverError: { code: "23505" } });
    } finally {
      await dataSource.destroy();
    }
  });
});
