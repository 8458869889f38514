import { settings } from "../lib/settings";
import { closedLoop, interleave, round, summarize, timed } from "../lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, type BenchPlatform } from "../platform";
import { ms, perS, type SuiteResult } from "../report";
import { benchRunner } from "../runners";

/**
 * A 10-step sequential and a 10-wide parallel workflow (noop steps) through gRPC, ExecuteWorkflow(wait)
 * to result; then runs spread over 2 executor replicas at once.
 */
export async function e2eSuite(p: BenchPlatform): Promise<SuiteResult> {
  const { rounds, perRound, replicaRuns, concurrency } = settings.e2e;
  await createScriptMcp(p, "bench-e2e");
  await defineWorkflow(p, "seq-10", noopSpec("bench-e2e", 10, "sequential"));
  await defineWorkflow(p, "par-10", noopSpec("bench-e2e", 10, "parallel"));
  while (p.executors.length < 2) await p.addExecutor(benchRunner);
  const [first] = p.executorClients;
  if (!first) throw new Error("no executor");
  const block = (wf: string) => async () => {
    const out: number[] = [];
    for (let i = 0; i < perRound; i++) out.push(await timed(() => executeAndWait(first, wf)));
    return out;
  };
  for (let i = 0; i < 5; i++)
    await Promise.all([executeAndWait(first, "seq-10"), executeAndWait(first, "par-10")]);
  const lat = await interleave(rounds, { seq: block("seq-10"), par: block("par-10") });
  const seq = summarize(lat.seq);
  const par = summarize(lat.par);
  const clients = p.executorClients;
  const load = await closedLoop(replicaRuns, concurrency, (i) =>
    executeAndWait(clients[i % clients.length] ?? first, "seq-10"),
  );
  const runLatency = summarize(load.latencies);
  return {
    rows: [
      {
        figure: `10-step sequential p50 / p99, c=1 (n=${rounds * perRound})`,
        ours: `${ms(seq.p50)} / ${ms(seq.p99)}`,
      },
      { figure: "10-wide parallel p50 / p99, c=1", ours: `${ms(par.p50)} / ${ms(par.p99)}` },
      {
        figure: `${replicaRuns} × 10-step runs over ${clients.length} replicas, c=${concurrency}`,
        ours: `${perS(load.perSecond)} runs (${perS(load.perSecond * 10)} steps), p50 ${ms(runLatency.p50)}`,
      },
    ],
    json: {
      sequential_10_ms: seq,
      parallel_10_ms: par,
      replicas: {
        executors: clients.length,
        runs: replicaRuns,
        concurrency,
        runs_per_s: load.perSecond,
        steps_per_s: round(load.perSecond * 10, 1),
        wall_s: round(load.wallMs / 1000, 2),
        run_ms: runLatency,
      },
    },
  };
}
