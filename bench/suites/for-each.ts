import { RunStatus } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { settings } from "../lib/settings";
import { interleave, ratio, round, summarize, timed } from "../lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, type BenchPlatform } from "../platform";
import { ms, target, type SuiteResult } from "../report";

/**
 * A for_each step over 1,000 noop items against plain noop steps, on the same executor and database:
 * per item = (p50 of a 1,000-item for_each − p50 of a 1-item one) / 999, at max_concurrency 1 (items
 * one after the other, like the chain's steps) and at the default 8; per step = (p50 of an N-step chain
 * − p50 of a 1-step chain) / (N − 1), as in the per-step suite. Target: per item ≤ 2× per step.
 */
export async function forEachSuite(p: BenchPlatform): Promise<SuiteResult> {
  const { items, rounds, perRound } = settings.forEach;
  const n = settings.perStep.steps;
  const executor = p.executorClients[0];
  if (!executor) throw new Error("the for-each suite needs an executor");
  await createScriptMcp(p, "bench-noop-fe");
  await defineWorkflow(p, "fe-chain-n", noopSpec("bench-noop-fe", n, "sequential"));
  await defineWorkflow(p, "fe-chain-1", noopSpec("bench-noop-fe", 1, "sequential"));
  for (const c of [1, 8]) await defineWorkflow(p, `fe-c${c}`, forEachSpec("bench-noop-fe", c));

  const list = (count: number) => Array.from({ length: count }, (_, i) => i);
  const each = (workflow: string, count: number) => async () => {
    const { run } = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { list: list(count) },
      wait: true,
      waitTimeoutSeconds: 300,
    });
    if (run?.status !== RunStatus.SUCCEEDED) {
      throw new Error(
        `for_each run ${run?.id} ended ${RunStatus[run?.status ?? 0]}: ${run?.error?.message ?? ""}`,
      );
    }
  };
  const chain = (workflow: string) => () => executeAndWait(executor, workflow);
  await each("fe-c8", items)(); // warm-up
  for (let i = 0; i < 5; i++) await chain("fe-chain-n")();
  const block = (fn: () => Promise<void>, times: number) => async () => {
    const out: number[] = [];
    for (let i = 0; i < times; i++) out.push(await timed(fn));
    return out;
  };
  const lat = await interleave(rounds, {
    c1: block(each("fe-c1", items), 1),
    c8: block(each("fe-c8", items), 1),
    one1: block(each("fe-c1", 1), perRound),
    one8: block(each("fe-c8", 1), perRound),
    chainN: block(chain("fe-chain-n"), perRound),
    chain1: block(chain("fe-chain-1"), perRound),
  });
  const s = {
    c1: summarize(lat.c1),
    c8: summarize(lat.c8),
    one1: summarize(lat.one1),
    one8: summarize(lat.one8),
    chainN: summarize(lat.chainN),
    chain1: summarize(lat.chain1),
  };
  const perItemC1 = round((s.c1.p50 - s.one1.p50) / (items - 1));
  const perItemC8 = round((s.c8.p50 - s.one8.p50) / (items - 1));
  const perStep = round((s.chainN.p50 - s.chain1.p50) / (n - 1));
  return {
    rows: [
      {
        figure: `per-item overhead p50, max_concurrency 1 (${items} vs 1 item)`,
        ours: ms(perItemC1),
        peer: `per step ${ms(perStep)}`,
        ratio: ratio(perItemC1, perStep),
        target: target("≤ 2× per step", perItemC1, 2 * perStep, "ms", "max"),
      },
      {
        figure: `per-item overhead p50, max_concurrency 8 (${items} vs 1 item)`,
        ours: ms(perItemC8),
        peer: `per step ${ms(perStep)}`,
        ratio: ratio(perItemC8, perStep),
        target: target("≤ 2× per step", perItemC8, 2 * perStep, "ms", "max"),
      },
      {
        figure: `${items}-item for_each wall p50 / p99 (c=1; c=8)`,
        ours: `${ms(s.c1.p50)} / ${ms(s.c1.p99)}; ${ms(s.c8.p50)} / ${ms(s.c8.p99)}`,
        peer: `${n}-step chain ${ms(s.chainN.p50)}`,
      },
    ],
    json: {
      items,
      per_item_ms: { c1: perItemC1, c8: perItemC8 },
      per_step_ms: perStep,
      per_item_ratio_vs_step: { c1: ratio(perItemC1, perStep), c8: ratio(perItemC8, perStep) },
      wall_ms: { c1: s.c1, c8: s.c8 },
      one_item_ms: { c1: s.one1, c8: s.one8 },
      chain_ms: { [`n${n}`]: s.chainN, n1: s.chain1 },
      iterations: { rounds, perRound },
    },
  };
}

/** One step `each` running `mcp` once per item of workflow input `list`, `max_concurrency` c. */
function forEachSpec(mcp: string, c: number) {
  return {
    executionMode: ExecutionMode.SEQUENTIAL,
    inputs: [{ name: "list", required: true }],
    steps: [
      {
        stepId: "each",
        mcp: { mcp: { case: "name" as const, value: mcp } },
        forEach: { source: { case: "workflowInput" as const, value: "list" }, maxConcurrency: c },
        inputs: { x: { source: { case: "item" as const, value: "" } } },
      },
    ],
    outputs: [{ name: "items", stepId: "each", output: "items" }],
  };
}
