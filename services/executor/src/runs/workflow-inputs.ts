import { toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import type { JsonObject } from "../step/index.js";

/**
 * Checks run inputs against the workflow's declared inputs: every required one present, no unknown
 * ones (INVALID_ARGUMENT naming each), then fills in declared defaults.
 */
export function resolveInputs(spec: WorkflowSpec, given: JsonObject): JsonObject {
  const declared = new Map(spec.inputs.map((i) => [i.name, i]));
  const violations: FieldViolation[] = [];
  for (const name of Object.keys(given)) {
    if (!declared.has(name)) {
      const known = [...declared.keys()].join(", ") || "none";
      violations.push({
        field: `inputs.${name}`,
        description: `is not an input of this workflow (declared: ${known})`,
      });
    }
  }
  const inputs: JsonObject = { ...given };
  for (const input of spec.inputs) {
    if (inputs[input.name] !== undefined) continue;
    if (input.defaultValue !== undefined) {
      inputs[input.name] = toJson<typeof ValueSchema>(ValueSchema, input.defaultValue);
    } else if (input.required) {
      violations.push({ field: `inputs.${input.name}`, description: "is required by the workflow" });
    }
  }
  if (violations.length > 0) throw new InvalidArgumentError(violations);
  return inputs;
}
