import type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/** A `--input`/`--input-json` flag that is not `key=value`. */
export class InputError extends Error {
  override readonly name = "InputError";
}

/**
 * Builds a run's inputs from `key=value` flags (the value is a string) and `key=<json>` flags (the value
 * is parsed as JSON: numbers, booleans, objects). A key given twice is an error.
 */
export function parseInputs(strings: readonly string[], json: readonly string[] = []): JsonObject {
  const inputs: JsonObject = {};
  const put = (flag: string, pair: string, parse: (raw: string) => JsonValue) => {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new InputError(`${flag} "${pair}": expected key=value`);
    const key = pair.slice(0, eq).trim();
    if (key in inputs) throw new InputError(`${flag}: input "${key}" given twice`);
    inputs[key] = parse(pair.slice(eq + 1));
  };
  for (const pair of strings) put("--input", pair, (raw) => raw);
  for (const pair of json) {
    put("--input-json", pair, (raw) => {
      try {
        return JSON.parse(raw) as JsonValue;
      } catch {
        throw new InputError(`--input-json "${pair}": the value is not JSON`);
      }
    });
  }
  return inputs;
}
