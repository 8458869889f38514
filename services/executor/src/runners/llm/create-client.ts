import { LlmApi, type LlmProvider } from "@mcp/proto/registry";
import { StepFailure } from "../../step/index.js";
import { AnthropicChatClient } from "./anthropic.js";
import type { ChatClient } from "./client.js";
import type { Connection } from "./connection.js";
import type { RetryOptions } from "./http.js";
import { OpenAiChatClient } from "./openai.js";
import { tracedChatClient } from "./traced-client.js";

/** How clients made by {@link createChatClient} behave, beyond what the provider config says. */
export type ChatClientOptions = Omit<Connection, "baseUrl" | "apiKeyEnv" | "apiKeySecret">;

/** The client speaking `provider`'s wire format; a missing or unusable provider fails with INVALID_CONFIG. */
export function createChatClient(provider: LlmProvider | undefined, options: ChatClientOptions): ChatClient {
  if (provider === undefined) throw new StepFailure("INVALID_CONFIG", "the MCP config has no LLM provider");
  if (provider.baseUrl === "") throw new StepFailure("INVALID_CONFIG", "the LLM provider has no base_url");
  const connection: Connection = {
    ...options,
    baseUrl: provider.baseUrl,
    apiKeyEnv: provider.apiKeyEnv,
    apiKeySecret: provider.apiKeySecret,
  };
  switch (provider.api) {
    case LlmApi.UNSPECIFIED:
    case LlmApi.OPENAI_COMPATIBLE:
      return new OpenAiChatClient(connection);
    case LlmApi.ANTHROPIC:
      return new AnthropicChatClient(connection);
    default:
      throw new StepFailure("INVALID_CONFIG", `unknown LLM api ${String(provider.api)}`);
  }
}

/** Options of the LLM-backed runners (llm_prompt, ai_assistant). */
export interface LlmRunnerOptions {
  /** Retries of a provider call on 429, 5xx and network errors; default 4 attempts in all. */
  readonly retry?: RetryOptions;
  /** Where `provider.api_key_env` is looked up, at each run; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The client one step talks to its provider with: the runner's retries and environment, the step's
 * secrets; each call a span of the step's trace (traced-client.ts).
 */
export function stepChatClient(
  provider: LlmProvider | undefined,
  options: LlmRunnerOptions,
  step: { readonly timeoutSeconds: number; readonly secrets?: ReadonlyMap<string, string> | undefined },
): ChatClient {
  const client = createChatClient(provider, {
    timeoutMs: step.timeoutSeconds * 1000,
    retry: options.retry,
    env: options.env,
    ...(step.secrets === undefined ? {} : { secrets: step.secrets }),
  });
  return tracedChatClient(client, provider?.api === LlmApi.ANTHROPIC ? "anthropic" : "openai");
}
