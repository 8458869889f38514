import type { JsonObject } from "@bufbuild/protobuf";
import type { McpConfig, McpType } from "@mcp/proto/registry";

/** JSON as steps exchange it: protobuf-es's JSON type, the one of the whole code base. */
export type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** The pinned MCP version a step runs. */
export interface PinnedMcp {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly type: McpType;
  /** The version's config, defaults filled in. */
  readonly config: McpConfig;
  /** The MCP's description (an ai_assistant shows it to the model for a tool). */
  readonly description?: string;
  /** JSON Schema of the inputs, when the MCP declares one (an ai_assistant's tool schema). */
  readonly inputSchema?: JsonObject;
}

/** One call of another MCP made by a step (an ai_assistant's tool call). */
export interface ChildCall {
  /** The name the model used for the tool. */
  readonly name: string;
  readonly mcp: PinnedMcp;
  readonly inputs: JsonObject;
}

/**
 * Runs other MCPs on behalf of a step, each recorded as a child step run of it (with its own status,
 * inputs, outputs and output streams). Rejects with a StepFailure when the child fails.
 */
export interface ChildSteps {
  /** The MCPs this step may call, pinned when the run started (an ai_assistant's tools). */
  readonly tools: readonly PinnedMcp[];
  run(call: ChildCall): Promise<StepResult>;
}

/** Everything a runner needs for one attempt of one step. */
export interface StepContext {
  readonly runId: string;
  readonly stepId: string;
  /** 1 for the first attempt. */
  readonly attempt: number;
  readonly mcp: PinnedMcp;
  /** The step's mapped inputs. */
  readonly inputs: JsonObject;
  /** Aborted on cancel, on the step timeout, or when the executor loses the run: stop at once (kill children). */
  readonly signal: AbortSignal;
  /** Present when the step may run other MCPs (ai_assistant tools). */
  readonly children?: ChildSteps;
  /**
   * The secrets this MCP version names (its `secrets` and its provider's `api_key_secret`), decrypted
   * for this attempt only. Never log them; the step's outputs and logs are masked before they are kept.
   */
  readonly secrets?: ReadonlyMap<string, string>;
  /**
   * Told the step's stdout and stderr as its process writes them (live logs, TailStepLogs); runners
   * that start a process pass it on. Cheap and non-blocking; the result's streams stay the record.
   */
  readonly onOutput?: (stream: "stdout" | "stderr", chunk: Buffer) => void;
}

/** What a successful attempt produced. */
export interface StepResult {
  /** Named outputs other steps and the run's final outputs read. */
  readonly outputs: JsonObject;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutTruncated: boolean;
  readonly stderrTruncated: boolean;
  /** Runner facts worth keeping, e.g. token usage. */
  readonly usage?: JsonObject;
}

/** Executes one kind of MCP. Resolves with the result or rejects with a {@link StepFailure}. */
export interface Runner {
  run(context: StepContext): Promise<StepResult>;
}

/** The runner for a pinned MCP (the executor's runners, or a test's). */
export type RunnerFor = (mcp: PinnedMcp) => Runner;
