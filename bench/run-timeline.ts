/**
 * Where the wall time of one run goes: a sequential workflow of `BENCH_TIMELINE_STEPS` steps
 * (default 1) started and awaited through gRPC (ExecuteWorkflow(wait)) at concurrency 1, in this one
 * process, `BENCH_TIMELINE_RUNS` times (default 300) after a warm-up. Its steps are noops, or with
 * `BENCH_TIMELINE_STEP_MS=<ms>` each sleeps that long (the `bench-sleep-<ms>` MCP: a chain of timed
 * steps, like the peers suite's 400 × 10 ms). Every PostgreSQL statement and Redis command the run
 * sends is timed from the call's start (sent → answered), so is each step (its runner called →
 * returned), and the server's writes of the response (headers, body, end) are marked. The timeline
 * printed is the median of each of them over the runs that sent the most common sequence. What lies
 * between them, before the first and after the last, is this process's own work (the gRPC client and
 * server, the request gate and interceptors, the engine) and the scheduling of a shared 2-core machine.
 * Background statements (the claim and failover polls) are left out.
 *
 * Calls are `BENCH_TIMELINE_GAP_MS` apart (default 20, so that the fire-and-forget commands of one
 * run are answered before the next; 0 = back to back, as the benchmark's closed loops call). After a
 * pause the machine is slower to answer anything (idle vCPUs), so with `BENCH_TIMELINE_BARE=1` a bare
 * Connect call (bench/suites/bare.ts: answered at once, no interceptors, no I/O) is timed the same
 * way after the runs, its handler and its response's writes marked, as the floor under the same gap.
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/run-timeline.ts` (the services' Node flags).
 */
import { Http2ServerResponse } from "node:http2";
import { Redis } from "ioredis";
import { Pool } from "pg";
import { closedLoop } from "./lib/stats";
import { runBenchScript } from "./lib/script";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner, type RunnerFor } from "./runners";
import { startBareServer } from "./suites/bare";

const RUNS = Number(process.env["BENCH_TIMELINE_RUNS"] ?? 300);
const STEPS = Number(process.env["BENCH_TIMELINE_STEPS"] ?? 1);
const STEP_MS = Number(process.env["BENCH_TIMELINE_STEP_MS"] ?? 0);
const GAP_MS = Number(process.env["BENCH_TIMELINE_GAP_MS"] ?? 20);
const BARE = process.env["BENCH_TIMELINE_BARE"] === "1";
/** The steps' MCP: a noop, or one that sleeps `STEP_MS` (bench/runners.ts). */
const MCP = STEP_MS > 0 ? `bench-sleep-${STEP_MS}` : "bench-timeline";

/** One round trip of a run: what it was, sent and answered (ms from the call's start). */
interface Trip {
  readonly what: string;
  readonly sent: number;
  answered: number;
  /** A moment, not a round trip (the server's writes of the response). */
  readonly moment?: true;
}

/** The run path's statements by what they do; null for the background's (polls), which are left out. */
function statementName(text: string): string | null {
  const names: [RegExp, string][] = [
    [/executor_sessions|^UPDATE workflow_runs r\b/, ""],
    [/INSERT INTO workflow_runs/, "PG create run and steps"],
    [/UPDATE workflow_runs SET event_seq/, "PG step write"],
    [/UPDATE workflow_runs SET status/, "PG run end (+ read back)"],
    [/INSERT INTO audit_events/, "PG audit row"],
  ];
  const found = names.find(([pattern]) => pattern.test(text));
  if (found) return found[1] === "" ? null : found[1];
  return `PG ${text.replace(/\s+/g, " ").slice(0, 40)}`;
}

const recording: { on: boolean; t0: number; trips: Trip[] } = { on: false, t0: 0, trips: [] };
const now = () => performance.now() - recording.t0;

/** A moment of the run (sent = answered), while recording. */
function mark(what: string): void {
  if (recording.on) recording.trips.push({ what, sent: now(), answered: now(), moment: true });
}

/** Marks the server's writes of a response: its headers, its body and its end. */
function markResponses(): void {
  const response = Http2ServerResponse.prototype as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;
  const names: [string, string][] = [
    ["writeHead", "response headers written"],
    ["write", "response body written"],
    ["end", "response ended"],
  ];
  for (const [method, what] of names) {
    const original = response[method];
    if (!original) continue;
    response[method] = function (this: unknown, ...args: unknown[]) {
      mark(what);
      return original.apply(this, args);
    };
  }
}

/** The benchmark's runner, each step's run timed (its runner called → returned). */
const timedRunner: RunnerFor = (mcp) => {
  const runner = benchRunner(mcp);
  return {
    run: async (ctx) => {
      const trip: Trip = { what: "step runs", sent: now(), answered: Number.NaN };
      if (recording.on) recording.trips.push(trip);
      try {
        return await runner.run(ctx);
      } finally {
        trip.answered = now();
      }
    },
  };
};

/** Times every statement sent through a pg pool and every ioredis command, while recording. */
function timeRoundTrips(): void {
  const pool = Pool.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const query = pool.query;
  pool.query = function (this: Pool, ...args: unknown[]) {
    const result = query.apply(this, args);
    const config = args[0] as { text?: string } | string;
    const what = recording.on
      ? statementName(typeof config === "string" ? config : (config.text ?? ""))
      : null;
    if (what !== null && result instanceof Promise) {
      const trip: Trip = { what, sent: now(), answered: Number.NaN };
      recording.trips.push(trip);
      void result.then(
        () => (trip.answered = now()),
        () => undefined,
      );
    }
    return result;
  };
  const redis = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const send = redis.sendCommand;
  redis.sendCommand = function (this: Redis, ...args: unknown[]) {
    const command = args[0] as { name: string; args: unknown[]; promise?: Promise<unknown> };
    if (recording.on) {
      // EVAL's first argument is the script; its key comes after the key count
      const arg = command.args[/^eval/i.test(command.name) ? 2 : 0];
      const key = (typeof arg === "string" ? arg : "").split(":")[0] ?? "";
      const trip: Trip = { what: `Redis ${command.name} ${key}`, sent: now(), answered: Number.NaN };
      recording.trips.push(trip);
      void command.promise?.then(
        () => (trip.answered = now()),
        () => undefined,
      );
    }
    return send.apply(this, args);
  };
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

/** What one measured call sent and when it was answered (ms from its start). */
interface Timed {
  readonly trips: Trip[];
  readonly answered: number;
}

/** `RUNS` calls of `call`, `GAP_MS` apart, each recorded. */
async function timeCalls(call: () => Promise<unknown>): Promise<Timed[]> {
  const runs: Timed[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    recording.trips = [];
    recording.t0 = performance.now();
    recording.on = true;
    await call();
    const answered = now();
    recording.on = false;
    // the fire-and-forget ones (event publishes, the lock's release) are answered soon after
    await new Promise((resolve) => setTimeout(resolve, GAP_MS));
    runs.push({ trips: recording.trips, answered });
  }
  return runs;
}

/** The median timeline of the calls that sent the most common sequence of round trips (order as sent). */
function timeline(title: string, runs: readonly Timed[]): string {
  const sequenceOf = (trips: Trip[]) => trips.map((t) => t.what).join(" | ");
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(sequenceOf(run.trips), (counts.get(sequenceOf(run.trips)) ?? 0) + 1);
  const [common, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
  const same = runs.filter((run) => sequenceOf(run.trips) === common);
  const lines =
    common === ""
      ? []
      : common.split(" | ").map((what, i) => {
          const sent = median(same.map((run) => run.trips[i]?.sent ?? Number.NaN));
          const answered = median(same.map((run) => run.trips[i]?.answered ?? Number.NaN));
          if (same[0]?.trips[i]?.moment) return `${sent.toFixed(2).padStart(7)} ms${" ".repeat(22)}${what}`;
          return `${sent.toFixed(2).padStart(7)} → ${answered.toFixed(2).padStart(7)} ms  (${(answered - sent).toFixed(2)} ms)  ${what}`;
        });
  return (
    `${title}, ${RUNS} measured ${GAP_MS} ms apart; ${n} sent the most common sequence of round trips.\n` +
    `Median of each, in ms from the call's start (sent → answered):\n${[...lines, ""].join("\n")}` +
    `${median(same.map((run) => run.answered))
      .toFixed(2)
      .padStart(7)} ms  the call answered\n`
  );
}

async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: timedRunner });
  timeRoundTrips();
  markResponses();
  const bare = BARE
    ? await startBareServer(() => {
        mark("bare handler called");
        return Promise.resolve();
      })
    : undefined;
  try {
    await createScriptMcp(p, MCP);
    await defineWorkflow(p, "timeline", noopSpec(MCP, STEPS, "sequential"));
    const [client] = p.executorClients;
    if (!client) throw new Error("no executor");
    // warm-up: 500 noop runs, or 50 of timed steps (enough to compile the path, not minutes of sleeps)
    await closedLoop(STEP_MS > 0 ? 50 : 500, 1, () => executeAndWait(client, "timeline"));
    const runs = await timeCalls(() => executeAndWait(client, "timeline"));
    process.stdout.write(
      timeline(`${STEPS}-step runs (${STEP_MS > 0 ? `steps of ${STEP_MS} ms` : "noop steps"}) at c=1`, runs),
    );
    if (bare) {
      const call = () => bare.client.getMcp({ mcp: { case: "name", value: "x" } });
      await closedLoop(500, 1, call);
      process.stdout.write(`\n${timeline("bare Connect calls at c=1", await timeCalls(call))}`);
    }
  } finally {
    await bare?.stop();
    await p.stop();
  }
}

runBenchScript("run-timeline", main);
