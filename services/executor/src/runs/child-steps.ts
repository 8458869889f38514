import { McpType } from "@mcp/proto/registry";
import type { RunnerFor } from "../step/index.js";
import {
  StepFailure,
  type ChildCall,
  type ChildSteps,
  type PinnedMcp,
  type Runner,
  type StepContext,
  type StepResult,
} from "../step/index.js";
import type { FencedRecorder } from "./fenced-recorder.js";

/**
 * Gives ai_assistant steps their tools: each tool call runs through the same runners as any step and
 * is recorded as a child step run (`<step>#<attempt>/<n>:<tool>`), committed before and after it runs.
 * Other steps' runners are used as they are.
 */
export function withChildSteps(
  base: RunnerFor,
  recorder: FencedRecorder,
  tools: ReadonlyMap<string, readonly PinnedMcp[]>,
): RunnerFor {
  return (mcp) => {
    const runner = base(mcp);
    if (mcp.type !== McpType.AI_ASSISTANT) return runner;
    return {
      run: (context) =>
        runner.run({
          ...context,
          children: childSteps(base, recorder, context, tools.get(context.stepId) ?? []),
        }),
    } satisfies Runner;
  };
}

function childSteps(
  base: RunnerFor,
  recorder: FencedRecorder,
  parent: StepContext,
  tools: readonly PinnedMcp[],
): ChildSteps {
  let calls = 0;
  return {
    tools,
    async run(call: ChildCall): Promise<StepResult> {
      if (call.mcp.type === McpType.AI_ASSISTANT) {
        throw new StepFailure(
          "UNSUPPORTED_MCP_TYPE",
          `tool "${call.name}" is an ai_assistant; assistants cannot call assistants`,
        );
      }
      calls += 1;
      const stepId = `${parent.stepId}#${parent.attempt}/${calls}:${call.name}`;
      await recorder.childStarted(parent.stepId, stepId, call.mcp, call.inputs);
      try {
        const result = await base(call.mcp).run({
          runId: parent.runId,
          stepId,
          attempt: 1,
          mcp: call.mcp,
          inputs: call.inputs,
          signal: parent.signal,
        });
        await recorder.childFinished(stepId, result);
        return result;
      } catch (err) {
        const failure = StepFailure.from(err);
        await recorder.childFinished(stepId, {
          error: { code: failure.code, message: failure.message },
          output: failure.output,
        });
        throw failure;
      }
    },
  };
}
