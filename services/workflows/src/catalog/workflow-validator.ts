import { create } from "@bufbuild/protobuf";
import { InvalidArgumentError } from "@mcp/errors";
import {
  ViolationSchema,
  type ResolvedStep,
  type Violation,
  type WorkflowReference,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { inFieldOrder } from "../validation/index.js";
import { specFromJson } from "./content.js";
import type { SpecChecker } from "./spec-checker.js";
import type { WorkflowReader } from "./workflow-catalog.js";

/** What ValidateWorkflow may check: a new spec or a stored version. */
export type ValidateTarget =
  | { case: "spec"; value: WorkflowSpec }
  | { case: "workflow"; value: WorkflowReference }
  | { case: undefined; value?: undefined };

/** ValidateWorkflow: the same checks as a write, reported instead of thrown, nothing written. */
export class WorkflowValidator {
  constructor(
    private readonly checker: SpecChecker,
    private readonly reader: WorkflowReader,
  ) {}

  async validate(
    workspace: string,
    target: ValidateTarget,
  ): Promise<{ valid: boolean; violations: Violation[]; resolvedSteps: ResolvedStep[] }> {
    let spec: WorkflowSpec;
    let name: string | undefined;
    if (target.case === "spec") {
      spec = target.value;
    } else if (target.case === "workflow") {
      const def = await this.reader.definition(workspace, target.value.workflow);
      const version = await this.reader.version(def, target.value.version ?? def.currentVersion);
      spec = specFromJson(version.spec);
      name = def.name;
    } else {
      throw InvalidArgumentError.field("target", "give a spec or a workflow reference");
    }
    const report = await this.checker.check(workspace, spec, name, { resolveAlways: true });
    // the rules' and the references' violations together, in field order (as the proto promises)
    const found = inFieldOrder(spec, [...report.specViolations, ...report.referenceViolations]);
    const violations = found.map((v) =>
      create(ViolationSchema, { field: v.field, description: v.description, code: v.code }),
    );
    return { valid: violations.length === 0, violations, resolvedSteps: report.resolved };
  }
}
