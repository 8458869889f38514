/**
 * Where the wall time of one run goes: a sequential noop workflow of `BENCH_TIMELINE_STEPS` steps
 * (default 1) started and awaited through gRPC (ExecuteWorkflow(wait)) at concurrency 1, in this one
 * process, `BENCH_TIMELINE_RUNS` times (default 300) after a warm-up. Every PostgreSQL statement and
 * Redis command the run sends is timed from the call's start (sent → answered), and the timeline
 * printed is the median of each of them over the runs that sent the most common sequence. What lies
 * between them, before the first and after the last, is this process's own work (the gRPC client and
 * server, the request gate and interceptors, the engine) and the scheduling of a shared 2-core machine.
 * Background statements (the claim and failover polls) are left out.
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/run-timeline.ts` (the services' Node flags).
 */
import { Redis } from "ioredis";
import { Pool } from "pg";
import { closedLoop } from "./lib/stats";
import { runBenchScript } from "./lib/script";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner } from "./runners";

const RUNS = Number(process.env["BENCH_TIMELINE_RUNS"] ?? 300);
const STEPS = Number(process.env["BENCH_TIMELINE_STEPS"] ?? 1);

/** One round trip of a run: what it was, sent and answered (ms from the call's start). */
interface Trip {
  readonly what: string;
  readonly sent: number;
  answered: number;
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

async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
  timeRoundTrips();
  try {
    await createScriptMcp(p, "bench-timeline");
    await defineWorkflow(p, "timeline", noopSpec("bench-timeline", STEPS, "sequential"));
    const [client] = p.executorClients;
    if (!client) throw new Error("no executor");
    await closedLoop(500, 1, () => executeAndWait(client, "timeline"));
    const runs: { trips: Trip[]; answered: number }[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      recording.trips = [];
      recording.t0 = performance.now();
      recording.on = true;
      await executeAndWait(client, "timeline");
      const answered = now();
      recording.on = false;
      // the fire-and-forget ones (event publishes, the lock's release) are answered soon after
      await new Promise((resolve) => setTimeout(resolve, 20));
      runs.push({ trips: recording.trips, answered });
    }
    // the most common sequence of round trips (order as sent)
    const sequenceOf = (trips: Trip[]) => trips.map((t) => t.what).join(" | ");
    const counts = new Map<string, number>();
    for (const run of runs) counts.set(sequenceOf(run.trips), (counts.get(sequenceOf(run.trips)) ?? 0) + 1);
    const [common, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["", 0];
    const same = runs.filter((run) => sequenceOf(run.trips) === common);
    const lines = common.split(" | ").map((what, i) => {
      const sent = median(same.map((run) => run.trips[i]?.sent ?? Number.NaN));
      const answered = median(same.map((run) => run.trips[i]?.answered ?? Number.NaN));
      return `${sent.toFixed(2).padStart(7)} → ${answered.toFixed(2).padStart(7)} ms  (${(answered - sent).toFixed(2)} ms)  ${what}`;
    });
    process.stdout.write(
      `${STEPS}-step runs at c=1, ${RUNS} measured; ${n} sent the most common sequence of round trips.\n` +
        `Median of each, in ms from the call's start (sent → answered):\n${lines.join("\n")}\n` +
        `${median(same.map((run) => run.answered))
          .toFixed(2)
          .padStart(7)} ms  the call answered\n`,
    );
  } finally {
    await p.stop();
  }
}

runBenchScript("run-timeline", main);
