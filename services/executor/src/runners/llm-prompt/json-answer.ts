import { StepFailure, type JsonValue } from "../../step/index.js";

const WHOLE_FENCE = /^```[A-Za-z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```$/;
const JSON_FENCE = /```json[ \t]*\r?\n([\s\S]*?)\r?\n?```/i;

/**
 * A model's answer as JSON: the text itself, or the inside of a ```json fence (wrapping the answer or
 * within it). Anything else fails with INVALID_OUTPUT, the answer kept as the failure's stdout.
 */
export function parseJsonAnswer(text: string, cutOff: boolean): JsonValue {
  const trimmed = text.trim();
  const candidates = [trimmed, WHOLE_FENCE.exec(trimmed)?.[1], JSON_FENCE.exec(trimmed)?.[1]];
  for (const candidate of candidates) {
    if (candidate === undefined || candidate.trim() === "") continue;
    try {
      return JSON.parse(candidate) as JsonValue;
    } catch {
      // try the next reading
    }
  }
  const what = trimmed === "" ? "it is empty" : `it starts ${JSON.stringify(trimmed.slice(0, 80))}`;
  const why = cutOff ? ", and it was cut off at max_tokens" : "";
  throw new StepFailure(
    "INVALID_OUTPUT",
    `json_output is set but the model's answer is not valid JSON (${what}${why})`,
    { stdout: text },
  );
}
