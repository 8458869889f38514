import { measureTracingCost } from "../lib/tracing-cost";
import { startOtlpSink } from "../lib/otlp-sink";
import { settings } from "../lib/settings";
import { round } from "../lib/stats";
import { createScriptMcp, defineWorkflow, noopSpec, type BenchPlatform } from "../platform";
import { ms, target, type SuiteResult } from "../report";

/**
 * What tracing costs per step: the per-step cost of a durable run (N-step vs 1-step chain of noop
 * steps, as in the per-step suite) with tracing off and with the OpenTelemetry SDK exporting every
 * span over OTLP/HTTP to a collector in another process, in alternating blocks on the same services
 * (the SDK is started and shut down around each traced block). Judged on this process's CPU per step
 * (the services run in it): tracing adds no wait to a step, only work on the event loop, so the CPU it
 * adds bounds the latency it adds, and CPU time is far steadier than a difference of p50s (whose
 * noise here is about ±0.2 ms; it is printed beside it).
 */
export async function tracingSuite(p: BenchPlatform): Promise<SuiteResult> {
  const { steps, rounds, perRound } = settings.tracing;
  await createScriptMcp(p, "bench-trace-noop");
  await defineWorkflow(p, "trace-chain-n", noopSpec("bench-trace-noop", steps, "sequential"));
  await defineWorkflow(p, "trace-chain-1", noopSpec("bench-trace-noop", 1, "sequential"));
  const executor = p.executorClients[0];
  if (!executor) throw new Error("the tracing suite needs an executor");
  const sink = await startOtlpSink();
  try {
    const cost = await measureTracingCost({
      executor,
      steps,
      rounds,
      perRound,
      env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "bench" },
    });
    const received = await sink.stop();
    const cpuOverhead = cost.cpuOverheadPerStep;
    const spread = cost.cpuOverheadPerRound;
    const latencyOverhead = round(cost.latencyPerStep.on - cost.latencyPerStep.off);
    const w = cost.workflow;
    const load = cost.load.map((l) => l.toFixed(1)).join(" → ");
    return {
      rows: [
        {
          figure: `tracing overhead per step, Node CPU (${steps}-step vs 1-step chain, OTLP collector running)`,
          ours: ms(cpuOverhead),
          peer: `CPU per step: traced ${ms(cost.cpuPerStep.on)}, off ${ms(cost.cpuPerStep.off)}; rounds ${ms(Math.min(...spread))} to ${ms(Math.max(...spread))}`,
          ratio: cost.cpuPerStep.off > 0 ? round(cost.cpuPerStep.on / cost.cpuPerStep.off) : Number.NaN,
          target: target("≤ 0.3 ms", cpuOverhead, 0.3, "ms", "max"),
        },
        {
          figure: `tracing overhead per step, latency (p50 differences; noise about ±0.2 ms)`,
          ours: ms(latencyOverhead),
          peer: `per step: traced ${ms(cost.latencyPerStep.on)}, off ${ms(cost.latencyPerStep.off)}`,
          ratio:
            cost.latencyPerStep.off > 0
              ? round(cost.latencyPerStep.on / cost.latencyPerStep.off)
              : Number.NaN,
        },
        {
          figure: `${steps}-step workflow p50, traced / off (n=${rounds * perRound}, load ${load})`,
          ours: `${ms(w.onN.p50)} / ${ms(w.offN.p50)}`,
          peer: `spans exported: ${received.requests} requests, ${Math.round(received.bytes / 1024)} KiB`,
          ratio: round(w.onN.p50 / w.offN.p50),
        },
      ],
      json: {
        overhead_per_step_ms: cpuOverhead,
        cpu_per_step_ms: cost.cpuPerStep,
        cpu_overhead_per_round_ms: spread,
        latency_overhead_per_step_ms: latencyOverhead,
        per_step_ms: cost.latencyPerStep,
        cpu_per_one_step_run_ms: cost.cpuPerRun,
        workflow_ms: w,
        load: cost.load,
        exported: received,
        iterations: { steps, rounds, perRound },
      },
    };
  } finally {
    await sink.stop().catch(() => undefined);
  }
}
