import { McpType } from "@mcp/proto/registry";
import type { RunnerFor } from "../engine/types.js";
import { PythonScriptRunner, type PythonScriptRunnerOptions } from "./python-script-runner.js";
import { StepFailure, type PinnedMcp, type Runner } from "./runner.js";

/** A runner for MCP types this executor cannot run yet: fails the step saying so. */
class UnsupportedRunner implements Runner {
  run(context: { mcp: PinnedMcp }): Promise<never> {
    return Promise.reject(
      new StepFailure(
        "UNSUPPORTED_MCP_TYPE",
        `MCP "${context.mcp.name}" is of type ${McpType[context.mcp.type]}, which this executor cannot run yet`,
      ),
    );
  }
}

/** The runners of this executor, chosen by MCP type. */
export function createRunners(options: { python?: PythonScriptRunnerOptions } = {}): RunnerFor {
  const python = new PythonScriptRunner(options.python);
  const unsupported = new UnsupportedRunner();
  return (mcp) => (mcp.type === McpType.PYTHON_SCRIPT ? python : unsupported);
}

export type { Runner, PinnedMcp, StepContext, StepResult, JsonObject, JsonValue } from "./runner.js";
export { StepFailure } from "./runner.js";
