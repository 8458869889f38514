import { createTestDatabase } from "@mcp/db/testing";
import { Client } from "pg";
import { closedLoop, summarize, timed } from "../lib/stats";
import { settings } from "../lib/settings";
import { ms, perS, type SuiteResult } from "../report";
import { startBareServer } from "./bare";

/** The floor (one PostgreSQL insert + commit) and the ceiling (a bare Connect unary handler). */
export async function floorAndCeiling(): Promise<SuiteResult> {
  const { commits, bareCalls, bareConcurrency } = settings.floor;
  const db = await createTestDatabase("mcp_bench_floor");
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const bare = await startBareServer();
  try {
    await pg.query("CREATE TABLE commit_probe (id bigserial PRIMARY KEY, v text NOT NULL)");
    const commitMs: number[] = [];
    for (let i = 0; i < commits; i++) {
      commitMs.push(await timed(() => pg.query("INSERT INTO commit_probe (v) VALUES ($1)", ["x"])));
    }
    const call = () => bare.client.getMcp({ mcp: { case: "name", value: "x" } });
    for (let i = 0; i < 200; i++) await call(); // warm up the connection and the JIT
    const latency = await closedLoop(bareCalls, 1, call);
    const load = await closedLoop(bareCalls, bareConcurrency, call);
    const commit = summarize(commitMs);
    const bareLatency = summarize(latency.latencies);
    return {
      rows: [
        {
          figure: `PostgreSQL insert+commit p50 / p99 (n=${commits})`,
          ours: `${ms(commit.p50)} / ${ms(commit.p99)}`,
        },
        {
          figure: `bare Connect unary p50 / p99, c=1 (n=${bareCalls})`,
          ours: `${ms(bareLatency.p50)} / ${ms(bareLatency.p99)}`,
        },
        {
          figure: `bare Connect unary calls/s, c=1 / c=${bareConcurrency}`,
          ours: `${perS(latency.perSecond)} / ${perS(load.perSecond)}`,
        },
      ],
      json: {
        pg_commit_ms: commit,
        bare_unary_ms: bareLatency,
        bare_unary_calls_per_s: { c1: latency.perSecond, [`c${bareConcurrency}`]: load.perSecond },
      },
    };
  } finally {
    await bare.stop();
    await pg.end();
    await db.drop();
  }
}
