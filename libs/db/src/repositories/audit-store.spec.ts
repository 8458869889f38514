import { Client } from "pg";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, type TestDatabase } from "../testing";
import { AuditStore, type NewAuditEvent } from "./audit-store";

describe("AuditStore", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url }));
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const event = (target: string, workspace = "w-batch"): NewAuditEvent => ({
    eventTime: new Date(),
    workspace,
    actorKind: "api_key",
    actorId: "k1",
    actor: "ci",
    service: "mcp.executor.v1.ExecutorService",
    method: "ExecuteWorkflow",
    target,
    outcome: "OK",
    requestId: `req-${target}`,
  });

  /** The audit INSERT statements `fn` sends to PostgreSQL (counted on pg's client, under any layer). */
  async function insertsDuring(fn: () => Promise<unknown>): Promise<number> {
    const proto = Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
    const query = proto.query;
    let inserts = 0;
    proto.query = function (this: Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === "string" ? first : (first?.text ?? "");
      if (text.startsWith("INSERT INTO audit_events")) inserts += 1;
      return query.apply(this, args);
    };
    try {
      await fn();
    } finally {
      proto.query = query;
    }
    return inserts;
  }

  it("appends made together go in fewer statements than events, and every one is written", async () => {
    const store = new AuditStore(dataSource);
    const targets = Array.from({ length: 40 }, (_, i) => `wf-${i}`);
    const inserts = await insertsDuring(() => Promise.all(targets.map((t) => store.append(event(t)))));
    expect(inserts).toBeGreaterThan(0);
    expect(inserts).toBeLessThan(targets.length);
    const page = await store.listPage({ workspace: "w-batch" }, "", 100);
    expect(page.items.map((e) => e.target).sort()).toEqual([...targets].sort());
    expect(page.items.find((e) => e.target === "wf-7")).toMatchObject({ requestId: "req-wf-7", actor: "ci" });
  });

  it("an event PostgreSQL refuses (a NUL in its target) fails alone; the others of its batch are written", async () => {
    const store = new AuditStore(dataSource);
    const results = await Promise.allSettled([
      store.append(event("first", "w-nul")),
      store.append(event("bad\u0000target", "w-nul")),
      store.append(event("third", "w-nul")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    const page = await store.listPage({ workspace: "w-nul" }, "", 10);
    expect(page.items.map((e) => e.target).sort()).toEqual(["first", "third"]);
  });
});
