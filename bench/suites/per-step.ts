import { startDbosPeer } from "../dbos-peer";
import { cpuSpent, perUnit, type CpuPerUnit, type CpuSpent } from "../lib/cpu";
import { settings } from "../lib/settings";
import { closedLoop, interleave, ratio, round, summarize, timed } from "../lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, type BenchClients } from "../platform";
import { ms, perS, target, type SuiteResult } from "../report";

/**
 * Durable per-step overhead: an N-step chain of noop steps through our executor (ExecuteWorkflow with
 * wait, over gRPC) against the same chain in DBOS Transact (start + await, in process), both on this
 * PostgreSQL, interleaved. Per step = (p50 of N steps − p50 of 1 step) / (N − 1): the fixed cost of
 * starting and awaiting a run is taken out, what remains is what each further step costs.
 * The CPU each side's runs took (this process's, and the whole machine's: PostgreSQL, Redis and the
 * services' own processes too) is recorded beside the latencies: at c=1 a run's answer waits on its CPU.
 */
export async function perStepSuite(p: BenchClients): Promise<SuiteResult> {
  const { steps: n, rounds, perRound, loadRounds, loadRuns, concurrency } = settings.perStep;
  await createScriptMcp(p, "bench-noop");
  await defineWorkflow(p, "chain-n", noopSpec("bench-noop", n, "sequential"));
  await defineWorkflow(p, "chain-1", noopSpec("bench-noop", 1, "sequential"));
  const executor = p.executorClients[0];
  if (!executor) throw new Error("the per-step suite needs an executor");
  const dbos = await startDbosPeer();
  try {
    const ours = (wf: string) => () => executeAndWait(executor, wf);
    const peer = (steps: number) => () => dbos.run(steps);
    for (let i = 0; i < 10; i++) await Promise.all([ours("chain-n")(), peer(n)()]); // warm-up
    const spans: Record<"oursN" | "dbosN" | "ours1" | "dbos1", CpuSpent[]> = {
      oursN: [],
      dbosN: [],
      ours1: [],
      dbos1: [],
    };
    const block = (side: keyof typeof spans, fn: () => Promise<void>) => async () => {
      const { result, cpu } = await cpuSpent(async () => {
        const out: number[] = [];
        for (let i = 0; i < perRound; i++) out.push(await timed(fn));
        return out;
      });
      spans[side].push(cpu);
      return result;
    };
    const lat = await interleave(rounds, {
      oursN: block("oursN", ours("chain-n")),
      dbosN: block("dbosN", peer(n)),
      ours1: block("ours1", ours("chain-1")),
      dbos1: block("dbos1", peer(1)),
    });
    const runs = rounds * perRound;
    const cpu = {
      oursN: perUnit(spans.oursN, runs),
      dbosN: perUnit(spans.dbosN, runs),
      ours1: perUnit(spans.ours1, runs),
      dbos1: perUnit(spans.dbos1, runs),
    };
    const s = {
      oursN: summarize(lat.oursN),
      dbosN: summarize(lat.dbosN),
      ours1: summarize(lat.ours1),
      dbos1: summarize(lat.dbos1),
    };
    const perStepOurs = round((s.oursN.p50 - s.ours1.p50) / (n - 1));
    const perStepDbos = round((s.dbosN.p50 - s.dbos1.p50) / (n - 1));
    const load = await interleave(loadRounds, {
      ours: async () => [(await closedLoop(loadRuns, concurrency, ours("chain-n"))).perSecond],
      dbos: async () => [(await closedLoop(loadRuns, concurrency, peer(n))).perSecond],
    });
    const best = (xs: number[]) => round(xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length), 1);
    const c1 = { ours: round(1000 / s.oursN.p50, 1), dbos: round(1000 / s.dbosN.p50, 1) };
    const c32 = { ours: best(load.ours), dbos: best(load.dbos) };
    return {
      rows: [
        {
          figure: `per-step overhead p50 (${n}-step vs 1-step chain)`,
          ours: ms(perStepOurs),
          peer: `DBOS ${ms(perStepDbos)}`,
          ratio: ratio(perStepOurs, perStepDbos),
          target: `${target("≤ 2 ms", perStepOurs, 2, "ms", "max")}; ${target("≤ DBOS", perStepOurs, perStepDbos, "ms", "max")}`,
        },
        {
          figure: `${n}-step workflow p50 / p99, c=1 (n=${rounds * perRound})`,
          ours: `${ms(s.oursN.p50)} / ${ms(s.oursN.p99)}`,
          peer: `DBOS ${ms(s.dbosN.p50)} / ${ms(s.dbosN.p99)}`,
          ratio: ratio(s.oursN.p50, s.dbosN.p50),
        },
        {
          figure: "1-step workflow p50 / p99, c=1",
          ours: `${ms(s.ours1.p50)} / ${ms(s.ours1.p99)}`,
          peer: `DBOS ${ms(s.dbos1.p50)} / ${ms(s.dbos1.p99)}`,
          ratio: ratio(s.ours1.p50, s.dbos1.p50),
        },
        {
          figure: "CPU per 1-step run, c=1: this process / the machine",
          ours: `${ms(cpu.ours1.process_ms)} / ${ms(cpu.ours1.machine_ms ?? Number.NaN)}`,
          peer: `DBOS ${ms(cpu.dbos1.process_ms)} / ${ms(cpu.dbos1.machine_ms ?? Number.NaN)}`,
          ratio: ratio(
            cpu.ours1.machine_ms ?? cpu.ours1.process_ms,
            cpu.dbos1.machine_ms ?? cpu.dbos1.process_ms,
          ),
        },
        {
          figure: `CPU per step (${n}-step vs 1-step run), c=1: this process / the machine`,
          ours: `${msOf(cpuPerStep(cpu.oursN, cpu.ours1, n, "process_ms"))} / ${msOf(cpuPerStep(cpu.oursN, cpu.ours1, n, "machine_ms"))}`,
          peer: `DBOS ${msOf(cpuPerStep(cpu.dbosN, cpu.dbos1, n, "process_ms"))} / ${msOf(cpuPerStep(cpu.dbosN, cpu.dbos1, n, "machine_ms"))}`,
        },
        {
          figure: `${n}-step workflows/s, c=1`,
          ours: perS(c1.ours),
          peer: `DBOS ${perS(c1.dbos)}`,
          ratio: ratio(c1.ours, c1.dbos),
        },
        {
          figure: `${n}-step workflows/s, c=${concurrency} (${loadRuns} runs × ${loadRounds})`,
          ours: perS(c32.ours),
          peer: `DBOS ${perS(c32.dbos)}`,
          ratio: ratio(c32.ours, c32.dbos),
        },
      ],
      json: {
        per_step_ms: { ours: perStepOurs, dbos: perStepDbos },
        per_step_ratio_vs_dbos: ratio(perStepOurs, perStepDbos),
        per_step_whole_workflow_ms: { ours: round(s.oursN.p50 / n), dbos: round(s.dbosN.p50 / n) },
        steps: n,
        workflow_ms: s,
        cpu_per_run_ms: cpu,
        cpu_per_step_ms: {
          ours: cpuPerStep(cpu.oursN, cpu.ours1, n, "machine_ms"),
          dbos: cpuPerStep(cpu.dbosN, cpu.dbos1, n, "machine_ms"),
          ours_process: cpuPerStep(cpu.oursN, cpu.ours1, n, "process_ms"),
          dbos_process: cpuPerStep(cpu.dbosN, cpu.dbos1, n, "process_ms"),
        },
        workflows_per_s: { c1, [`c${concurrency}`]: c32 },
        iterations: { rounds, perRound, loadRounds, loadRuns, concurrency },
      },
    };
  } finally {
    await dbos.stop();
  }
}

/**
 * What each further step cost in CPU: (an N-step run's − a 1-step run's) / (N − 1); undefined when
 * not read (the machine's CPU where /proc/stat is not readable), and then left out of the JSON.
 */
function cpuPerStep(
  runN: CpuPerUnit,
  run1: CpuPerUnit,
  n: number,
  what: "process_ms" | "machine_ms",
): number | undefined {
  const a = runN[what];
  const b = run1[what];
  return a === undefined || b === undefined ? undefined : round((a - b) / (n - 1));
}

/** `1.23 ms`, or `n/a ms` for a figure not read. */
const msOf = (x: number | undefined) => ms(x ?? Number.NaN);
