import { create, type MessageInitShape } from "@bufbuild/protobuf";
import {
  ErrorStrategy,
  ExecutionMode,
  StepSchema,
  WorkflowSpecSchema,
  type Step,
  type WorkflowSpec,
} from "@mcp/proto/workflows";

type StepInit = MessageInitShape<typeof StepSchema>;
type SpecInit = MessageInitShape<typeof WorkflowSpecSchema>;

/** A static string input. */
export const str = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});
/** A static number input. */
export const num = (value: number) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "numberValue" as const, value } } },
});
/** A workflow input. */
export const input = (name: string) => ({ source: { case: "workflowInput" as const, value: name } });
/** Another step's output. */
export const output = (stepId: string, name: string) => ({
  source: { case: "stepOutput" as const, value: { stepId, output: name } },
});

/** A step calling MCP `mcp` by name. */
export function step(stepId: string, mcp: string, init: Omit<StepInit, "stepId" | "mcp"> = {}): Step {
  return create(StepSchema, { ...init, stepId, mcp: { mcp: { case: "name", value: mcp } } } as StepInit);
}

/** A spec with the given steps, mode and strategy. */
export function spec(steps: Step[], init: Omit<SpecInit, "steps"> = {}): WorkflowSpec {
  return create(WorkflowSpecSchema, {
    executionMode: ExecutionMode.SEQUENTIAL,
    errorHandling: { strategy: ErrorStrategy.STOP },
    ...init,
    steps,
  } as SpecInit);
}
