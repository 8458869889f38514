import { ErrorStrategy, type Step, type WorkflowSpec } from "@mcp/proto/workflows";
import { resolveRetryPolicy, type ResolvedRetryPolicy } from "./retry.js";

/** What a step's final failure (after any retries) does to the run. */
export type OnFailure = "stop" | "continue" | "fallback";

/** How one step's failures are handled. */
export interface FailureHandling {
  /** Set when failed attempts are retried (strategy RETRY, or the step has its own `retry` policy). */
  readonly retry: ResolvedRetryPolicy | undefined;
  /** What the step's final failure does: RETRY (exhausted) and UNSPECIFIED act as STOP. */
  readonly onFailure: OnFailure;
}

/**
 * The strategy of a step: `step.onError`, else `spec.errorHandling.strategy`; an explicit
 * `ERROR_STRATEGY_UNSPECIFIED` on the step counts as unset (the proto's "unset = ErrorHandling.strategy").
 */
export function effectiveStrategy(step: Step, spec: WorkflowSpec): ErrorStrategy {
  const own = step.onError ?? ErrorStrategy.UNSPECIFIED;
  return own !== ErrorStrategy.UNSPECIFIED
    ? own
    : (spec.errorHandling?.strategy ?? ErrorStrategy.UNSPECIFIED);
}

/** How the failures of `step` are handled under `spec`. */
export function failureHandling(step: Step, spec: WorkflowSpec): FailureHandling {
  const strategy = effectiveStrategy(step, spec);
  const retries = strategy === ErrorStrategy.RETRY || step.retry !== undefined;
  return {
    retry: retries ? resolveRetryPolicy(step.retry, spec.errorHandling?.retry) : undefined,
    onFailure: onFailure(strategy),
  };
}

function onFailure(strategy: ErrorStrategy): OnFailure {
  switch (strategy) {
    case ErrorStrategy.CONTINUE:
      return "continue";
    case ErrorStrategy.FALLBACK:
      return "fallback";
    case ErrorStrategy.UNSPECIFIED:
    case ErrorStrategy.STOP:
    case ErrorStrategy.RETRY:
      return "stop";
  }
}
