import { startTracing } from "@mcp/runtime";
import { startOtlpSink } from "../lib/otlp-sink";
import { settings } from "../lib/settings";
import { interleave, round, summarize, timed } from "../lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, type BenchPlatform } from "../platform";
import { ms, target, type SuiteResult } from "../report";

/**
 * What tracing costs per step: the per-step overhead of a durable run (N-step chain vs 1-step chain
 * of noop steps, as in the per-step suite) with tracing off and with the OpenTelemetry SDK exporting
 * every span over OTLP/HTTP to a collector in another process, in alternating rounds on the same
 * services (the SDK is started and shut down around each traced block).
 */
export async function tracingSuite(p: BenchPlatform): Promise<SuiteResult> {
  const { steps: n, rounds, perRound } = settings.tracing;
  await createScriptMcp(p, "bench-trace-noop");
  await defineWorkflow(p, "trace-chain-n", noopSpec("bench-trace-noop", n, "sequential"));
  await defineWorkflow(p, "trace-chain-1", noopSpec("bench-trace-noop", 1, "sequential"));
  const executor = p.executorClients[0];
  if (!executor) throw new Error("the tracing suite needs an executor");
  const sink = await startOtlpSink();
  const env = { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_SERVICE_NAME: "bench" };
  try {
    const block = (wf: string) => async () => {
      const out: number[] = [];
      for (let i = 0; i < perRound; i++) out.push(await timed(() => executeAndWait(executor, wf)));
      return out;
    };
    const traced = (wf: string) => async () => {
      const tracing = await startTracing("bench", env);
      try {
        return await block(wf)();
      } finally {
        await tracing.shutdown();
      }
    };
    for (let i = 0; i < 5; i++) await executeAndWait(executor, "trace-chain-n"); // warm-up
    await traced("trace-chain-n")();
    const lat = await interleave(rounds, {
      offN: block("trace-chain-n"),
      off1: block("trace-chain-1"),
      onN: traced("trace-chain-n"),
      on1: traced("trace-chain-1"),
    });
    const s = {
      offN: summarize(lat.offN),
      off1: summarize(lat.off1),
      onN: summarize(lat.onN),
      on1: summarize(lat.on1),
    };
    const perStepOff = round((s.offN.p50 - s.off1.p50) / (n - 1));
    const perStepOn = round((s.onN.p50 - s.on1.p50) / (n - 1));
    const overhead = round(perStepOn - perStepOff);
    const received = await sink.stop();
    return {
      rows: [
        {
          figure: `tracing overhead per step (${n}-step vs 1-step chain, OTLP collector running)`,
          ours: ms(overhead),
          peer: `per step: traced ${ms(perStepOn)}, off ${ms(perStepOff)}`,
          ratio: perStepOff > 0 ? round(perStepOn / perStepOff) : Number.NaN,
          target: target("≤ 0.3 ms", overhead, 0.3, "ms", "max"),
        },
        {
          figure: `${n}-step workflow p50, traced / off (n=${rounds * perRound})`,
          ours: `${ms(s.onN.p50)} / ${ms(s.offN.p50)}`,
          peer: `spans exported: ${received.requests} requests, ${Math.round(received.bytes / 1024)} KiB`,
          ratio: round(s.onN.p50 / s.offN.p50),
        },
      ],
      json: {
        overhead_per_step_ms: overhead,
        per_step_ms: { traced: perStepOn, off: perStepOff },
        workflow_ms: s,
        exported: received,
        iterations: { steps: n, rounds, perRound },
      },
    };
  } finally {
    await sink.stop().catch(() => undefined);
  }
}
