import type { JsonObject } from "../step/index.js";

/** LLM token usage as a runner reports it in `StepResult.usage` and as the step row keeps it. */
export interface StepTokens {
  readonly model: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** The priced cost (decimal string) and its currency, once priced. */
  readonly cost?: { readonly amount: string; readonly currency: string };
  readonly rounds: ReadonlyArray<{
    readonly inputTokens: number;
    readonly outputTokens: number;
    readonly toolCalls: number;
  }>;
}

const count = (value: unknown): number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : 0;

/**
 * The LLM tokens in a step's usage (`{model, input_tokens, output_tokens, rounds?, cost?, currency?}`),
 * or undefined when it holds none (a step of another type).
 */
export function stepTokensOf(usage: JsonObject | null | undefined): StepTokens | undefined {
  if (!usage || typeof usage["model"] !== "string") return undefined;
  if (typeof usage["input_tokens"] !== "number" && typeof usage["output_tokens"] !== "number")
    return undefined;
  const rounds = Array.isArray(usage["rounds"]) ? usage["rounds"] : [];
  const cost = usage["cost"];
  const currency = usage["currency"];
  return {
    model: usage["model"],
    inputTokens: count(usage["input_tokens"]),
    outputTokens: count(usage["output_tokens"]),
    ...(typeof cost === "string" && typeof currency === "string" ? { cost: { amount: cost, currency } } : {}),
    rounds: rounds.map((r) => {
      const round = typeof r === "object" && r !== null && !Array.isArray(r) ? r : {};
      return {
        inputTokens: count(round["input_tokens"]),
        outputTokens: count(round["output_tokens"]),
        toolCalls: count(round["tool_calls"]),
      };
    }),
  };
}
