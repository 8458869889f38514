import type { MessageInitShape } from "@bufbuild/protobuf";
import { ErrorStrategy, ExecutionMode, type StepSchema, type WorkflowSpecSchema } from "@mcp/proto/workflows";

type StepInit = MessageInitShape<typeof StepSchema>;
type SpecInit = MessageInitShape<typeof WorkflowSpecSchema>;

/** A static string input. */
export const str = (value: string) => ({ source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } } });
/** A static number input. */
export const num = (value: number) => ({ source: { case: "staticValue" as const, value: { kind: { case: "numberValue" as const, value } } } });
/** A workflow input. */
export const input = (name: string) => ({ source: { case: "workflowInput" as const, value: name } });
/** Another step's output. */
export const output = (stepId: string, name: string) => ({ source: { case: "stepOutput" as const, value: { stepId, output: name } } });

/** A step calling MCP `mcp` by name. */
export function step(stepId: string, mcp: string, init: Omit<StepInit, "stepId" | "mcp"> = {}): StepInit {
  return { stepId, mcp: { mcp: { case: "name", value: mcp } }, ...init };
}

/** A spec with the given steps, mode and strategy. */
export function spec(steps: StepInit[], init: Omit<SpecInit, "steps"> = {}): SpecInit {
  return { executionMode: ExecutionMode.SEQUENTIAL, errorHandling: { strategy: ErrorStrategy.STOP }, ...init, steps };
}
