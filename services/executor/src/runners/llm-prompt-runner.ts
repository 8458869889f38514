import type { LlmPromptConfig } from "@mcp/proto/registry";
import { createChatClient } from "./llm/create-client.js";
import type { RetryOptions } from "./llm/http.js";
import { parseJsonAnswer } from "./llm/json-answer.js";
import { checkDeclaredVariables, renderTemplate } from "./llm/render-template.js";
import {
  StepFailure,
  type JsonObject,
  type PinnedMcp,
  type Runner,
  type StepContext,
  type StepResult,
} from "../step/index.js";

export const DEFAULT_TEMPERATURE = 0.7;
export const DEFAULT_MAX_TOKENS = 1024;
export const DEFAULT_LLM_TIMEOUT_SECONDS = 120;

/** Options of {@link LlmPromptRunner}. */
export interface LlmPromptRunnerOptions {
  /** Retries of a provider call on 429, 5xx and network errors; default 4 attempts in all. */
  readonly retry?: RetryOptions;
  /** Where `provider.api_key_env` is looked up, at each run; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Runs `llm_prompt` MCPs: renders `template` with the step's inputs, sends it (after `system_prompt`)
 * to the configured provider, and returns `{ text }`, plus `{ json }` when `json_output` is set.
 * Token usage and the model go to the result's `usage`.
 */
export class LlmPromptRunner implements Runner {
  constructor(private readonly options: LlmPromptRunnerOptions = {}) {}

  async run(context: StepContext): Promise<StepResult> {
    try {
      return await this.attempt(context);
    } catch (error) {
      throw StepFailure.from(error, "RUNNER_ERROR", "llm prompt runner failed: ");
    }
  }

  private async attempt(context: StepContext): Promise<StepResult> {
    const config = llmPromptConfigOf(context.mcp);
    checkDeclaredVariables(config.template, config.inputVariables, context.inputs);
    const prompt = renderTemplate(config.template, context.inputs);
    const client = createChatClient(config.provider, {
      timeoutMs: positiveOr(config.timeoutSeconds, DEFAULT_LLM_TIMEOUT_SECONDS) * 1000,
      retry: this.options.retry,
      env: this.options.env,
      ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
    });
    const maxTokens = positiveOr(config.maxTokens, DEFAULT_MAX_TOKENS);
    const answer = await client.chat({
      model: config.model,
      system: config.systemPrompt,
      messages: [{ role: "user", text: prompt }],
      temperature: config.temperature ?? DEFAULT_TEMPERATURE,
      maxTokens,
      signal: context.signal,
    });
    const outputs: JsonObject = { text: answer.text };
    if (config.jsonOutput) outputs.json = parseJsonAnswer(answer.text, answer.stopReason === "max_tokens");
    return {
      outputs,
      stdout: "",
      stderr: "",
      stdoutTruncated: false,
      stderrTruncated: false,
      usage: {
        input_tokens: answer.usage.inputTokens,
        output_tokens: answer.usage.outputTokens,
        model: config.model,
      },
    };
  }
}

function llmPromptConfigOf(mcp: PinnedMcp): LlmPromptConfig {
  const kind = mcp.config.kind;
  if (kind.case !== "llmPrompt") {
    throw new StepFailure(
      "UNSUPPORTED_MCP_TYPE",
      `the llm_prompt runner cannot run a ${kind.case ?? "config-less"} MCP`,
    );
  }
  return kind.value;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}
