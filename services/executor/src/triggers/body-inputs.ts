import { InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import type { JsonObject, JsonValue } from "../step/index.js";

/** Most segments of an input path, and the longest path. */
export const MAX_PATH_SEGMENTS = 32;
export const MAX_PATH_CHARS = 256;

/** Why an input path is not one (undefined when it is fine): dot-separated, non-empty segments. */
export function pathProblem(path: string): string | undefined {
  if (path === "") return "is empty (give a dotted path such as `pull_request.title`)";
  if (path.length > MAX_PATH_CHARS) return `is longer than ${MAX_PATH_CHARS} characters`;
  const segments = path.split(".");
  if (segments.some((s) => s === "")) return "has an empty segment (`a..b`, or a leading or trailing `.`)";
  if (segments.length > MAX_PATH_SEGMENTS) return `has more than ${MAX_PATH_SEGMENTS} segments`;
  return undefined;
}

/** The value at a dotted `path` of `body` (a number segment indexes an array), or undefined. */
export function valueAt(body: JsonValue, path: string): JsonValue | undefined {
  let at: JsonValue | undefined = body;
  for (const segment of path.split(".")) {
    if (Array.isArray(at)) {
      at = /^(0|[1-9][0-9]*)$/.test(segment) ? at[Number(segment)] : undefined;
    } else if (at !== null && typeof at === "object") {
      at = Object.hasOwn(at, segment) ? at[segment] : undefined;
    } else {
      return undefined;
    }
    if (at === undefined) return undefined;
  }
  return at;
}

/**
 * A delivery's run inputs from its parsed JSON body. Without `paths`, the body is the inputs object
 * (a body that is not an object is INVALID_ARGUMENT on `body`); with them, each named input takes the
 * value at its path, and a path the body lacks leaves the input unset (the workflow's default, or its
 * "is required" violation, then applies). Whether the inputs fit the workflow is checked when the run
 * starts.
 */
export function inputsFromBody(body: JsonValue, paths: Readonly<Record<string, string>>): JsonObject {
  const entries = Object.entries(paths);
  if (entries.length === 0) {
    if (body === null || typeof body !== "object" || Array.isArray(body)) {
      throw InvalidArgumentError.field(
        "body",
        `must be a JSON object whose fields are the workflow's inputs (got ${Array.isArray(body) ? "an array" : body === null ? "null" : `a ${typeof body}`})`,
      );
    }
    return body;
  }
  const inputs: JsonObject = {};
  for (const [input, path] of entries) {
    const value = valueAt(body, path);
    if (value !== undefined) inputs[input] = value;
  }
  return inputs;
}

/**
 * The run's input violations (`inputs.<name>`) in the words of a webhook: an input mapped from a path
 * the body lacks says which path (`body.<path>`) it looked for.
 */
export function explainInputViolations(
  violations: readonly FieldViolation[],
  paths: Readonly<Record<string, string>>,
  inputs: JsonObject,
): FieldViolation[] {
  return violations.map((v) => {
    const input = /^inputs\.(.+)$/.exec(v.field)?.[1];
    const path = input === undefined || Object.hasOwn(inputs, input) ? undefined : paths[input];
    return path === undefined
      ? v
      : {
          field: `body.${path}`,
          description: `${v.description} (input "${input}" is read from here; the body has no such field)`,
        };
  });
}
