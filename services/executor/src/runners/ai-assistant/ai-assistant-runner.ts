import type { AiAssistantConfig } from "@mcp/proto/registry";
import {
  DEFAULT_LLM_TIMEOUT_SECONDS,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MAX_TURNS,
  DEFAULT_MEMORY_SIZE,
  DEFAULT_TEMPERATURE,
} from "@mcp/mcp-types";
import { runnerConfigOf } from "../kind-config.js";
import { ProgressLog, tokens } from "../progress-log.js";
import {
  stepChatClient,
  type ChatMessage,
  type LlmRunnerOptions,
  type ToolResultMessage,
} from "../llm/index.js";
import { trimHistory } from "./history.js";
import { toolDefinition, toolName } from "./tools.js";
import {
  StepFailure,
  type ChildSteps,
  type JsonObject,
  type Runner,
  type StepContext,
  type StepResult,
} from "../../step/index.js";

/** Options of {@link AiAssistantRunner}. */
export type AiAssistantRunnerOptions = LlmRunnerOptions;

/**
 * Runs `ai_assistant` MCPs: a chat loop in the provider's tool-calling format. The task is the step's
 * `message` input when it is a string, else all inputs as JSON. The tools are the MCPs in the config
 * (pinned when the run started; their input schemas become the tool schemas); each call runs through
 * the same runners as any step and is recorded as a child step. A failed tool call goes back to the
 * model as an error result, so it can recover. The loop ends at a final answer — outputs
 * `{ text, turns, tool_calls }` — or fails with MAX_TURNS after `max_turns` model turns. `memory_size`
 * bounds the history sent. `usage` holds the token counts summed and per model turn (`rounds`).
 */
export class AiAssistantRunner implements Runner {
  constructor(private readonly options: AiAssistantRunnerOptions = {}) {}

  async run(context: StepContext): Promise<StepResult> {
    const log = new ProgressLog(context.onOutput);
    return log.around(() => this.converse(context, log));
  }

  private async converse(context: StepContext, log: ProgressLog): Promise<StepResult> {
    const config = runnerConfigOf(context.mcp, "aiAssistant");
    const children = context.children ?? {
      tools: [],
      run: () => Promise.reject(new StepFailure("RUNNER_ERROR", "no tools available")),
    };
    const client = stepChatClient(config.provider, this.options, {
      timeoutSeconds: DEFAULT_LLM_TIMEOUT_SECONDS,
      secrets: context.secrets,
    });
    const tools = new Map(children.tools.map((mcp) => [toolName(mcp), mcp]));
    const definitions = children.tools.map(toolDefinition);
    let messages: ChatMessage[] = [{ role: "user", text: taskOf(context.inputs) }];
    const usage = { input_tokens: 0, output_tokens: 0 };
    // one entry per model turn: what each tool round cost
    const rounds: JsonObject[] = [];
    let toolCalls = 0;
    const maxTurns = config.maxTurns ?? DEFAULT_MAX_TURNS;
    for (let turn = 1; turn <= maxTurns; turn++) {
      log.line(`turn ${turn}: llm request: model ${config.model}, ${definitions.length} tools`);
      const answer = await client.chat({
        model: config.model,
        system: config.systemPrompt,
        messages: trimHistory(messages, memorySizeOf(config)),
        tools: definitions,
        temperature: config.temperature ?? DEFAULT_TEMPERATURE,
        maxTokens: config.maxTokens ?? DEFAULT_MAX_TOKENS,
        signal: context.signal,
      });
      usage.input_tokens += answer.usage.inputTokens;
      usage.output_tokens += answer.usage.outputTokens;
      rounds.push({
        input_tokens: answer.usage.inputTokens,
        output_tokens: answer.usage.outputTokens,
        tool_calls: answer.toolCalls.length,
      });
      if (answer.toolCalls.length === 0) {
        log.line(`turn ${turn}: final answer (${tokens(answer.usage)})`);
        return {
          outputs: { text: answer.text, turns: turn, tool_calls: toolCalls },
          stdout: "",
          stderr: log.stderr,
          stdoutTruncated: false,
          stderrTruncated: false,
          usage: { ...usage, model: config.model, rounds },
        };
      }
      const names = answer.toolCalls.map((call) => call.name).join(", ");
      log.line(`turn ${turn}: ${answer.toolCalls.length} tool calls: ${names} (${tokens(answer.usage)})`);
      messages = [...messages, { role: "assistant", text: answer.text, toolCalls: answer.toolCalls }];
      for (const call of answer.toolCalls) {
        toolCalls += 1;
        log.line(`tool ${call.name}: started`);
        const result = await callTool(children, tools, call.id, call.name, call.arguments);
        log.line(`tool ${call.name}: ${result.isError ? "failed" : "succeeded"}`);
        messages.push(result);
      }
    }
    throw new StepFailure(
      "MAX_TURNS",
      `the assistant gave no final answer within max_turns = ${maxTurns} model turns (${toolCalls} tool calls made); raise max_turns or simplify the task`,
    );
  }
}

/** The step's task for the model. */
function taskOf(inputs: JsonObject): string {
  const message = inputs["message"];
  return typeof message === "string" ? message : JSON.stringify(inputs);
}

function memorySizeOf(config: AiAssistantConfig): number {
  const size = config.memorySize ?? DEFAULT_MEMORY_SIZE;
  return size <= 0 ? Number.MAX_SAFE_INTEGER : size;
}

/** Runs one tool call as a child step; its outputs (or its failure) become the tool result. */
async function callTool(
  children: ChildSteps,
  tools: ReadonlyMap<string, ChildSteps["tools"][number]>,
  id: string,
  name: string,
  args: JsonObject,
): Promise<ToolResultMessage> {
  const mcp = tools.get(name);
  if (!mcp) {
    return {
      role: "tool",
      toolCallId: id,
      content: `unknown tool "${name}"; available: ${[...tools.keys()].join(", ")}`,
      isError: true,
    };
  }
  try {
    const result = await children.run({ name, mcp, inputs: args });
    return { role: "tool", toolCallId: id, content: JSON.stringify(result.outputs) };
  } catch (err) {
    // Only a tool's own failure goes back to the model; cancel, timeout and lost ownership stop the step.
    if (!(err instanceof StepFailure) || err.code === "CANCELLED" || err.code === "TIMEOUT") throw err;
    return { role: "tool", toolCallId: id, content: `the tool failed: ${err.message}`, isError: true };
  }
}
