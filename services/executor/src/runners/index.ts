import { McpType } from "@mcp/proto/registry";
import type { Sandbox } from "@mcp/sandbox";
import type { RunnerFor } from "../step/index.js";
import { AiAssistantRunner } from "./ai-assistant-runner.js";
import { LlmPromptRunner } from "./llm-prompt-runner.js";
import { McpToolRunner } from "./mcp-tool-runner.js";
import { NotebookRunner } from "./notebook-runner.js";
import { PythonScriptRunner } from "./python-script-runner.js";
import { StepFailure, type PinnedMcp, type Runner } from "../step/index.js";

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

/** What the runners share: the sandbox every step process runs in, and settings for the Python ones. */
export interface RunnerOptions {
  readonly sandbox: Sandbox;
  /** The interpreter scripts and notebooks run with, as the sandbox finds it; default `python3`. */
  readonly python?: string;
  /** Address-space cap of an MCP server started over stdio. */
  readonly serverMemoryBytes?: number;
}

/** The runners of this executor, one per MCP type, chosen by the pinned MCP's type. */
export function createRunners(options: RunnerOptions): RunnerFor {
  const { sandbox, python } = options;
  const runners = new Map<McpType, Runner>([
    [McpType.PYTHON_SCRIPT, new PythonScriptRunner({ sandbox, ...(python === undefined ? {} : { python }) })],
    [McpType.LLM_PROMPT, new LlmPromptRunner()],
    [McpType.JUPYTER_NOTEBOOK, new NotebookRunner({ sandbox, ...(python === undefined ? {} : { python }) })],
    [McpType.AI_ASSISTANT, new AiAssistantRunner()],
    [
      McpType.MCP_TOOL,
      new McpToolRunner({
        sandbox,
        ...(options.serverMemoryBytes === undefined ? {} : { serverMemoryBytes: options.serverMemoryBytes }),
      }),
    ],
  ]);
  const unsupported = new UnsupportedRunner();
  return (mcp) => runners.get(mcp.type) ?? unsupported;
}

export { resolvePython } from "../sandbox/resolve-python.js";
