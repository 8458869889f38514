/**
 * CPU per ListRuns page, for profiling the list path: the four page shapes of the history suite
 * (newest, by workflow, by status FAILED, the next page by its token), 50 runs each, called through
 * gRPC in this one process (client and server, as in the bench), `BENCH_LIST_CALLS` calls per shape
 * (default 400) one at a time, after a warm-up. The database holds `BENCH_LIST_RUNS` finished runs
 * (default 20,000; loaded as the history suite loads them) plus 60 real ones. Prints this process's
 * CPU per call (user + system, `process.cpuUsage`: CPU time moves less than wall time when other
 * processes share the cores) and the wall p50 / p99 per shape, and the page's size on the wire.
 *
 * `npx tsx bench/cpu-per-list.ts`; `BENCH_CPU_PROFILE=<file>.cpuprofile` also writes a CPU profile of
 * the measured calls alone; `BENCH_LIST_VIEW=full` asks for the FULL view (inputs and outputs).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { toBinary } from "@bufbuild/protobuf";
import { ListRunsResponseSchema, RunStatus, RunView } from "@mcp/proto/executor";
import { loadHistory } from "./lib/history-load";
import { summarize, timed } from "./lib/stats";
import {
  createScriptMcp,
  defineWorkflow,
  executeAndWait,
  grpcClient,
  noopSpec,
  startBenchPlatform,
} from "./platform";
import { ExecutorService } from "@mcp/proto/executor";
import { benchRunner } from "./runners";

const RUNS = Number(process.env["BENCH_LIST_RUNS"] ?? 20_000);
const CALLS = Number(process.env["BENCH_LIST_CALLS"] ?? 400);
const PROFILE = process.env["BENCH_CPU_PROFILE"];
const VIEW = process.env["BENCH_LIST_VIEW"] === "full" ? RunView.FULL : RunView.UNSPECIFIED;
const PAGE = 50;

async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
  try {
    await createScriptMcp(p, "bench-list");
    await defineWorkflow(p, "three", noopSpec("bench-list", 3, "sequential"));
    const workflowId = (await p.workflowClient.getWorkflow({ workflow: { case: "name", value: "three" } }))
      .workflow!.id;
    if (RUNS > 0) await loadHistory(p.db.url, workflowId, RUNS);
    const [executor] = p.executorClients;
    if (!executor) throw new Error("no executor");
    for (let i = 0; i < 60; i++) await executeAndWait(executor, "three");
    const list = grpcClient(ExecutorService, p.executors[0]!.server.url);
    const second = (await list.listRuns({ pageSize: PAGE, view: VIEW })).nextPageToken;
    const shapes: Record<string, () => Promise<unknown>> = {
      newest: () => list.listRuns({ pageSize: PAGE, view: VIEW }),
      by_workflow: () => list.listRuns({ pageSize: PAGE, view: VIEW, filter: { workflow: "three" } }),
      failed: () => list.listRuns({ pageSize: PAGE, view: VIEW, filter: { statuses: [RunStatus.FAILED] } }),
      next_page: () => list.listRuns({ pageSize: PAGE, view: VIEW, pageToken: second }),
    };
    const page = await list.listRuns({ pageSize: PAGE, view: VIEW });
    process.stdout.write(
      `page of ${page.runs.length}: ${toBinary(ListRunsResponseSchema, page).byteLength} bytes uncompressed\n`,
    );
    for (const call of Object.values(shapes)) for (let i = 0; i < 50; i++) await call();

    const session = PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const before = process.cpuUsage();
    const started = performance.now();
    const lines: string[] = [];
    for (const [name, call] of Object.entries(shapes)) {
      const cpu = process.cpuUsage();
      const samples: number[] = [];
      for (let i = 0; i < CALLS; i++) samples.push(await timed(call));
      const used = process.cpuUsage(cpu);
      const s = summarize(samples);
      lines.push(
        `${name.padEnd(12)} CPU ${((used.user + used.system) / 1000 / CALLS).toFixed(2)} ms/call, ` +
          `wall p50 ${s.p50.toFixed(2)} / p99 ${s.p99.toFixed(2)} ms`,
      );
    }
    const used = process.cpuUsage(before);
    const wall = performance.now() - started;
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(PROFILE!, JSON.stringify(profile));
      session.disconnect();
    }
    process.stdout.write(
      `${lines.join("\n")}\nall: CPU ${((used.user + used.system) / 1000 / (4 * CALLS)).toFixed(2)} ms/call ` +
        `(${((100 * (used.user + used.system)) / 1000 / wall).toFixed(0)} % of wall), view ${RunView[VIEW]}\n`,
    );
  } finally {
    await p.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `cpu-per-list failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
