import { create, type JsonObject } from "@bufbuild/protobuf";
import {
  LlmCostSchema,
  LlmRoundSchema,
  LlmUsageSchema,
  type LlmUsage,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { formatDecimal, parseDecimal } from "./decimal.js";
import { COST_SCALE } from "./price-table.js";
import { stepTokensOf } from "./step-usage.js";

/** A step's usage JSON as the API's LlmUsage (StepRun.llm_usage); undefined for a step without LLM tokens. */
export function toLlmUsage(usage: JsonObject | null | undefined): LlmUsage | undefined {
  const tokens = stepTokensOf(usage);
  if (!tokens) return undefined;
  return create(LlmUsageSchema, {
    model: tokens.model,
    inputTokens: BigInt(tokens.inputTokens),
    outputTokens: BigInt(tokens.outputTokens),
    cost: tokens.cost ? create(LlmCostSchema, tokens.cost) : undefined,
    rounds: tokens.rounds.map((r, i) =>
      create(LlmRoundSchema, {
        round: i + 1,
        inputTokens: BigInt(r.inputTokens),
        outputTokens: BigInt(r.outputTokens),
        toolCalls: r.toolCalls,
      }),
    ),
  });
}

/** The run-level sums of its steps' LLM usage (WorkflowRun fields 31-34). */
export type RunUsage = Pick<
  WorkflowRun,
  "llmInputTokens" | "llmOutputTokens" | "llmCost" | "llmUnpricedModels"
>;

/**
 * Sums the LLM usage of a run's step rows (child steps included): tokens of every step, cost of the
 * priced ones (exactly, in nano-units). A step priced in another currency than the first one seen
 * (the table changed meanwhile) counts as unpriced rather than being added up wrongly.
 */
export function runUsageOf(usages: ReadonlyArray<JsonObject | null | undefined>): RunUsage {
  let input = 0n;
  let output = 0n;
  let cost: { nanos: bigint; currency: string } | undefined;
  const unpriced = new Set<string>();
  for (const usage of usages) {
    const tokens = stepTokensOf(usage);
    if (!tokens) continue;
    input += BigInt(tokens.inputTokens);
    output += BigInt(tokens.outputTokens);
    const nanos = tokens.cost ? parseDecimal(tokens.cost.amount, COST_SCALE) : undefined;
    if (tokens.cost && nanos !== undefined && (!cost || cost.currency === tokens.cost.currency)) {
      cost = { nanos: (cost?.nanos ?? 0n) + nanos, currency: tokens.cost.currency };
    } else {
      unpriced.add(tokens.model);
    }
  }
  return {
    llmInputTokens: input,
    llmOutputTokens: output,
    llmCost: cost
      ? create(LlmCostSchema, { amount: formatDecimal(cost.nanos, COST_SCALE), currency: cost.currency })
      : undefined,
    llmUnpricedModels: [...unpriced].sort(),
  };
}
