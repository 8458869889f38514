import type { WorkflowRun } from "@mcp/proto/executor";

/**
 * A run's LLM usage for people: the run's token sums and cost (LLM_PRICES on the executor), then one
 * line per step that called a model (with its tool rounds for an assistant). Nothing when no step did.
 */
export function usageLines(run: WorkflowRun): string[] {
  if (run.llmInputTokens === 0n && run.llmOutputTokens === 0n) return [];
  const cost = run.llmCost ? ` · cost ${run.llmCost.amount} ${run.llmCost.currency}` : "";
  const unpriced = run.llmUnpricedModels.length ? ` (no price for ${run.llmUnpricedModels.join(", ")})` : "";
  const lines = [`LLM tokens: ${run.llmInputTokens} in, ${run.llmOutputTokens} out${cost}${unpriced}`];
  for (const step of run.steps) {
    const u = step.llmUsage;
    if (!u) continue;
    const stepCost = u.cost ? `, ${u.cost.amount} ${u.cost.currency}` : "";
    const rounds = u.rounds.length ? `, ${u.rounds.length} model turns` : "";
    lines.push(
      `  ${step.stepId} (${u.model}): ${u.inputTokens} in, ${u.outputTokens} out${stepCost}${rounds}`,
    );
  }
  return lines;
}

/** The run's trace id, when it has one (its spans are in that trace when the executors export traces). */
export function traceLines(run: WorkflowRun): string[] {
  return run.traceId ? [`trace: ${run.traceId}`] : [];
}
