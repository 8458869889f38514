import type { RetryPolicy } from "@mcp/proto/workflows";
import { type Backoff, type StepFailureCode } from "../step/index.js";

export { abortableSleep, backoffDelayMs } from "../step/index.js";

/** A retry policy with every field decided. */
export type ResolvedRetryPolicy = Backoff;

/** The proto's documented defaults. */
export const DEFAULT_RETRY_POLICY: ResolvedRetryPolicy = Object.freeze({
  maxRetries: 3,
  initialBackoffMs: 500,
  backoffMultiplier: 2,
  maxBackoffMs: 60_000,
});

/** Field by field: the step's policy, else the workflow's, else {@link DEFAULT_RETRY_POLICY}. */
export function resolveRetryPolicy(
  step: RetryPolicy | undefined,
  workflow: RetryPolicy | undefined,
): ResolvedRetryPolicy {
  const d = DEFAULT_RETRY_POLICY;
  return {
    maxRetries: step?.maxRetries ?? workflow?.maxRetries ?? d.maxRetries,
    initialBackoffMs: step?.initialBackoffMs ?? workflow?.initialBackoffMs ?? d.initialBackoffMs,
    backoffMultiplier: step?.backoffMultiplier ?? workflow?.backoffMultiplier ?? d.backoffMultiplier,
    maxBackoffMs: step?.maxBackoffMs ?? workflow?.maxBackoffMs ?? d.maxBackoffMs,
  };
}

/** Failures a retry cannot fix: the run was cancelled, or the step cannot run as defined. */
const NOT_RETRIED: ReadonlySet<StepFailureCode> = new Set<StepFailureCode>([
  "CANCELLED",
  "MISSING_INPUT",
  "UNSUPPORTED_MCP_TYPE",
  // a configuration problem (e.g. an unset API key variable) does not go away by retrying
  "INVALID_CONFIG",
]);

/** Whether a failure with this code may be retried at all. */
export function isRetryable(code: StepFailureCode): boolean {
  return !NOT_RETRIED.has(code);
}
