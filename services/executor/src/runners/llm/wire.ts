import { StepFailure, type JsonObject } from "../../step/index.js";

/** Reading a provider's parsed JSON answer without trusting its shape. */

export type Fields = Readonly<Record<string, unknown>>;

/** `value` as an object (not an array), else undefined. */
export function asFields(value: unknown): Fields | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Fields) : undefined;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A token count: a non-negative number, else 0. */
export function asCount(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Whether `value` is a JSON object (parsed JSON holds nothing but JSON values). */
export function isJsonObject(value: unknown): value is JsonObject {
  return asFields(value) !== undefined;
}

/** The LLM_ERROR for an answer that does not have the provider's documented shape. */
export function malformed(provider: string, what: string): StepFailure {
  return new StepFailure("LLM_ERROR", `${provider} answered in an unexpected shape: ${what}`);
}
