import type { FieldViolation } from "@mcp/errors";
import type { LlmPromptConfig } from "@mcp/proto/registry";
import {
  checkMaxLength,
  checkPattern,
  checkRange,
  checkRequired,
  checkUnique,
  fieldPath,
  indexPath,
  violation,
} from "@mcp/validation";
import { IDENTIFIER } from "@mcp/validation";
import { checkSampling, validateProvider } from "../llm/settings.js";
import { undeclaredVariables } from "../template/grammar.js";

/** Longest template. */
export const MAX_TEMPLATE_LENGTH = 100_000;

/**
 * Checks an llm_prompt config at `path` (e.g. `config.llm_prompt`): template (required, ≤ 100000
 * characters), model (required), sampling, timeout 1..600, provider, and input_variables
 * (identifiers, unique; when given, every template placeholder must be one of them).
 */
export function validateLlmPrompt(config: LlmPromptConfig, path: string): FieldViolation[] {
  const template = fieldPath(path, "template");
  return [
    ...checkRequired(config.template, template),
    ...checkMaxLength(config.template, MAX_TEMPLATE_LENGTH, template),
    ...checkRequired(config.model, fieldPath(path, "model")),
    ...checkSampling(config, path),
    ...checkRange(config.timeoutSeconds, 1, 600, fieldPath(path, "timeout_seconds")),
    ...validateProvider(config.provider, fieldPath(path, "provider")),
    ...checkInputVariables(config, path),
  ];
}

function checkInputVariables(config: LlmPromptConfig, path: string): FieldViolation[] {
  const field = fieldPath(path, "input_variables");
  const out = [
    ...config.inputVariables.flatMap((name, i) => [
      ...checkRequired(name, indexPath(field, i)),
      ...checkPattern(name, IDENTIFIER, "an identifier ([A-Za-z_][A-Za-z0-9_]*)", indexPath(field, i)),
    ]),
    ...checkUnique(config.inputVariables, field),
  ];
  if (config.inputVariables.length > 0) {
    for (const name of undeclaredVariables(config.template, config.inputVariables)) {
      out.push(violation(fieldPath(path, "template"), `uses {{${name}}}, which is not in input_variables`));
    }
  }
  return out;
}
