import type { Span } from "@mcp/runtime";
import { inSpan, tracingOn, type Logger } from "@mcp/runtime";
import { StepFailure, type RunnerFor, type StepContext, type StepResult } from "../step/index.js";
import type { LlmUsageMeter } from "../usage/llm-usage.js";
import { stepTokensOf } from "../usage/step-usage.js";
import { typeName } from "./type-names.js";

/** What {@link observeSteps} reports to. */
export interface StepObserverDeps {
  /** The run's logger (`run_id`, `trace_id`); each attempt logs one debug line with its `step_id`. */
  readonly log: Logger;
  /** Prices and counts LLM usage; without it usage passes as the runner reported it. */
  readonly usage?: LlmUsageMeter;
}

/**
 * Wraps every runner so each step attempt (child tool calls included) is one span in the run's trace
 * — `step <step id>` with the MCP's name, version and type, the attempt, its status and, when it
 * failed, the reason (StepFailure code); LLM token counts when it used any — and its LLM usage is
 * priced and counted before the engine records it. While tracing is off only the pricing is done.
 */
export function observeSteps(base: RunnerFor, deps: StepObserverDeps): RunnerFor {
  return (mcp) => {
    const runner = base(mcp);
    return {
      run: (context) =>
        // while tracing is off the attempt is not wrapped in a span at all (no span, no attributes)
        tracingOn()
          ? inSpan(
              {
                service: "executor",
                name: `step ${context.stepId}`,
                attributes: {
                  "mcp.run.id": context.runId,
                  "mcp.step.id": context.stepId,
                  "mcp.step.attempt": context.attempt,
                  "mcp.name": context.mcp.name,
                  "mcp.version": context.mcp.version,
                  "mcp.type": typeName(context.mcp.type),
                },
              },
              (span) => attempt(() => runner.run(context), context, span, deps),
            )
          : attempt(() => runner.run(context), context, undefined, deps),
    };
  };
}

async function attempt(
  run: () => Promise<StepResult>,
  context: StepContext,
  span: Span | undefined,
  deps: StepObserverDeps,
): Promise<StepResult> {
  // the debug line's fields are gathered only when it is written
  const started = deps.log.isLevelEnabled("debug") ? performance.now() : undefined;
  const log = (status: string, extra: object) => {
    if (started === undefined) return;
    deps.log.debug(
      {
        step_id: context.stepId,
        attempt: context.attempt,
        mcp: context.mcp.name,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...extra,
      },
      "step attempt",
    );
  };
  try {
    const result = await run();
    const priced = deps.usage ? deps.usage.record(context.mcp, result) : result;
    const tokens = stepTokensOf(priced.usage);
    if (span) {
      span.setAttribute("mcp.step.status", "succeeded");
      if (tokens) {
        span.setAttributes({
          "gen_ai.request.model": tokens.model,
          "gen_ai.usage.input_tokens": tokens.inputTokens,
          "gen_ai.usage.output_tokens": tokens.outputTokens,
          ...(tokens.cost
            ? { "mcp.llm.cost": tokens.cost.amount, "mcp.llm.currency": tokens.cost.currency }
            : {}),
        });
      }
    }
    log("succeeded", tokens ? { input_tokens: tokens.inputTokens, output_tokens: tokens.outputTokens } : {});
    return priced;
  } catch (err) {
    if (span || started !== undefined) {
      const failure = StepFailure.from(err);
      span?.setAttributes({ "mcp.step.status": "failed", "mcp.step.error.reason": failure.code });
      log("failed", { reason: failure.code });
    }
    throw err;
  }
}
