/** Iteration counts of every suite: the full run (~5 min on 2 cores) or `BENCH_QUICK=1`. */
const quick = process.env["BENCH_QUICK"] === "1";

export const settings = {
  quick,
  /** `BENCH_ONLY=per-step,registry`: only those suites. */
  only: (process.env["BENCH_ONLY"] ?? "").split(",").filter(Boolean),
  floor: { commits: quick ? 100 : 1000, bareCalls: quick ? 300 : 3000, bareConcurrency: 32 },
  registry: {
    rounds: quick ? 2 : 6,
    callsPerRound: quick ? 30 : 150,
    loadCalls: quick ? 200 : 1500,
    concurrency: 16,
  },
  perStep: {
    steps: 10,
    rounds: quick ? 2 : 8,
    perRound: quick ? 5 : 15,
    loadRounds: quick ? 1 : 2,
    loadRuns: quick ? 64 : 256,
    concurrency: 32,
  },
  tracing: { steps: 10, rounds: quick ? 2 : 8, perRound: quick ? 5 : 100 },
  e2e: { rounds: quick ? 2 : 6, perRound: quick ? 5 : 15, replicaRuns: quick ? 100 : 500, concurrency: 32 },
  peers: { batches: quick ? 1 : 3, batchSize: 200, longSteps: quick ? 100 : 400, stepMs: 10 },
  recovery: { kills: quick ? 1 : 3, stepMs: 200, steps: 20 },
  sandbox: { steps: quick ? 20 : 100, egressSteps: quick ? 5 : 20 },
  forEach: { items: 1000, rounds: quick ? 2 : 5, perRound: quick ? 3 : 10 },
  /** `BENCH_HISTORY_RUNS`: finished runs loaded (10 step rows each); default 1,000,000 (quick: 20,000). */
  history: {
    runs: Number(process.env["BENCH_HISTORY_RUNS"] ?? (quick ? 20_000 : 1_000_000)),
    /** BENCH_HISTORY_DB: keep the loaded database under this name and reuse it on the next run. */
    keepDatabase: process.env["BENCH_HISTORY_DB"] || undefined,
    rounds: quick ? 2 : 6,
    perRound: quick ? 5 : 15,
    listCalls: quick ? 100 : 400,
    statsCalls: quick ? 20 : 80,
  },
} as const;
