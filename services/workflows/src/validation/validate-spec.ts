import type { WorkflowSpec } from "@mcp/proto/workflows";
import { cycleViolations } from "./cycles.js";
import { buildGraph } from "./graph.js";
import { errorHandlingViolations } from "./retry-rules.js";
import { specViolations } from "./spec-rules.js";
import { stepViolations } from "./step-rules.js";
import type { SpecViolation } from "./violation.js";

/** What the spec's checks need to know beyond the spec. */
export interface ValidateSpecOptions {
  /** The workflow's own name, to refuse a fallback to itself; undefined when not known yet. */
  readonly workflowName: string | undefined;
}

/** Proto field number of each top-level `WorkflowSpec` field, to report violations in field order. */
const FIELD_ORDER: Readonly<Record<string, number>> = {
  inputs: 1,
  steps: 2,
  execution_mode: 3,
  error_handling: 4,
  outputs: 5,
  max_parallelism: 6,
  timeout_seconds: 7,
};

/**
 * Checks a workflow spec without any I/O and returns EVERY violation (empty = valid), in field order:
 * step ids, MCP reference forms, dependencies and cycles (through `depends_on` only), input sources
 * (a `step_output` must be upstream through `depends_on`), declared inputs and outputs, limits, retry
 * policies and fallback. Whether the referenced MCPs exist is a separate check on {@link mcpReferences}.
 */
export function validateSpec(spec: WorkflowSpec, options: ValidateSpecOptions): SpecViolation[] {
  const graph = buildGraph(spec);
  const all = [
    ...specViolations(spec, graph),
    ...stepViolations(spec, graph),
    ...cycleViolations(graph),
    ...errorHandlingViolations(spec, options.workflowName),
  ];
  return all
    .map((item, position) => ({ item, position, key: orderKey(item.field) }))
    .sort((a, b) => a.key[0] - b.key[0] || a.key[1] - b.key[1] || a.position - b.position)
    .map(({ item }) => item);
}

function orderKey(field: string): [number, number] {
  const match = /^spec\.([a-z_]+)(?:\[(\d+)\])?/.exec(field);
  return [FIELD_ORDER[match?.[1] ?? ""] ?? 0, match?.[2] === undefined ? -1 : Number(match[2])];
}
