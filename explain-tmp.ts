import { Client } from "pg";
import { HOURLY_STATS_SQL, WORKFLOW_STATS_SQL } from "@mcp/db";
(async () => {
  const c = new Client({ connectionString: "postgres://postgres@127.0.0.1:5432/h_stats_history" });
  await c.connect();
  const since = new Date(Date.now() - 168 * 3600_000); since.setUTCMinutes(0, 0, 0);
  for (let i = 0; i < 3; i++) {
    for (const [name, sql, params] of [["hourly", HOURLY_STATS_SQL, ["default", since]], ["workflows", WORKFLOW_STATS_SQL, ["default", since, 50]]] as const) {
      const r = await c.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params as unknown[]);
      const lines = r.rows.map((x) => x["QUERY PLAN"]);
      console.log(name, lines.slice(-2).join(" | "));
    }
  }
  await c.end();
})();
