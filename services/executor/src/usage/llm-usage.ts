import type { Registry } from "prom-client";
import { counter } from "@mcp/runtime";
import type { PinnedMcp, StepResult } from "../step/index.js";
import { COST_SCALE, type PriceTable } from "./price-table.js";
import { formatDecimal } from "./decimal.js";
import { stepTokensOf } from "./step-usage.js";

/**
 * Prices each successful step's LLM usage by the {@link PriceTable} (its `usage` gains `cost`, a
 * decimal string, and `currency`, recorded with the step) and counts it in Prometheus:
 * - `mcp_llm_tokens_total{mcp, model, direction}`: tokens by MCP name, model and `input`/`output`;
 * - `mcp_llm_cost_total{mcp, model, currency}`: their cost, for models the table prices.
 */
export class LlmUsageMeter {
  private readonly tokens;
  private readonly cost;

  constructor(
    private readonly prices: PriceTable,
    metrics?: Registry,
  ) {
    this.tokens =
      metrics &&
      counter(metrics, {
        name: "mcp_llm_tokens_total",
        help: "LLM tokens used by steps, by MCP, model and direction (input or output).",
        labelNames: ["mcp", "model", "direction"],
      });
    this.cost =
      metrics &&
      counter(metrics, {
        name: "mcp_llm_cost_total",
        help: "Cost of the LLM tokens used by steps (LLM_PRICES), by MCP, model and currency.",
        labelNames: ["mcp", "model", "currency"],
      });
  }

  /** The result with its usage priced (when the model has a price), counted once. */
  record(mcp: PinnedMcp, result: StepResult): StepResult {
    const tokens = stepTokensOf(result.usage);
    if (!tokens || !result.usage) return result;
    const labels = { mcp: mcp.name, model: tokens.model };
    this.tokens?.inc({ ...labels, direction: "input" }, tokens.inputTokens);
    this.tokens?.inc({ ...labels, direction: "output" }, tokens.outputTokens);
    const nanos = this.prices.costOf(tokens.model, tokens.inputTokens, tokens.outputTokens);
    if (nanos === undefined) return result;
    this.cost?.inc({ ...labels, currency: this.prices.currency }, Number(nanos) / 10 ** COST_SCALE);
    return {
      ...result,
      usage: { ...result.usage, cost: formatDecimal(nanos, COST_SCALE), currency: this.prices.currency },
    };
  }
}
