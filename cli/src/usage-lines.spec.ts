import { create } from "@bufbuild/protobuf";
import { WorkflowRunSchema } from "@mcp/proto/executor";
import { traceLines, usageLines } from "./usage-lines.js";

describe("usageLines", () => {
  it("prints the run's tokens and cost, then each LLM step's", () => {
    const run = create(WorkflowRunSchema, {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      llmInputTokens: 35n,
      llmOutputTokens: 23n,
      llmCost: { amount: "0.0003175", currency: "USD" },
      llmUnpricedModels: ["local-llama"],
      steps: [
        { stepId: "fetch" },
        {
          stepId: "summarise",
          llmUsage: {
            model: "gpt-4o",
            inputTokens: 11n,
            outputTokens: 7n,
            cost: { amount: "0.0000975", currency: "USD" },
          },
        },
        {
          stepId: "assist",
          llmUsage: {
            model: "local-llama",
            inputTokens: 24n,
            outputTokens: 16n,
            rounds: [{ round: 1 }, { round: 2 }],
          },
        },
      ],
    });
    expect(usageLines(run)).toEqual([
      "LLM tokens: 35 in, 23 out · cost 0.0003175 USD (no price for local-llama)",
      "  summarise (gpt-4o): 11 in, 7 out, 0.0000975 USD",
      "  assist (local-llama): 24 in, 16 out, 2 model turns",
    ]);
    expect(traceLines(run)).toEqual(["trace: 0af7651916cd43dd8448eb211c80319c"]);
  });

  it("prints nothing for a run that called no model", () => {
    const run = create(WorkflowRunSchema, { steps: [{ stepId: "a" }] });
    expect(usageLines(run)).toEqual([]);
    expect(traceLines(run)).toEqual([]);
  });
});
