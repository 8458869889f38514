import { clone } from "@bufbuild/protobuf";
import type { FieldViolation } from "@mcp/errors";
import { LlmApi, LlmProviderSchema, type LlmProvider } from "@mcp/proto/registry";
import { checkRange, checkRequired, checkSecretName, fieldPath, violation } from "@mcp/validation";
import { ENV_VAR_NAME, isHttpUrl } from "@mcp/validation";

/** Settings shared by the two LLM-backed types (llm_prompt, ai_assistant). */

/** Temperature when none is given. */
export const DEFAULT_TEMPERATURE = 0.7;
/** Token budget when none is given. */
export const DEFAULT_MAX_TOKENS = 1024;
/** Largest token budget. */
export const MAX_TOKENS_LIMIT = 200_000;
/** A provider request's timeout when none is given (an ai_assistant has no setting for it), in seconds. */
export const DEFAULT_LLM_TIMEOUT_SECONDS = 120;

/** The settings both LLM-backed configs have. */
export interface LlmSettings {
  temperature?: number | undefined;
  maxTokens?: number | undefined;
  provider?: LlmProvider | undefined;
}

/** Checks the sampling settings under `path`: temperature 0..1, max_tokens 1..200000 (unset passes). */
export function checkSampling(config: Readonly<LlmSettings>, path: string): FieldViolation[] {
  return [
    ...checkRange(config.temperature, 0, 1, fieldPath(path, "temperature")),
    ...checkRange(config.maxTokens, 1, MAX_TOKENS_LIMIT, fieldPath(path, "max_tokens")),
  ];
}

/**
 * Checks a provider at `field` (e.g. `config.llm_prompt.provider`): required; a known api; an http(s)
 * `base_url`; where the key comes from: `api_key_secret` naming a secret, or `api_key_env` naming an
 * environment variable (`[A-Z_][A-Z0-9_]*`) of the executor.
 */
export function validateProvider(provider: LlmProvider | undefined, field: string): FieldViolation[] {
  if (provider === undefined) return [violation(field, "is required")];
  const out: FieldViolation[] = [];
  if (!(provider.api in LlmApi)) out.push(violation(fieldPath(field, "api"), "is not a known LLM API"));
  const baseUrl = fieldPath(field, "base_url");
  out.push(...checkRequired(provider.baseUrl, baseUrl));
  if (provider.baseUrl !== "" && !isHttpUrl(provider.baseUrl)) {
    out.push(violation(baseUrl, "must be an http or https URL"));
  }
  const keyEnv = fieldPath(field, "api_key_env");
  if (provider.apiKeyEnv === "" && provider.apiKeySecret === "") {
    out.push(violation(keyEnv, "one of api_key_env and api_key_secret is required"));
  }
  if (provider.apiKeySecret !== "") {
    out.push(
      ...checkSecretName(provider.apiKeySecret, fieldPath(field, "api_key_secret"), { forWrite: true }),
    );
  }
  if (provider.apiKeyEnv !== "" && !ENV_VAR_NAME.test(provider.apiKeyEnv)) {
    out.push(
      violation(keyEnv, "must be an environment variable name ([A-Z_][A-Z0-9_]*), not the key itself"),
    );
  }
  return out;
}

/**
 * Fills in `config`'s unset LLM settings, in place (call it on a copy): temperature 0.7, max_tokens
 * 1024, and the provider's api (OpenAI-compatible) on a copy of the provider.
 */
export function fillLlmDefaults(config: LlmSettings): void {
  config.temperature ??= DEFAULT_TEMPERATURE;
  config.maxTokens ??= DEFAULT_MAX_TOKENS;
  config.provider = providerWithDefaults(config.provider);
}

/** A copy of `provider` with the api defaulted to OpenAI-compatible; `undefined` stays `undefined`. */
export function providerWithDefaults(provider: LlmProvider | undefined): LlmProvider | undefined {
  if (provider === undefined) return undefined;
  const out = clone(LlmProviderSchema, provider);
  if (out.api === LlmApi.UNSPECIFIED) out.api = LlmApi.OPENAI_COMPATIBLE;
  return out;
}
