import { McpType } from "@mcp/proto/registry";
import type { RunnerFor } from "../engine/types.js";
import { AiAssistantRunner } from "./ai-assistant-runner.js";
import { LlmPromptRunner } from "./llm-prompt-runner.js";
import { McpToolRunner } from "./mcp-tool-runner.js";
import { NotebookRunner } from "./notebook-runner.js";
import { PythonScriptRunner, type PythonScriptRunnerOptions } from "./python-script-runner.js";
import { StepFailure, type PinnedMcp, type Runner } from "./runner.js";

/** A runner for an MCP type this executor cannot run: fails the step saying so. */
class UnsupportedRunner implements Runner {
  run(context: { mcp: PinnedMcp }): Promise<never> {
    return Promise.reject(
      new StepFailure(
        "UNSUPPORTED_MCP_TYPE",
        `MCP "${context.mcp.name}" is of type ${McpType[context.mcp.type]}, which this executor cannot run`,
      ),
    );
  }
}

/** The runners of this executor, one per MCP type, chosen by the pinned MCP's type. */
export function createRunners(options: { python?: PythonScriptRunnerOptions } = {}): RunnerFor {
  const runners = new Map<McpType, Runner>([
    [McpType.PYTHON_SCRIPT, new PythonScriptRunner(options.python)],
    [McpType.LLM_PROMPT, new LlmPromptRunner()],
    [McpType.JUPYTER_NOTEBOOK, new NotebookRunner({ python: options.python?.python })],
    [McpType.AI_ASSISTANT, new AiAssistantRunner()],
    [McpType.MCP_TOOL, new McpToolRunner()],
  ]);
  const unsupported = new UnsupportedRunner();
  return (mcp) => runners.get(mcp.type) ?? unsupported;
}

export type { Runner, PinnedMcp, StepContext, StepResult, JsonObject, JsonValue } from "./runner.js";
export { StepFailure } from "./runner.js";
