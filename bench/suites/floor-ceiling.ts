import { createTestDatabase } from "@mcp/db/testing";
import { Client } from "pg";
import { cpuSpent, perUnit } from "../lib/cpu";
import { closedLoop, summarize, timed } from "../lib/stats";
import { settings } from "../lib/settings";
import { ms, perS, type SuiteResult } from "../report";
import { startBareServer } from "./bare";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The floor (one PostgreSQL insert + commit) and the ceiling (a bare Connect unary handler), with the
 * CPU a bare call costs; the floor of a chain of 10 ms steps: 400 sequential `setTimeout(10)` alone,
 * and one insert + commit made after 10 ms idle (what each step of such a chain must at least pay: its
 * timer and its write); and the floor of a 1-step workflow answered through gRPC: a bare Connect call
 * whose handler makes two one-row commits in sequence before it answers (a run's creation, which
 * carries the call's audit row since docs/adr/035, and its end, which carries its step since
 * docs/adr/031), with no engine, no Redis and nothing else.
 */
export async function floorAndCeiling(): Promise<SuiteResult> {
  const { commits, bareCalls, bareConcurrency } = settings.floor;
  const db = await createTestDatabase("mcp_bench_floor");
  const pg = new Client({ connectionString: db.url });
  const writer = new Client({ connectionString: db.url });
  const servers: { stop(): Promise<void> }[] = [];
  try {
    await pg.connect();
    await writer.connect();
    const bare = await startBareServer();
    servers.push(bare);
    const commit = () => writer.query("INSERT INTO commit_probe (v) VALUES ($1)", ["x"]);
    const writing = await startBareServer(async () => {
      await commit();
      await commit();
    });
    servers.push(writing);
    await pg.query("CREATE TABLE commit_probe (id bigserial PRIMARY KEY, v text NOT NULL)");
    const commitMs: number[] = [];
    for (let i = 0; i < commits; i++) {
      commitMs.push(await timed(() => pg.query("INSERT INTO commit_probe (v) VALUES ($1)", ["x"])));
    }
    const call = () => bare.client.getMcp({ mcp: { case: "name", value: "x" } });
    for (let i = 0; i < 200; i++) await call(); // warm up the connection and the JIT
    const { result: latency, cpu: bareCpu } = await cpuSpent(() => closedLoop(bareCalls, 1, call));
    const load = await closedLoop(bareCalls, bareConcurrency, call);
    const writingCall = () => writing.client.getMcp({ mcp: { case: "name", value: "x" } });
    for (let i = 0; i < 100; i++) await writingCall();
    const oneStepFloor = summarize((await closedLoop(Math.ceil(bareCalls / 3), 1, writingCall)).latencies);
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
    const commitLatency = summarize(commitMs);
    const bareLatency = summarize(latency.latencies);
    const bareCallCpu = perUnit([bareCpu], bareCalls);
    return {
      rows: [
        {
          figure: `PostgreSQL insert+commit p50 / p99 (n=${commits})`,
          ours: `${ms(commitLatency.p50)} / ${ms(commitLatency.p99)}`,
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
        {
          figure: "CPU per bare Connect call, c=1: this process / the machine",
          ours: `${ms(bareCallCpu.process_ms)} / ${ms(bareCallCpu.machine_ms ?? Number.NaN)}`,
        },
        {
          figure: "bare Connect call making 2 commits, p50 / p99, c=1 (1-step floor)",
          ours: `${ms(oneStepFloor.p50)} / ${ms(oneStepFloor.p99)}`,
        },
      ],
      json: {
        pg_commit_ms: commitLatency,
        pg_commit_after_idle_ms: idleCommit,
        timers_400x10_ratio: Math.round(timerRatio * 1000) / 1000,
        chain_400x10_floor_ratio: Math.round(chainFloor * 1000) / 1000,
        bare_unary_ms: bareLatency,
        bare_unary_calls_per_s: { c1: latency.perSecond, [`c${bareConcurrency}`]: load.perSecond },
        bare_unary_cpu_ms: bareCallCpu,
        one_step_floor_ms: oneStepFloor,
      },
    };
  } finally {
    for (const server of servers) await server.stop();
    await writer.end().catch(() => undefined);
    await pg.end().catch(() => undefined);
    await db.drop();
  }
}
