import { loadavg } from "node:os";
import type { Client } from "@connectrpc/connect";
import type { ExecutorService } from "@mcp/proto/executor";
import { startTracing } from "@mcp/runtime";
import { executeAndWait } from "../platform";
import { cpuSpent } from "./cpu";
import { profiled } from "./profile";
import { interleave, round, summarize, timed, type Summary } from "./stats";

/** Off and traced side by side. */
export interface OffOn {
  readonly off: number;
  readonly on: number;
}

export interface TracingCost {
  /**
   * Node CPU per step (ms): the N-step chain's CPU per run minus the 1-step chain's, over N − 1; the
   * median of the rounds' figures (a round whose blocks another process's burst slowed is an outlier).
   */
  readonly cpuPerStep: OffOn;
  /** What tracing adds to a step's Node CPU (ms): the median of the rounds' traced-minus-off figures. */
  readonly cpuOverheadPerStep: number;
  /** Each round's traced-minus-off CPU per step (ms), in round order: the spread of the figure. */
  readonly cpuOverheadPerRound: readonly number[];
  /** Latency per step (ms): the N-step chain's p50 minus the 1-step chain's, over N − 1. */
  readonly latencyPerStep: OffOn;
  /** Node CPU per 1-step run (ms): what a run with one step costs, RPC spans included. */
  readonly cpuPerRun: OffOn;
  /** Every block's run latencies, summarised (ms). */
  readonly workflow: Record<"offN" | "off1" | "onN" | "on1", Summary>;
  /** The 1-minute load average at the start and at the end. */
  readonly load: readonly [number, number];
}

/**
 * What tracing costs per step: `workflows` "trace-chain-n" (`steps` noop steps in a chain) and
 * "trace-chain-1" (one), each started and awaited through `executor` one at a time, in alternating
 * blocks of `perRound` runs with tracing off and with the OpenTelemetry SDK started from `env` (an
 * OTLP endpoint) around each traced block, its shutdown (the last export) inside the block. Both the
 * latency and this process's CPU time (user + system) are taken per block, so the services must run
 * in this process for the CPU figures to mean anything. What a run costs apart from its steps (and the
 * SDK's start and shutdown) cancels out in the N-step minus 1-step difference.
 */
export async function measureTracingCost(options: {
  executor: Client<typeof ExecutorService>;
  steps: number;
  rounds: number;
  perRound: number;
  env: NodeJS.ProcessEnv;
  /** Writes a V8 CPU profile of one extra traced N-step block here. */
  profile?: string;
}): Promise<TracingCost> {
  const { executor, steps, rounds, perRound, env } = options;
  const cpuMs: Record<"offN" | "off1" | "onN" | "on1", number[]> = { offN: [], off1: [], onN: [], on1: [] };
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
  const withCpu = (side: keyof typeof cpuMs, fn: () => Promise<number[]>) => async () => {
    const { result, cpu } = await cpuSpent(fn);
    cpuMs[side].push(cpu.processMs / perRound);
    return result;
  };
  const load: [number, number] = [loadavg()[0] ?? 0, 0];
  for (let i = 0; i < 5; i++) await executeAndWait(executor, "trace-chain-n"); // warm-up
  await traced("trace-chain-n")();
  const lat = await interleave(rounds, {
    offN: withCpu("offN", block("trace-chain-n")),
    off1: withCpu("off1", block("trace-chain-1")),
    onN: withCpu("onN", traced("trace-chain-n")),
    on1: withCpu("on1", traced("trace-chain-1")),
  });
  load[1] = loadavg()[0] ?? 0;
  if (options.profile) await profiled(options.profile, traced("trace-chain-n"));
  const workflow = {
    offN: summarize(lat.offN),
    off1: summarize(lat.off1),
    onN: summarize(lat.onN),
    on1: summarize(lat.on1),
  };
  const perStep = (n: number, one: number) => round((n - one) / (steps - 1));
  const byRound = (n: number[], one: number[]) => n.map((x, r) => perStep(x, one[r] ?? Number.NaN));
  const offPerRound = byRound(cpuMs.offN, cpuMs.off1);
  const onPerRound = byRound(cpuMs.onN, cpuMs.on1);
  const overheadPerRound = onPerRound.map((on, r) => round(on - (offPerRound[r] ?? Number.NaN)));
  return {
    cpuPerStep: { off: median(offPerRound), on: median(onPerRound) },
    cpuOverheadPerStep: median(overheadPerRound),
    cpuOverheadPerRound: overheadPerRound,
    latencyPerStep: {
      off: perStep(workflow.offN.p50, workflow.off1.p50),
      on: perStep(workflow.onN.p50, workflow.on1.p50),
    },
    cpuPerRun: { off: median(cpuMs.off1), on: median(cpuMs.on1) },
    workflow,
    load,
  };
}

const median = (xs: readonly number[]): number => round(summarize(xs).p50);
