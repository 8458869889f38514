import { clone, create } from "@bufbuild/protobuf";
import type { Client } from "@connectrpc/connect";
import type { WorkflowQueries } from "@mcp/db";
import type { RegistryService } from "@mcp/proto/registry";
import {
  ErrorHandlingSchema,
  ErrorStrategy,
  ExecutionMode,
  WorkflowSpecSchema,
  type ResolvedStep,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { checkMcpReferences } from "../references/registry-references.js";
import { checkSubWorkflows } from "../references/sub-workflows.js";
import { validateSpec, type SpecViolation } from "../validation/index.js";

/** Everything wrong with a spec: its own rules, and what does not resolve outside it. */
export interface SpecReport {
  /** Broken rules of the spec itself (→ INVALID_ARGUMENT). */
  readonly specViolations: SpecViolation[];
  /** MCPs, versions, labels, fallback or sub-workflows that do not resolve, or call back (→ FAILED_PRECONDITION). */
  readonly referenceViolations: SpecViolation[];
  readonly resolved: ResolvedStep[];
}

/** The spec as stored: unset execution mode → sequential, unset error handling → stop. */
export function withDefaults(spec: WorkflowSpec): WorkflowSpec {
  const next = clone(WorkflowSpecSchema, spec);
  if (next.executionMode === ExecutionMode.UNSPECIFIED) next.executionMode = ExecutionMode.SEQUENTIAL;
  next.errorHandling ??= create(ErrorHandlingSchema, {});
  if (next.errorHandling.strategy === ErrorStrategy.UNSPECIFIED)
    next.errorHandling.strategy = ErrorStrategy.STOP;
  return next;
}

/** Checks specs: the pure rules first, then (only when they pass) the registry and the fallback workflow. */
export class SpecChecker {
  constructor(
    private readonly registry: Client<typeof RegistryService>,
    private readonly queries: WorkflowQueries,
  ) {}

  /**
   * With `resolveAlways` (ValidateWorkflow) the registry is asked even when the spec breaks its own
   * rules, so every problem is reported at once; a write stops at the first kind (nothing to resolve).
   */
  async check(
    workspace: string,
    spec: WorkflowSpec,
    workflowName: string | undefined,
    options: { resolveAlways?: boolean } = {},
  ): Promise<SpecReport> {
    const specViolations = validateSpec(spec, { workflowName });
    if (specViolations.length > 0 && !options.resolveAlways)
      return { specViolations, referenceViolations: [], resolved: [] };
    const { violations, resolved } = await checkMcpReferences(this.registry, workspace, spec);
    const fallback = spec.errorHandling?.fallbackWorkflow;
    if (fallback && !(await this.queries.findLiveByName(workspace, fallback.toLowerCase()))) {
      violations.push({
        field: "spec.error_handling.fallback_workflow",
        code: "FALLBACK_NOT_FOUND",
        description: `fallback workflow "${fallback}" does not exist; create it first`,
      });
    }
    violations.push(...(await checkSubWorkflows(this.queries, workspace, spec, workflowName)));
    // A reference the rules already reject (e.g. a malformed name) is reported once, by the rules.
    const referenceViolations = violations.filter(
      (v) => !specViolations.some((s) => s.field === v.field || s.field.startsWith(`${v.field}.`)),
    );
    return { specViolations, referenceViolations, resolved };
  }
}
