import {
  DEFAULT_LLM_TIMEOUT_SECONDS,
  DEFAULT_MAX_TOKENS,
  DEFAULT_TEMPERATURE,
  positiveOr,
} from "@mcp/mcp-types";
import { runnerConfigOf } from "../kind-config.js";
import { ProgressLog, tokens } from "../progress-log.js";
import { stepChatClient, type LlmRunnerOptions } from "../llm/index.js";
import { parseJsonAnswer } from "./json-answer.js";
import { checkDeclaredVariables, renderTemplate } from "./render-template.js";
import {
  StepFailure,
  type JsonObject,
  type Runner,
  type StepContext,
  type StepResult,
} from "../../step/index.js";

/** Options of {@link LlmPromptRunner}. */
export type LlmPromptRunnerOptions = LlmRunnerOptions;

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
    const log = new ProgressLog(context.onOutput);
    return log.around(() => this.call(context, log));
  }

  private async call(context: StepContext, log: ProgressLog): Promise<StepResult> {
    const config = runnerConfigOf(context.mcp, "llmPrompt");
    checkDeclaredVariables(config.template, config.inputVariables, context.inputs);
    const prompt = renderTemplate(config.template, context.inputs);
    const client = stepChatClient(config.provider, this.options, {
      timeoutSeconds: positiveOr(config.timeoutSeconds, DEFAULT_LLM_TIMEOUT_SECONDS),
      secrets: context.secrets,
    });
    const maxTokens = positiveOr(config.maxTokens, DEFAULT_MAX_TOKENS);
    log.line(`llm request: model ${config.model}, max_tokens ${maxTokens}`);
    const answer = await client.chat({
      model: config.model,
      system: config.systemPrompt,
      messages: [{ role: "user", text: prompt }],
      temperature: config.temperature ?? DEFAULT_TEMPERATURE,
      maxTokens,
      signal: context.signal,
    });
    log.line(`llm answer: ${tokens(answer.usage)}, stop reason ${answer.stopReason || "-"}`);
    const outputs: JsonObject = { text: answer.text };
    if (config.jsonOutput) outputs.json = parseJsonAnswer(answer.text, answer.stopReason === "max_tokens");
    return {
      outputs,
      stdout: "",
      stderr: log.stderr,
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
