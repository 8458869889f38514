import type { WorkflowSpec } from "@mcp/proto/workflows";
import { cycleViolations } from "./cycles.js";
import { buildGraph } from "./graph.js";
import { inFieldOrder } from "./field-order.js";
import { concurrencyKeyViolations } from "./key-rules.js";
import { errorHandlingViolations } from "./retry-rules.js";
import { specViolations } from "./spec-rules.js";
import { stepViolations } from "./step-rules.js";
import type { SpecViolation } from "./violation.js";

/** What the spec's checks need to know beyond the spec. */
export interface ValidateSpecOptions {
  /** The workflow's own name, to refuse a fallback to itself; undefined when not known yet. */
  readonly workflowName: string | undefined;
}

/**
 * Checks a workflow spec without any I/O and returns EVERY violation (empty = valid), in field order:
 * step ids, MCP reference forms, dependencies and cycles (through `depends_on` only), input sources
 * (a `step_output` must be upstream through `depends_on`), declared inputs and outputs, limits, retry
 * policies and fallback. Whether the referenced MCPs exist is a separate check on {@link mcpReferences}.
 */
export function validateSpec(spec: WorkflowSpec, options: ValidateSpecOptions): SpecViolation[] {
  const graph = buildGraph(spec);
  const all: SpecViolation[] = [
    ...specViolations(spec, graph),
    ...stepViolations(spec, graph),
    ...cycleViolations(graph),
    ...errorHandlingViolations(spec, options.workflowName),
    ...concurrencyKeyViolations(spec),
  ];
  return inFieldOrder(spec, all);
}
