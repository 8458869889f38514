import type { Pool } from "pg";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, type TestDatabase } from "../testing";
import { AuditStore, type NewAuditEvent } from "./audit-store";

const event = (target: string): NewAuditEvent => ({
  eventTime: new Date(),
  workspace: "default",
  actorKind: "api_key",
  actorId: "k1",
  actor: "ci",
  service: "mcp.executor.v1.ExecutorService",
  method: "ExecuteWorkflow",
  target,
  outcome: "OK",
  requestId: `req-${target}`,
});

describe("AuditStore", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: AuditStore;
  let statements = 0;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = (await openDatabase({ url: db.url, poolSize: 2 })).dataSource;
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      statements += 1;
      return query(...args);
    };
    store = new AuditStore(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  afterEach(async () => {
    await dataSource.query("DELETE FROM audit_events");
    statements = 0;
  });

  const targets = async () =>
    (await store.listPage({ workspace: "default" }, "", 100)).items.map((e) => e.target).sort();

  it("writes appends made together in one statement, each committed when its append resolves", async () => {
    const names = Array.from({ length: 10 }, (_, i) => `run-${i}`);
    await Promise.all(names.map((name) => store.append(event(name))));
    expect(statements).toBe(1);
    expect(await targets()).toEqual(names.sort());
    const [one] = (await store.listPage({ workspace: "default" }, "", 1)).items;
    expect(one).toMatchObject({
      actor: "ci",
      method: "ExecuteWorkflow",
      outcome: "OK",
      actorKind: "api_key",
    });
  });

  it("fails only the append PostgreSQL refuses; the others of its batch commit", async () => {
    const results = await Promise.allSettled([
      store.append(event("good-1")),
      store.append(event("bad\u0000byte")),
      store.append(event("good-2")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await targets()).toEqual(["good-1", "good-2"]);
  });
});
