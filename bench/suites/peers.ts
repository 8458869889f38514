import { cpuSpent, perUnit, type CpuSpent } from "../lib/cpu";
import { settings } from "../lib/settings";
import { closedLoop, round, summarize } from "../lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, type BenchClients } from "../platform";
import { ms, perS, target, type SuiteResult } from "../report";

const percent = (share: number) => `${(share * 100).toFixed(0)} %`;

/** What Windmill's harness published for the same shapes (ms, ms per step, seconds). */
const PUBLISHED = {
  threeStep: { Temporal: [119, 40], Windmill: [103, 34], Restate: [4.1, 1.4] },
  long: { Windmill: 19.7, Hatchet: 35.8, Temporal: 39.0 },
} as const;

/**
 * The published-peer shapes: a 3-step workflow of trivial steps, start-and-await over gRPC in batches
 * of 200 at once; and one workflow of 400 sequential steps of ~10 ms each. The batches' CPU per run
 * (this process's and the whole machine's) and how busy the machine's cores were during them say
 * whether the rate is bound by CPU: by this process's one main thread when it is busy nearly all the
 * time, by the cores when they are (then runs/s ≈ cores / machine CPU per run).
 */
export async function peersSuite(p: BenchClients): Promise<SuiteResult> {
  const { batches, batchSize, longSteps, stepMs } = settings.peers;
  await createScriptMcp(p, "bench-trivial");
  await createScriptMcp(p, `bench-sleep-${stepMs}`);
  await defineWorkflow(p, "three-step", noopSpec("bench-trivial", 3, "sequential"));
  await defineWorkflow(p, "long", noopSpec(`bench-sleep-${stepMs}`, longSteps, "sequential"));
  const executor = p.executorClients[0];
  if (!executor) throw new Error("no executor");

  await closedLoop(50, 8, () => executeAndWait(executor, "three-step"));
  const latencies: number[] = [];
  const rates: number[] = [];
  const spans: CpuSpent[] = [];
  for (let b = 0; b < batches; b++) {
    const { result: batch, cpu } = await cpuSpent(() =>
      closedLoop(batchSize, batchSize, () => executeAndWait(executor, "three-step")),
    );
    latencies.push(...batch.latencies);
    rates.push(batch.perSecond);
    spans.push(cpu);
  }
  const threeCpu = perUnit(spans, batches * batchSize);
  const three = summarize(latencies);
  const rate = round(rates.reduce((a, b) => a + b, 0) / rates.length, 1);
  // one at a time too: the latency a lone request sees, unqueued
  const lone = summarize(
    (await closedLoop(batchSize, 1, () => executeAndWait(executor, "three-step"))).latencies,
  );

  const longStart = performance.now();
  await executeAndWait(executor, "long");
  const longS = round((performance.now() - longStart) / 1000, 2);
  const overheadPerStep = round((longS * 1000) / longSteps - stepMs);
  // issue 18: wall over the steps' own time (400 × 10 ms = 4 s)
  const wallRatio = round((longS * 1000) / (longSteps * stepMs));

  const peers3 = Object.entries(PUBLISHED.threeStep)
    .map(([k, [p50, step]]) => `${k} ${p50} ms (${step}/step)`)
    .join(", ");
  const peersLong = Object.entries(PUBLISHED.long)
    .map(([k, s]) => `${k} ${s} s`)
    .join(", ");
  return {
    rows: [
      {
        figure: `3-step p50 / p95, batches of ${batchSize} (n=${three.n})`,
        ours: `${ms(three.p50)} / ${ms(three.p95)} (${ms(three.p50 / 3)}/step)`,
        peer: peers3,
        target: target("p50 ≤ 10 ms", three.p50, 10, "ms", "max"),
      },
      {
        figure: "3-step p50 / p95, one at a time",
        ours: `${ms(lone.p50)} / ${ms(lone.p95)}`,
        target: target("p50 ≤ 10 ms", lone.p50, 10, "ms", "max"),
      },
      {
        figure: `3-step workflows/s, batches of ${batchSize}`,
        ours: perS(rate),
        target: target("≥ 1,000/s", rate, 1000, "/s", "min"),
      },
      {
        figure: "CPU per 3-step run in the batches: this process / the machine (busy: main thread, cores)",
        ours:
          `${ms(threeCpu.process_ms)} / ${ms(threeCpu.machine_ms ?? Number.NaN)}` +
          ` (${percent(threeCpu.main_thread_busy)}, ${threeCpu.machine_busy === undefined ? "n/a" : percent(threeCpu.machine_busy)})`,
      },
      {
        figure: `${longSteps} sequential × ${stepMs} ms steps, wall`,
        ours: `${longS.toFixed(2)} s (+${ms(overheadPerStep)}/step, ×${wallRatio.toFixed(2)} the steps' own time)`,
        peer: peersLong,
        target: target("≤ ×1.15 the steps' own time", wallRatio, 1.15, "×", "max"),
      },
    ],
    json: {
      three_step: {
        batch_size: batchSize,
        batches,
        ms: three,
        workflows_per_s: rate,
        cpu_per_run_ms: threeCpu,
        one_at_a_time_ms: lone,
      },
      long_sequential: {
        steps: longSteps,
        step_ms: stepMs,
        wall_s: longS,
        overhead_ms_per_step: overheadPerStep,
        wall_ratio: wallRatio,
      },
      published: PUBLISHED,
    },
  };
}
