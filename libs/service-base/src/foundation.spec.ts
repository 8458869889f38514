import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
import { createLogger, loadConfig } from "@mcp/runtime";
import { openFoundation } from "./foundation";

describe("openFoundation", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("opens a migrated database, an in-process cache without Redis, and serves metrics; stop closes it all", async () => {
    const config = loadConfig("registry", {
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: db.url,
      LOG_LEVEL: "silent",
      AUTH_ENABLED: "false",
    });
    const base = await openFoundation("registry", config, createLogger({ service: "test", level: "silent" }));
    expect(base.cacheKind).toBe("memory");
    const tables = await base.dataSource.query<{ n: string }[]>(
      "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'mcp_versions'",
    );
    expect(tables[0]?.n).toBe("1");
    await base.cache.set("k", { v: 1 }, 60);
    expect(await base.cache.get("k")).toEqual({ v: 1 });

    const server = await base.serve({ services: [], routes: () => undefined }, { callsOtherServices: false });
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain("process_cpu_user_seconds_total");

    let before = false;
    await base.stop(server, async () => {
      before = base.dataSource.isInitialized;
    });
    expect(before).toBe(true);
    expect(base.dataSource.isInitialized).toBe(false);
    await expect(fetch(`${server.url}/metrics`)).rejects.toThrow();
  });
});
