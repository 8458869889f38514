/**
 * What each PostgreSQL statement of the run path costs, from `pg_stat_statements`: a PostgreSQL
 * cluster of this script's own (initdb in a temporary folder, a free port, `fsync=on`, the extension
 * preloaded with `track_planning`), the three services on it in this process, and
 * `BENCH_STATEMENTS_RUNS` runs (default 1000) of a noop workflow of `BENCH_STATEMENTS_STEPS` steps
 * (default 10), one after another or all at once (`BENCH_STATEMENTS_MODE`: `sequential`, the default,
 * or `parallel`), at concurrency `BENCH_STATEMENTS_CONCURRENCY` (default 1)
 * through gRPC, as `bench/cpu-per-run.ts` drives them. Before them, `BENCH_STATEMENTS_PRELOAD` runs
 * (default 1000, at c=32) and an ANALYZE of the run tables, so the statements meet tables of a
 * realistic size and the plans PostgreSQL makes on them (a new database of a few hundred runs plans
 * differently: docs/adr/037); then the statistics are reset and only the measured runs are counted.
 *
 * `BENCH_STATEMENTS_SQL`: SQL run on the benchmark's database after the preload, before the ANALYZE
 * (to try a schema change, e.g. an index, against the same runs).
 *
 * Prints, per statement (the most costly first): calls, how many times it was planned, planning
 * and execution time per call, rows and WAL per call. A prepared statement planned at most of its
 * executions is flagged: PostgreSQL found its generic plan costlier than planning each time.
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/statements.ts`. Needs Debian's PostgreSQL
 * server programs (`/usr/lib/postgresql/<major>/bin`) with the `pg_stat_statements` module, and the
 * machine's Redis.
 */
import { Client as PgClient } from "pg";
import { PostgresServerProcess } from "../tests/support/postgres-server";
import { runBenchScript } from "./lib/script";
import { closedLoop } from "./lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner } from "./runners";

const RUNS = Number(process.env["BENCH_STATEMENTS_RUNS"] ?? 1000);
const STEPS = Number(process.env["BENCH_STATEMENTS_STEPS"] ?? 10);
const CONCURRENCY = Number(process.env["BENCH_STATEMENTS_CONCURRENCY"] ?? 1);
const PRELOAD = Number(process.env["BENCH_STATEMENTS_PRELOAD"] ?? 1000);
const MODE = process.env["BENCH_STATEMENTS_MODE"] === "parallel" ? "parallel" : "sequential";
/** Statements shown, the most costly (planning + execution) first. */
const TOP = 12;

interface StatementCost {
  readonly query: string;
  readonly calls: number;
  readonly plans: number;
  readonly plan_ms: number;
  readonly exec_ms: number;
  readonly rows: number;
  readonly wal_bytes: number;
}

/** The rows of `sql` (with `values`) on a connection of its own to `url`. */
async function query<T extends object>(url: string, sql: string, values: unknown[] = []): Promise<T[]> {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    return (await pg.query<T>(sql, values)).rows;
  } finally {
    await pg.end();
  }
}

/** The statements run on database `name`, from the view in the cluster's `postgres` database at `url`. */
function statementCosts(url: string, name: string): Promise<StatementCost[]> {
  return query<StatementCost>(
    url,
    `SELECT query, calls::int, plans::int, total_plan_time AS plan_ms, total_exec_time AS exec_ms,
            rows::int, wal_bytes::float8 AS wal_bytes
       FROM pg_stat_statements
      WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) AND calls > 0
      ORDER BY total_plan_time + total_exec_time DESC`,
    [name],
  );
}

function report(costs: readonly StatementCost[], runs: number): string {
  // every statement listed was called (calls > 0)
  const us = (ms: number, calls: number) => ((ms * 1000) / calls).toFixed(1);
  const lines = costs.slice(0, TOP).map((c) => {
    const text = c.query.replace(/\s+/g, " ").slice(0, 100);
    // past PostgreSQL's five custom plans per connection, a statement planned at most executions
    const replanned = c.calls >= 100 && c.plans > c.calls / 2 ? "  ← planned at most executions" : "";
    return (
      `${(c.calls / runs).toFixed(2).padStart(6)} calls/run ${String(c.plans).padStart(6)} plans ` +
      `plan ${us(c.plan_ms, c.calls).padStart(7)} µs  exec ${us(c.exec_ms, c.calls).padStart(8)} µs  ` +
      `rows ${(c.rows / c.calls).toFixed(1).padStart(5)}  WAL ${(c.wal_bytes / c.calls).toFixed(0).padStart(6)} B` +
      `${replanned}\n    ${text}`
    );
  });
  const total = costs.reduce((sum, c) => sum + c.plan_ms + c.exec_ms, 0);
  return `${lines.join("\n")}\nall statements: ${((total * 1000) / runs).toFixed(0)} µs of planning and execution per run\n`;
}

async function main(): Promise<void> {
  const server = await PostgresServerProcess.start({
    fsync: "on",
    shared_preload_libraries: "pg_stat_statements",
    "pg_stat_statements.track": "all",
    "pg_stat_statements.track_planning": "on",
  });
  try {
    await query(server.url(), "CREATE EXTENSION pg_stat_statements");
    // the services' databases (and their template) are made on this cluster
    process.env["TEST_DATABASE_URL"] = server.url();
    const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
    try {
      await createScriptMcp(p, "bench-statements");
      await defineWorkflow(p, "measured", noopSpec("bench-statements", STEPS, MODE));
      const [client] = p.executorClients;
      if (!client) throw new Error("no executor");
      const run = () => executeAndWait(client, "measured", "");
      await closedLoop(PRELOAD, 32, run);
      const trial = process.env["BENCH_STATEMENTS_SQL"];
      if (trial) await query(p.db.url, trial);
      await query(p.db.url, "ANALYZE workflow_runs; ANALYZE step_runs");
      await closedLoop(Math.min(300, RUNS), CONCURRENCY, run); // every connection past its custom plans
      await query(server.url(), "SELECT pg_stat_statements_reset()");
      const load = await closedLoop(RUNS, CONCURRENCY, run);
      const costs = await statementCosts(server.url(), p.db.name);
      process.stdout.write(
        `${RUNS} ${STEPS}-step ${MODE} runs at c=${CONCURRENCY} after ${PRELOAD} others (${load.perSecond.toFixed(0)} runs/s), ` +
          `per statement (background polls included):\n${report(costs, RUNS)}`,
      );
    } finally {
      await p.stop();
    }
  } finally {
    await server.destroy();
  }
}

runBenchScript("statements", main);
