import type { McpConfigKind } from "@mcp/mcp-types";
import { McpType } from "@mcp/proto/registry";
import type { Sandbox } from "@mcp/sandbox";
import { StepFailure, type PinnedMcp, type Runner, type RunnerFor } from "../step/index.js";
import { AiAssistantRunner } from "./ai-assistant/index.js";
import { NotebookRunner } from "./jupyter-notebook/index.js";
import { LlmPromptRunner } from "./llm-prompt/index.js";
import { McpToolRunner } from "./mcp-tool/index.js";
import { PythonScriptRunner } from "./python-script/index.js";

/** A runner for an MCP this executor cannot run (its config has no kind): fails the step saying so. */
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

/**
 * The runners of this executor, one per MCP type (`runners/<type>/`), chosen by the case of the pinned
 * version's `config.kind`; a config with no kind gets one that fails with UNSUPPORTED_MCP_TYPE.
 */
export function createRunners(options: RunnerOptions): RunnerFor {
  const { sandbox, python } = options;
  const pythonOption = python === undefined ? {} : { python };
  const runners: Readonly<Record<McpConfigKind, Runner>> = {
    pythonScript: new PythonScriptRunner({ sandbox, ...pythonOption }),
    llmPrompt: new LlmPromptRunner(),
    jupyterNotebook: new NotebookRunner({ sandbox, ...pythonOption }),
    aiAssistant: new AiAssistantRunner(),
    mcpTool: new McpToolRunner({
      sandbox,
      ...(options.serverMemoryBytes === undefined ? {} : { serverMemoryBytes: options.serverMemoryBytes }),
    }),
  };
  const unsupported = new UnsupportedRunner();
  return (mcp) => {
    const kind = mcp.config.kind.case;
    return kind === undefined ? unsupported : runners[kind];
  };
}

export { resolvePython } from "../sandbox/resolve-python.js";
