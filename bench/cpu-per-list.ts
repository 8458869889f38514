/**
 * CPU per ListRuns page, for profiling the list path: the four page shapes of the history suite
 * (newest, by workflow, by status FAILED, the next page by its token), 50 runs each, called through
 * gRPC in this one process (client and server, as in the bench), `BENCH_LIST_CALLS` calls per shape
 * (default 400) one at a time, after a warm-up. The database holds `BENCH_LIST_RUNS` finished runs
 * (default 20,000; loaded as the history suite loads them) plus 60 real ones; `BENCH_LIST_PAGE` sets the
 * page size (default 50). Prints this process's CPU per call (user + system, `process.cpuUsage`: CPU
 * time moves less than wall time when other processes share the cores; the process's background rate,
 * measured over 3 idle seconds, taken out) and the wall p50 / p99 per shape, and the page's size.
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/cpu-per-list.ts` (the services' Node flags);
 * `BENCH_CPU_PROFILE=<file>.cpuprofile` also writes a CPU profile of the measured calls alone;
 * `BENCH_LIST_VIEW=full` asks for the FULL view (inputs and outputs).
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { toBinary } from "@bufbuild/protobuf";
import { ListRunsResponseSchema, RunStatus, RunView } from "@mcp/proto/executor";
import { loadHistory } from "./lib/history-load";
import { cpuSpent } from "./lib/cpu";
import { summarize, timed } from "./lib/stats";
import {
  createScriptMcp,
  defineWorkflow,
  executeAndWait,
  grpcClient,
  noopSpec,
  startBenchPlatform,
} from "./platform";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService } from "@mcp/proto/executor";
import { health as grpcHealth } from "@mcp/proto/grpc";
import { benchRunner } from "./runners";
import { runBenchScript } from "./lib/script";

const RUNS = Number(process.env["BENCH_LIST_RUNS"] ?? 20_000);
const CALLS = Number(process.env["BENCH_LIST_CALLS"] ?? 400);
const PROFILE = process.env["BENCH_CPU_PROFILE"];
const VIEW = process.env["BENCH_LIST_VIEW"] === "full" ? RunView.FULL : RunView.UNSPECIFIED;
const PAGE = Number(process.env["BENCH_LIST_PAGE"] ?? 50);

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
    const health = createClient(
      grpcHealth.Health,
      createGrpcTransport({ baseUrl: p.executors[0]!.server.url }),
    );
    const shapes: Record<string, () => Promise<unknown>> = {
      // the floor: the cheapest RPC through the same server and client (no database, a tiny answer)
      health_check: () => health.check({}),
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

    // the process's own background (claim and failover polls, health checks, timers), taken out below
    const idle = await cpuSpent(() => new Promise((resolve) => setTimeout(resolve, 3_000)));
    const idlePerMs = idle.cpu.processMs / idle.cpu.wallMs;
    const session = PROFILE ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post("Profiler.enable");
      await session.post("Profiler.start");
    }
    const lines: string[] = [];
    const { cpu: all } = await cpuSpent(async () => {
      for (const [name, call] of Object.entries(shapes)) {
        const { result: samples, cpu } = await cpuSpent(async () => {
          const out: number[] = [];
          for (let i = 0; i < CALLS; i++) out.push(await timed(call));
          return out;
        });
        const callsMs = cpu.processMs - idlePerMs * cpu.wallMs;
        const s = summarize(samples);
        lines.push(
          `${name.padEnd(12)} CPU ${(callsMs / CALLS).toFixed(2)} ms/call, ` +
            `wall p50 ${s.p50.toFixed(2)} / p99 ${s.p99.toFixed(2)} ms`,
        );
      }
    });
    if (session) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(PROFILE!, JSON.stringify(profile));
      session.disconnect();
    }
    process.stdout.write(
      `${lines.join("\n")}\nall: CPU ${((all.processMs - idlePerMs * all.wallMs) / (Object.keys(shapes).length * CALLS)).toFixed(2)} ms/call ` +
        `(${((100 * all.processMs) / all.wallMs).toFixed(0)} % of wall; background ` +
        `${(idlePerMs * 100).toFixed(1)} % of a core, taken out), view ${RunView[VIEW]}\n`,
    );
  } finally {
    await p.stop();
  }
}

runBenchScript("cpu-per-list", main);
