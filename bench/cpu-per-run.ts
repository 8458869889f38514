/**
 * CPU per run, for profiling the run path: a sequential noop workflow of `BENCH_CPU_STEPS` steps (default 3)
 * started and awaited
 * through gRPC (ExecuteWorkflow(wait)) in this one process, `BENCH_CPU_RUNS` runs (default 1000) at
 * concurrency `BENCH_CPU_CONCURRENCY` (default 1), after a warm-up. Prints this process's CPU per
 * run (user + system, `process.cpuUsage`; CPU time moves less than wall time when other processes
 * share the cores) and the PostgreSQL statements and Redis commands sent per run (background polls
 * included: the claim poll, the failover poll, health checks), and the CPU the PostgreSQL backends
 * serving this benchmark's database used per run (from /proc, so only with PostgreSQL on this
 * machine; other databases' backends, e.g. other test runs, are not counted).
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/cpu-per-run.ts` (the services' Node flags);
 * `BENCH_CPU_PROFILE=<file>.cpuprofile` also writes a CPU profile of the measured runs alone (not
 * start-up or warm-up), for Chrome DevTools or any .cpuprofile reader;
 * `BENCH_CPU_REQUEST_IDS=1` gives each run a new `request_id` (the idempotency lookup on the way);
 * `BENCH_CPU_ALLOCATIONS=<file>.heapprofile` writes a sampled profile of where those runs allocate
 * (with `BENCH_CPU_SURVIVORS=1`, only what outlived a young-generation collection).
 * The process's CPU is also split between its main thread and the others (V8's GC and compiler
 * workers, libuv's pool), read from /proc/self/task on Linux.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Redis } from "ioredis";
import { Client as PgClient } from "pg";
import { cpuSpent, statCpuMs } from "./lib/cpu";
import { allocationSampled, profiled } from "./lib/profile";
import { closedLoop } from "./lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner } from "./runners";
import { runBenchScript } from "./lib/script";

const RUNS = Number(process.env["BENCH_CPU_RUNS"] ?? 1000);
const CONCURRENCY = Number(process.env["BENCH_CPU_CONCURRENCY"] ?? 1);
const PROFILE = process.env["BENCH_CPU_PROFILE"];
const STEPS = Number(process.env["BENCH_CPU_STEPS"] ?? 3);
const ALLOCATIONS = process.env["BENCH_CPU_ALLOCATIONS"];
const SURVIVORS = process.env["BENCH_CPU_SURVIVORS"] === "1";
/** Each run with a new `request_id`, as the console, schedules and sub-workflows start theirs. */
const REQUEST_IDS = process.env["BENCH_CPU_REQUEST_IDS"] === "1";
const start = (client: Parameters<typeof executeAndWait>[0]) =>
  executeAndWait(client, "three", REQUEST_IDS ? randomUUID() : "");

/**
 * Counts the PostgreSQL statements and Redis commands this process sends (while `counting.on`), by
 * wrapping pg's `Client.query` and ioredis's `sendCommand`: the round trips behind a run.
 */
const counting = { on: false, statements: 0, commands: 0 };
function countRoundTrips(): void {
  const client = PgClient.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = client.query;
  client.query = function (this: PgClient, ...args: unknown[]) {
    if (counting.on) counting.statements += 1;
    return query.apply(this, args);
  };
  const proto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, ...args: unknown[]) {
    if (counting.on) counting.commands += 1;
    return send.apply(this, args);
  };
}

/** CPU seconds (user + system) used so far by each PostgreSQL backend of database `name` (but `pg`'s own). */
async function backendCpu(pg: PgClient, name: string): Promise<Map<number, number>> {
  const { rows } = await pg.query<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
    [name],
  );
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      cpu.set(pid, statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8")) / 1000);
    } catch {
      // not on this machine, or gone
    }
  }
  return cpu;
}

/** CPU seconds the backends used between two {@link backendCpu} readings (new backends counted whole). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
  countRoundTrips();
  try {
    await createScriptMcp(p, "bench-cpu");
    await defineWorkflow(p, "three", noopSpec("bench-cpu", STEPS, "sequential"));
    const [client] = p.executorClients;
    if (!client) throw new Error("no executor");
    await closedLoop(Math.max(300, RUNS / 4), CONCURRENCY, () => start(client));
    // the background's own rate (claim and failover polls, health checks), taken out of the runs' counts
    counting.on = true;
    const idleMs = 3_000;
    await new Promise((resolve) => setTimeout(resolve, idleMs));
    const idle = { statements: counting.statements / idleMs, commands: counting.commands / idleMs };
    Object.assign(counting, { statements: 0, commands: 0 });
    counting.on = false;
    const pg = new PgClient({ connectionString: p.db.url });
    await pg.connect();
    const pgBefore = await backendCpu(pg, p.db.name);
    counting.on = true;
    const runs = () => closedLoop(RUNS, CONCURRENCY, () => start(client));
    const { result: load, cpu } = await cpuSpent(() =>
      PROFILE
        ? profiled(PROFILE, runs)
        : ALLOCATIONS
          ? allocationSampled(ALLOCATIONS, runs, { survivors: SURVIVORS })
          : runs(),
    );
    counting.on = false;
    const pgSeconds = cpuBetween(pgBefore, await backendCpu(pg, p.db.name));
    await pg.end();
    const perRunMs = (s: number) => ((s * 1000) / RUNS).toFixed(3);
    const msPerRun = (ms: number | undefined) => (ms === undefined ? "n/a" : (ms / RUNS).toFixed(3));
    const perRun = (count: number, idlePerMs: number) =>
      ((count - idlePerMs * load.wallMs) / RUNS).toFixed(2);
    process.stdout.write(
      `${RUNS} ${STEPS}-step runs at c=${CONCURRENCY}: ${load.perSecond.toFixed(0)} runs/s\n` +
        `node CPU per run: ${msPerRun(cpu.processMs)} ms ` +
        `(user ${msPerRun(cpu.processUserMs)}, system ${msPerRun(cpu.processSystemMs)}; ` +
        `main thread ${msPerRun(cpu.mainThreadMs)}, other threads ${msPerRun(cpu.otherThreadsMs)}); ` +
        `PostgreSQL CPU per run (this database's backends): ${perRunMs(pgSeconds)} ms\n` +
        `per run: ${perRun(counting.statements, idle.statements)} PostgreSQL statements, ` +
        `${perRun(counting.commands, idle.commands)} Redis commands ` +
        `(background: ${(idle.statements * 1000).toFixed(1)} statements/s, ${(idle.commands * 1000).toFixed(1)} commands/s, taken out)\n`,
    );
  } finally {
    await p.stop();
  }
}

runBenchScript("cpu-per-run", main);
