import { createTestDatabase } from "@mcp/db/testing";
import { Client } from "pg";
import { closedLoop, summarize, timed } from "../lib/stats";
import { settings } from "../lib/settings";
import { ms, perS, type SuiteResult } from "../report";
import { startBareServer } from "./bare";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The floor (one PostgreSQL insert + commit) and the ceiling (a bare Connect unary handler); and the
 * floor of a chain of 10 ms steps: 400 sequential `setTimeout(10)` alone, and one insert + commit
 * made after 10 ms idle (what each step of such a chain must at least pay: its timer and its write).
 */
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
    const timerStart = performance.now();
    for (let i = 0; i < 400; i++) await sleep(10);
    const timerRatio = (performance.now() - timerStart) / 4000;
    const idleCommitMs: number[] = [];
    for (let i = 0; i < 200; i++) {
      await sleep(10);
      idleCommitMs.push(await timed(() => pg.query("INSERT INTO commit_probe (v) VALUES ($1)", ["x"])));
    }
    const idleCommit = summarize(idleCommitMs);
    // a 10 ms step's least cost: its timer's share of the 400 and one commit after idle
    const chainFloor = timerRatio + idleCommit.p50 / 10;
    const commit = summarize(commitMs);
    const bareLatency = summarize(latency.latencies);
    return {
      rows: [
        {
          figure: `PostgreSQL insert+commit p50 / p99 (n=${commits})`,
          ours: `${ms(commit.p50)} / ${ms(commit.p99)}`,
        },
        {
          figure: "PostgreSQL insert+commit after 10 ms idle p50 / p99 (n=200)",
          ours: `${ms(idleCommit.p50)} / ${ms(idleCommit.p99)}`,
        },
        {
          figure: "400 sequential setTimeout(10), wall / 4 s; + one such commit per step",
          ours: `×${timerRatio.toFixed(3)}; ×${chainFloor.toFixed(3)}`,
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
        pg_commit_after_idle_ms: idleCommit,
        timers_400x10_ratio: Math.round(timerRatio * 1000) / 1000,
        chain_400x10_floor_ratio: Math.round(chainFloor * 1000) / 1000,
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
