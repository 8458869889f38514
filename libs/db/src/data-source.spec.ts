import { UnavailableError } from "@mcp/errors";
import { createServer } from "node:net";
import { openDatabase } from "./data-source";
import { createTestDatabase, type TestDatabase } from "./testing";

/** A port nothing listens on: bind, note it, close. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("openDatabase", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("applies the migrations once even when several services start together", async () => {
    const opened = await Promise.all([
      openDatabase({ url: db.url }),
      openDatabase({ url: db.url }),
      openDatabase({ url: db.url }),
    ]);
    try {
      const applied = opened.flatMap((o) => o.applied);
      expect(applied).toEqual([
        "InitialSchema1732470000000",
        "ApiKeys1765000000000",
        "Secrets1766000000000",
        "RunRecoveries1767000000000",
        "WaitingSteps1767200000000",
        "ForEachItems1767300000000",
        "SubWorkflows1767400000000",
        "Schedules1767500000000",
        "WebhookTriggers1767600000000",
        "ConcurrencyLimits1767800000000",
        "RunRetention1767900000000",
        "RunStatsIndex1768000000000",
        "Workspaces1768200000000",
        "RolesAndAudit1768300000000",
        "Users1768400000000",
        "ExecutorSessions1768500000000",
        "McpFacets1768600000000",
        "RunTrace1768700000000",
        "RunStatsRollup1768800000000",
        "RunRowsRoom1768900000000",
      ]);
      const tables = await opened[0].dataSource.query<{ table_name: string }[]>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
      );
      expect(tables.map((t) => t.table_name)).toEqual([
        "api_keys",
        "audit_events",
        "executor_sessions",
        "mcp_definitions",
        "mcp_label_moves",
        "mcp_name_versions",
        "mcp_permit_waiters",
        "mcp_permits",
        "mcp_versions",
        "run_signals",
        "run_stats_hourly",
        "schedule_ticks",
        "schedules",
        "schema_migrations",
        "secrets",
        "step_runs",
        "users",
        "webhook_triggers",
        "workflow_definitions",
        "workflow_name_versions",
        "workflow_runs",
        "workflow_versions",
        "workspace_members",
        "workspaces",
      ]);
    } finally {
      await Promise.all(opened.map((o) => o.dataSource.destroy()));
    }
  });

  it("leaves no difference between the migrated schema and the entities", async () => {
    const { dataSource } = await openDatabase({ url: db.url });
    try {
      const pending = await dataSource.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it("reports an unreachable server as UnavailableError", async () => {
    const port = await deadPort();
    await expect(
      openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/none`, connectTimeoutMs: 1000 }),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});
