import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import { inFieldOrder as inMessageOrder, fieldRank as messageFieldRank } from "@mcp/validation";
import type { SpecViolation } from "./violation.js";

/** Spec violations in field order (`spec.…` paths; see @mcp/validation's inFieldOrder). */
export function inFieldOrder<V extends SpecViolation>(spec: WorkflowSpec, violations: readonly V[]): V[] {
  return inMessageOrder(WorkflowSpecSchema, spec, violations, "spec");
}

/** A `spec.…` path's rank (see @mcp/validation's fieldRank). */
export function fieldRank(spec: WorkflowSpec, field: string): number[] {
  return messageFieldRank(WorkflowSpecSchema, spec, field, "spec");
}
