import type { MessageInitShape } from "@bufbuild/protobuf";
import { ExecutionMode, type WorkflowSpecSchema } from "@mcp/proto/workflows";

type SpecInit = MessageInitShape<typeof WorkflowSpecSchema>;

/**
 * The echo → concat pair: `echo` takes the workflow input `text`; `concat` joins a static prefix and
 * echo's `text` output.
 */
export function echoConcatSpec(echoMcp: string, concatMcp: string): SpecInit {
  return {
    executionMode: ExecutionMode.SEQUENTIAL,
    inputs: [{ name: "text", required: true }],
    steps: [
      {
        stepId: "echo",
        mcp: { mcp: { case: "name", value: echoMcp } },
        inputs: { text: { source: { case: "workflowInput", value: "text" } } },
      },
      {
        stepId: "concat",
        mcp: { mcp: { case: "name", value: concatMcp } },
        dependsOn: ["echo"],
        inputs: {
          prefix: {
            source: { case: "staticValue", value: { kind: { case: "stringValue", value: "echo: " } } },
          },
          text: { source: { case: "stepOutput", value: { stepId: "echo", output: "text" } } },
        },
      },
    ],
    outputs: [{ name: "result", stepId: "concat", output: "result" }],
  };
}
