import { ErrorStrategy, type RetryPolicy, type WorkflowSpec } from "@mcp/proto/workflows";
import { RESOURCE_NAME } from "./formats.js";
import { inRange, isKnownEnumValue, stepPath, violation, type SpecViolation } from "./violation.js";

/** What an unset RetryPolicy field means (proto comments of RetryPolicy). */
export const RETRY_DEFAULTS = {
  maxRetries: 3,
  initialBackoffMs: 500,
  backoffMultiplier: 2,
  maxBackoffMs: 60_000,
} as const;

/**
 * Error handling: known strategies, retry policies in range (a step's policy overrides the workflow's
 * field by field, so the backoff bounds are checked on the merged values), and the fallback workflow.
 * Per the proto, a step's `on_error` MAY be FALLBACK: like the workflow strategy, it then needs
 * `error_handling.fallback_workflow`. A fallback workflow that no strategy uses is reported, and it
 * must not name the workflow itself (case-insensitive) when `workflowName` is known.
 */
export function errorHandlingViolations(
  spec: WorkflowSpec,
  workflowName: string | undefined,
): SpecViolation[] {
  const handling = spec.errorHandling;
  const result: SpecViolation[] = [];
  const fallbackUsers: string[] = [];
  const strategy = handling?.strategy ?? ErrorStrategy.UNSPECIFIED;
  if (!isKnownEnumValue(ErrorStrategy, strategy)) {
    result.push(
      violation("spec.error_handling.strategy", "INVALID_ENUM", `unknown error strategy ${strategy}`),
    );
  }
  if (strategy === ErrorStrategy.FALLBACK) fallbackUsers.push("spec.error_handling.strategy");
  result.push(...retryPolicyViolations("spec.error_handling.retry", handling?.retry, undefined));

  spec.steps.forEach((step, index) => {
    if (step.onError !== undefined && !isKnownEnumValue(ErrorStrategy, step.onError)) {
      result.push(
        violation(`${stepPath(index)}.on_error`, "INVALID_ENUM", `unknown error strategy ${step.onError}`),
      );
    }
    if (step.onError === ErrorStrategy.FALLBACK) fallbackUsers.push(`${stepPath(index)}.on_error`);
    result.push(...retryPolicyViolations(`${stepPath(index)}.retry`, step.retry, handling?.retry));
  });

  const field = "spec.error_handling.fallback_workflow";
  const fallback = handling?.fallbackWorkflow ?? "";
  if (fallback === "") {
    if (fallbackUsers.length > 0) {
      result.push(
        violation(
          field,
          "REQUIRED",
          `a fallback workflow is required: FALLBACK is set at ${fallbackUsers.join(", ")}`,
        ),
      );
    }
    return result;
  }
  if (!RESOURCE_NAME.test(fallback)) {
    result.push(violation(field, "INVALID_FORMAT", `"${fallback}" is not a workflow name`));
  }
  if (workflowName !== undefined && fallback.toLowerCase() === workflowName.toLowerCase()) {
    result.push(
      violation(field, "FALLBACK_TO_SELF", `workflow "${workflowName}" cannot fall back to itself`),
    );
  }
  if (fallbackUsers.length === 0) {
    result.push(
      violation(
        field,
        "FALLBACK_WORKFLOW_UNUSED",
        "fallback_workflow is set but neither error_handling.strategy nor any step's on_error is FALLBACK",
      ),
    );
  }
  return result;
}

/**
 * One retry policy at `path`: max_retries 0..10, initial_backoff_ms 0..600000, backoff_multiplier
 * 1..10, max_backoff_ms 0..3600000 and at least initial_backoff_ms, after filling unset fields from
 * `inherited` (the workflow's policy) and then the defaults.
 */
export function retryPolicyViolations(
  path: string,
  policy: RetryPolicy | undefined,
  inherited: RetryPolicy | undefined,
): SpecViolation[] {
  if (!policy) return [];
  const result: SpecViolation[] = [];
  const check = (name: string, value: number | undefined, min: number, max: number): void => {
    if (value !== undefined && !inRange(value, min, max)) {
      result.push(violation(`${path}.${name}`, "OUT_OF_RANGE", `${name} is ${min}..${max}, got ${value}`));
    }
  };
  check("max_retries", policy.maxRetries, 0, 10);
  check("initial_backoff_ms", policy.initialBackoffMs, 0, 600_000);
  check("backoff_multiplier", policy.backoffMultiplier, 1, 10);
  check("max_backoff_ms", policy.maxBackoffMs, 0, 3_600_000);
  if (policy.initialBackoffMs === undefined && policy.maxBackoffMs === undefined) return result;

  const initial = policy.initialBackoffMs ?? inherited?.initialBackoffMs ?? RETRY_DEFAULTS.initialBackoffMs;
  const ceiling = policy.maxBackoffMs ?? inherited?.maxBackoffMs ?? RETRY_DEFAULTS.maxBackoffMs;
  if (inRange(initial, 0, 600_000) && inRange(ceiling, 0, 3_600_000) && ceiling < initial) {
    const blamed = policy.maxBackoffMs !== undefined ? "max_backoff_ms" : "initial_backoff_ms";
    result.push(
      violation(
        `${path}.${blamed}`,
        "BACKOFF_BELOW_INITIAL",
        `max_backoff_ms (${ceiling}) must be at least initial_backoff_ms (${initial}); unset fields take the workflow's or the default`,
      ),
    );
  }
  return result;
}
