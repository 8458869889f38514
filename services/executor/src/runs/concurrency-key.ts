import { compileKey, describeProblem } from "@mcp/conditions";
import { InvalidArgumentError } from "@mcp/errors";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import type { JsonObject } from "../step/index.js";

/** The longest concurrency key value kept, in characters. */
export const MAX_KEY_VALUE_LENGTH = 512;

/**
 * The run's concurrency key: the workflow's `concurrency_key` (CEL, ADR 018) evaluated over the run's
 * inputs (defaults filled in), or null when the workflow declares none. A key that cannot be
 * evaluated for these inputs (an input it reads is missing, a value of no string form) or is longer
 * than {@link MAX_KEY_VALUE_LENGTH} is the caller's INVALID_ARGUMENT on `inputs`; nothing is started.
 */
export function concurrencyKeyOf(spec: WorkflowSpec, inputs: JsonObject): string | null {
  if (spec.concurrencyKey === "") return null;
  const compiled = compileKey(spec.concurrencyKey);
  if (!compiled.ok) {
    // refused when the workflow was written; a spec stored before would land here
    const problem = compiled.problems[0];
    throw InvalidArgumentError.field(
      "workflow.concurrency_key",
      `the workflow's concurrency key is not valid: ${problem ? describeProblem(problem) : "unknown problem"}`,
    );
  }
  const value = compiled.key.evaluate(inputs);
  if (!value.ok) {
    throw InvalidArgumentError.field(
      "inputs",
      `the workflow's concurrency key \`${spec.concurrencyKey}\` cannot be evaluated over these inputs: ${value.message}`,
    );
  }
  if (value.value.length > MAX_KEY_VALUE_LENGTH) {
    throw InvalidArgumentError.field(
      "inputs",
      `the workflow's concurrency key is at most ${MAX_KEY_VALUE_LENGTH} characters for a run, got ${value.value.length}`,
    );
  }
  return value.value;
}
