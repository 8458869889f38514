// Builders for the validation unit tests (not part of the module's API).
import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import {
  StepInputSchema,
  StepSchema,
  WorkflowSpecSchema,
  type Step,
  type StepInput,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { validateSpec } from "./validate-spec.js";

/** The plain-object form of a message's init (not an already-built message). */
type Init<Desc extends DescMessage, M> = Exclude<MessageInitShape<Desc>, M>;

/** A step calling the MCP named `echo`, with overrides. */
export function step(stepId: string, init: Init<typeof StepSchema, Step> = {}): Step {
  return create(StepSchema, { stepId, mcp: { mcp: { case: "name", value: "echo" } }, ...init });
}

/** A spec with the given steps (and overrides). */
export function spec(steps: Step[], init: Init<typeof WorkflowSpecSchema, WorkflowSpec> = {}): WorkflowSpec {
  return create(WorkflowSpecSchema, { steps, ...init });
}

/** A step input taking an output of step `stepId`. */
export function fromStep(stepId: string, output = "result"): StepInput {
  return create(StepInputSchema, { source: { case: "stepOutput", value: { stepId, output } } });
}

/** A step input taking workflow input `name`. */
export function fromInput(name: string): StepInput {
  return create(StepInputSchema, { source: { case: "workflowInput", value: name } });
}

/** A step input with a fixed string value. */
export function literal(text: string): StepInput {
  return create(StepInputSchema, {
    source: {
      case: "staticValue",
      value: create(ValueSchema, { kind: { case: "stringValue", value: text } }),
    },
  });
}

/** `field code` of every violation of `subject`, for exact comparisons. */
export function found(subject: WorkflowSpec, workflowName?: string): string[] {
  return validateSpec(subject, { workflowName }).map((v) => `${v.field} ${v.code}`);
}
