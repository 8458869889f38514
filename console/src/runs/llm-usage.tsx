import type { LlmUsage, StepRun, WorkflowRun } from "@mcp/proto/executor";

/** `12 in, 7 out` */
const tokens = (input: bigint, output: bigint) =>
  `${input.toLocaleString()} in, ${output.toLocaleString()} out`;

/** The run's trace: a link through CONSOLE_TRACE_URL when it is set, else the id. */
export function RunTrace({ run, traceUrl }: { run: WorkflowRun; traceUrl: string | undefined }) {
  if (!run.traceId) return null;
  return (
    <>
      <dt>Trace</dt>
      <dd data-testid="run-trace">
        {traceUrl ? (
          <a href={traceUrl.replaceAll("{traceId}", run.traceId)} target="_blank" rel="noreferrer">
            <code>{run.traceId}</code>
          </a>
        ) : (
          <code>{run.traceId}</code>
        )}
      </dd>
    </>
  );
}

/** The run's LLM tokens and cost (summed over its steps by the executor); nothing when no step called a model. */
export function RunLlmUsage({ run }: { run: WorkflowRun }) {
  if (run.llmInputTokens === 0n && run.llmOutputTokens === 0n) return null;
  return (
    <>
      <dt>LLM tokens</dt>
      <dd data-testid="run-llm-tokens">{tokens(run.llmInputTokens, run.llmOutputTokens)}</dd>
      <dt>LLM cost</dt>
      <dd data-testid="run-llm-cost">
        {run.llmCost ? `${run.llmCost.amount} ${run.llmCost.currency}` : "no price (LLM_PRICES)"}
        {run.llmCost &&
          run.llmUnpricedModels.length > 0 &&
          ` + unpriced: ${run.llmUnpricedModels.join(", ")}`}
      </dd>
    </>
  );
}

/** A step's LLM usage: model, tokens, cost and, for an assistant, each model turn. */
export function StepLlmUsage({ step }: { step: StepRun }) {
  const usage: LlmUsage | undefined = step.llmUsage;
  if (!usage) return null;
  return (
    <section aria-label={`LLM usage of ${step.stepId}`}>
      <h3>LLM usage</h3>
      <p data-testid="step-llm-usage">
        <code>{usage.model}</code>: {tokens(usage.inputTokens, usage.outputTokens)}
        {usage.cost ? ` · ${usage.cost.amount} ${usage.cost.currency}` : ""}
      </p>
      {usage.rounds.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Turn</th>
              <th scope="col">Input tokens</th>
              <th scope="col">Output tokens</th>
              <th scope="col">Tool calls</th>
            </tr>
          </thead>
          <tbody>
            {usage.rounds.map((r) => (
              <tr key={r.round}>
                <td>{r.round}</td>
                <td>{r.inputTokens.toLocaleString()}</td>
                <td>{r.outputTokens.toLocaleString()}</td>
                <td>{r.toolCalls}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
