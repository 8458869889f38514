/**
 * What tracing costs per step in CPU, for profiling it: 10-step and 1-step sequential noop chains
 * started and awaited through gRPC in this one process (c=1), in alternating blocks with tracing off
 * and on (the OpenTelemetry SDK exporting every span over OTLP/HTTP to a collector in another
 * process). Prints the Node CPU per step with tracing off and on (the 10-step chain's CPU per run
 * minus the 1-step chain's, over 9 steps, so what a run costs apart from its steps cancels out) and
 * the difference. CPU time moves much less than wall time when other processes share the cores.
 *
 * `NODE_OPTIONS=--max-semi-space-size=64 npx tsx bench/cpu-per-traced-step.ts` (the services' Node
 * flags); `BENCH_TRACE_RUNS` runs per block (default 100), `BENCH_TRACE_ROUNDS` rounds of the four
 * blocks (default 6); `BENCH_CPU_PROFILE=<file>.cpuprofile` also writes a CPU profile of the traced
 * 10-step blocks alone.
 */
import { measureTracingCost } from "./lib/tracing-cost";
import { startOtlpSink } from "./lib/otlp-sink";
import { createScriptMcp, defineWorkflow, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner } from "./runners";
import { runBenchScript } from "./lib/script";

const RUNS = Number(process.env["BENCH_TRACE_RUNS"] ?? 100);
const ROUNDS = Number(process.env["BENCH_TRACE_ROUNDS"] ?? 6);
const STEPS = 10;

async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
  const sink = await startOtlpSink();
  try {
    await createScriptMcp(p, "bench-trace-noop");
    await defineWorkflow(p, "trace-chain-n", noopSpec("bench-trace-noop", STEPS, "sequential"));
    await defineWorkflow(p, "trace-chain-1", noopSpec("bench-trace-noop", 1, "sequential"));
    const [executor] = p.executorClients;
    if (!executor) throw new Error("no executor");
    const cost = await measureTracingCost({
      executor,
      steps: STEPS,
      rounds: ROUNDS,
      perRound: RUNS,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "bench" },
      ...(process.env["BENCH_CPU_PROFILE"] ? { profile: process.env["BENCH_CPU_PROFILE"] } : {}),
    });
    const received = await sink.stop();
    const f = (x: number) => x.toFixed(3);
    process.stdout.write(
      `${ROUNDS} rounds × ${RUNS} runs per block (c=1), load average ${cost.load.map((l) => l.toFixed(1)).join(" → ")}\n` +
        `node CPU per step: off ${f(cost.cpuPerStep.off)} ms, traced ${f(cost.cpuPerStep.on)} ms, ` +
        `overhead ${f(cost.cpuOverheadPerStep)} ms (median of rounds: ${cost.cpuOverheadPerRound.map(f).join(", ")})\n` +
        `latency per step (p50 differences): off ${f(cost.latencyPerStep.off)} ms, traced ${f(cost.latencyPerStep.on)} ms, ` +
        `overhead ${f(cost.latencyPerStep.on - cost.latencyPerStep.off)} ms\n` +
        `node CPU per 1-step run: off ${f(cost.cpuPerRun.off)} ms, traced ${f(cost.cpuPerRun.on)} ms\n` +
        `spans exported: ${received.requests} requests, ${Math.round(received.bytes / 1024)} KiB\n`,
    );
  } finally {
    await sink.stop();
    await p.stop();
  }
}

runBenchScript("cpu-per-traced-step", main);
